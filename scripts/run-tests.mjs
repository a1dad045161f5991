// Runs every uvu suite in test/ (files ending .test.ts, through tsx) and ends with one plain
// "N passed, N failed, N skipped" line that any CI can read. Extra arguments filter test files:
// `npm test -- losses` runs test/*losses*.test.ts only; `--dir DIR` runs the suites of another folder
// (test/runner.test.ts runs fixture suites that way).
//
// Skipped: every `SKIPPED: <what>: <reason>` line a suite prints (test/_skip.ts writes them) plus uvu's own
// test.skip count. A skip is listed again under the summary. Under CI=true a skip fails the run: test/_skip.ts
// already fails the test there, and a marker printed some other way is caught here.
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const uvu = require.resolve('uvu').replace(/dist[\/]index.js$/, 'bin.js');
const args = process.argv.slice(2);
let dir = 'test';
const at = args.indexOf('--dir');
if (at >= 0) {
  dir = args[at + 1];
  if (!dir) {
    console.error('run-tests: --dir needs a folder');
    process.exit(2);
  }
  args.splice(at, 2);
}
const filter = args.join('|');
const pattern = filter ? `(${filter}).*\\.test\\.ts$` : '\\.test\\.ts$';
const ci = process.env.CI === 'true' || process.env.CI === '1';
const child = spawn(process.execPath, [uvu, '-r', 'tsx', dir, pattern], {
  stdio: ['ignore', 'pipe', 'inherit'],
  env: { ...process.env, FORCE_COLOR: '0', NO_COLOR: '1' },
});
let out = '';
child.stdout.on('data', (chunk) => {
  out += chunk;
  process.stdout.write(chunk);
});
child.on('close', (code) => {
  // The last of each: a failure message may quote another run's summary.
  const num = (label) => Number([...out.matchAll(new RegExp(`${label}:\\s+(\\d+)`, 'g'))].at(-1)?.[1] ?? 0);
  // uvu's Total counts the tests that ran (its test.skip ones are not in it), so failed = Total − Passed.
  const total = num('Total'), passed = num('Passed');
  const failed = total - passed;
  // A marker may follow uvu's progress dots on the same line, so it is matched anywhere in a line.
  const skips = [...out.matchAll(/SKIPPED: ([^\n]*)/g)].map((m) => m[1].trim());
  const skipped = skips.length + num('Skipped');
  if (skips.length) console.log(`\nskipped:\n${skips.map((s) => `  ${s}`).join('\n')}`);
  console.log(`\n${passed} passed, ${failed} failed, ${skipped} skipped`);
  if (ci && skipped > 0) console.log(`CI=true: ${skipped} skipped, and nothing may be skipped in CI`);
  const ok = code === 0 && failed === 0 && total + skipped > 0 && !(ci && skipped > 0);
  process.exit(ok ? 0 : code || 1);
});
