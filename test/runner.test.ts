// scripts/run-tests.mjs counts skips: small fixture suites (written to a temporary folder, importing uvu and
// test/_skip.ts by absolute URL) run through it in a child process, with and without CI=true, and its summary
// line and exit code are checked.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const root = resolve('.');
const uvuUrl = pathToFileURL(createRequire(import.meta.url).resolve('uvu')).href;
const skipUrl = pathToFileURL(join(root, 'test', '_skip.ts')).href;
const head = `import { test } from '${uvuUrl}';\nimport { skipSuite, skipRest } from '${skipUrl}';\n`;

const SUITES: Record<string, string> = {
  pass: `test('one plus one', () => { if (1 + 1 !== 2) throw new Error('arithmetic'); });\ntest.run();`,
  fail: `test('a wrong sum', () => { if (1 + 1 !== 3) throw new Error('1 + 1 is not 3'); });\ntest.run();`,
  nochromium: `skipSuite(test, 'fixture browser suite', '/no/such/chromium not found');\ntest.run();`,
  part: `test('builds, then the browser part', () => {\n  skipRest('fixture browser part', 'no chromium');\n});\ntest.run();`,
  byhand: `test('prints a marker itself', () => { console.log('SKIPPED: by hand: no reason'); });\ntest.run();`,
  native: `test.skip('uvu skip', () => {});\ntest('runs', () => {});\ntest.run();`,
};

let dir = '';
test.before(() => {
  dir = mkdtempSync(join(tmpdir(), 'descent-runner-'));
  for (const [name, body] of Object.entries(SUITES)) writeFileSync(join(dir, `${name}.test.ts`), head + body);
});
test.after(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** Runs the named fixture suites through scripts/run-tests.mjs; its exit status, summary line and output. */
function run(names: string[], ci: boolean): { status: number | null; summary: string; out: string } {
  const env: NodeJS.ProcessEnv = { ...process.env, CI: ci ? 'true' : '' };
  delete env.FORCE_COLOR; // set with NO_COLOR by the outer run; Node warns about the pair
  const r = spawnSync(process.execPath, [join(root, 'scripts', 'run-tests.mjs'), '--dir', dir, ...names.map((n) => `^${n}(?=\\.)`)],
    { cwd: root, env, encoding: 'utf8' });
  const out = r.stdout + r.stderr;
  const summary = (out.match(/^\d+ passed, \d+ failed, \d+ skipped$/m) ?? [''])[0];
  return { status: r.status, summary, out };
}

test('a suite that cannot run is counted as skipped, with its reason, and the run passes', () => {
  const r = run(['pass', 'nochromium'], false);
  assert.is(r.summary, '1 passed, 0 failed, 1 skipped', r.out);
  assert.is(r.status, 0, r.out);
  assert.match(r.out, /skipped:\n {2}fixture browser suite: \/no\/such\/chromium not found/);
});

test('only skipped suites: nothing failed, so the run passes', () => {
  const r = run(['nochromium'], false);
  assert.is(r.summary, '0 passed, 0 failed, 1 skipped', r.out);
  assert.is(r.status, 0, r.out);
});

test('under CI=true a suite that cannot run fails the run, naming what is missing', () => {
  const r = run(['pass', 'nochromium'], true);
  assert.is(r.summary, '1 passed, 1 failed, 0 skipped', r.out);
  assert.is(r.status, 1, r.out);
  assert.match(r.out, /fixture browser suite cannot run under CI=true: \/no\/such\/chromium not found/);
});

test('a skip inside a running test is counted, and fails that test under CI=true', () => {
  const local = run(['part'], false);
  assert.is(local.summary, '1 passed, 0 failed, 1 skipped', local.out);
  assert.is(local.status, 0, local.out);
  const ci = run(['part'], true);
  assert.is(ci.summary, '0 passed, 1 failed, 0 skipped', ci.out);
  assert.match(ci.out, /fixture browser part cannot run under CI=true: no chromium/);
  assert.is(ci.status, 1, ci.out);
});

test('a failing test fails the run; a marker printed by hand and uvu test.skip are counted, and fail under CI', () => {
  const failed = run(['pass', 'fail'], false);
  assert.is(failed.summary, '1 passed, 1 failed, 0 skipped', failed.out);
  assert.is(failed.status, 1, failed.out);
  const counted = run(['byhand', 'native'], false);
  assert.is(counted.summary, '2 passed, 0 failed, 2 skipped', counted.out);
  assert.is(counted.status, 0, counted.out);
  const ci = run(['byhand'], true);
  assert.is(ci.summary, '1 passed, 0 failed, 1 skipped', ci.out);
  assert.match(ci.out, /CI=true: 1 skipped/);
  assert.is(ci.status, 1, ci.out);
});

test.run();
