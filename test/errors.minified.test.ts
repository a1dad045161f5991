// Errors keep their type in production bundles: an app and the training worker bundled with esbuild --minify
// (class names renamed) still see `e.name === 'HyperParameterError'` and `instanceof HyperParameterError` for a bad
// option on the main thread and for one raised inside trainInWorker's worker (the type crosses by `code`). Run in
// Node (always) and in Chromium (when /usr/bin/chromium exists; otherwise that test prints a SKIPPED line and,
// under CI=true, fails).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { build } from 'esbuild';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { spawnSync } from 'node:child_process';
// @ts-expect-error plain ESM helpers without type declarations
import { serve } from '../demo/serve.mjs';
import { CHROMIUM, launchChromium } from './_chromium.ts';
import { DescentError, HyperParameterError, ShapeError, DataError, DisposedError, BackendError } from '../src/errors.js';
import { reviveError, serializeError } from '../src/worker/protocol.js';

const root = resolve('.');
const tmp = mkdtempSync(join(tmpdir(), 'descent-errors-min-'));
test.after(() => rmSync(tmp, { recursive: true, force: true }));

// The app: one bad option on the main thread, one inside the worker; each reports name, instanceof, param, and
// whether the bundle really renamed the class (otherwise the test would prove nothing).
const APP = (workerImport: string, workerOption: string) => `import { init, Dataset, softmax, train, HyperParameterError } from ${JSON.stringify(join(root, 'src/index.ts'))};
import { trainInWorker } from ${JSON.stringify(join(root, workerImport))};
export async function run() {
  await init();
  const out = { renamed: HyperParameterError.name !== 'HyperParameterError' };
  const x = new Float32Array([0, 1, 1, 0, 1, 1, 0, 0]), y = new Float32Array([0, 1, 1, 0]);
  const ds = Dataset.fromArrays(x, y, { features: 2 });
  try {
    train(softmax({ features: 2, classes: 2 }), ds, { optimizer: { name: 'adam', lr: -1 }, epochs: 1 });
    out.main = 'no error';
  } catch (e) {
    out.main = { name: e.name, instance: e instanceof HyperParameterError, param: e.param, code: e.code };
  }
  const h = trainInWorker({ data: { x, y, features: 2 }, model: { kind: 'softmax', classes: 2 }, train: { optimizer: { name: 'adam', lr: -1 }, epochs: 1 } }, ${workerOption});
  try {
    await h.result;
    out.worker = 'no error';
  } catch (e) {
    out.worker = { name: e.name, instance: e instanceof HyperParameterError, param: e.param, code: e.code, message: e.message };
  }
  return out;
}
`;

/** The app over the built package, as a bundler-using app imports it. */
const APP_DIST = (workerOption: string) => APP('dist/worker/node.js', workerOption).replace(JSON.stringify(join(root, 'src/index.ts')), JSON.stringify(join(root, 'dist/index.js')));

interface Outcome { name: string; instance: boolean; param: string; code: string; message?: string }
interface AppOut { renamed: boolean; main: Outcome | string; worker: Outcome | string }

function check(r: AppOut, where: string) {
  assert.ok(r.renamed, `${where}: the minified bundle renames HyperParameterError (else this test proves nothing)`);
  for (const k of ['main', 'worker'] as const) {
    const o = r[k] as Outcome;
    assert.type(o, 'object', `${where} ${k}: ${JSON.stringify(o)}`);
    assert.is(o.name, 'HyperParameterError', `${where} ${k}: ${JSON.stringify(o)}`);
    assert.ok(o.instance, `${where} ${k}: instanceof HyperParameterError`);
    assert.is(o.code, 'E_HYPER');
    assert.match(o.param, /lr/, `${where} ${k}: param kept`);
  }
}

test('every error class has a fixed name (not the constructor\'s, which minifiers rename)', () => {
  const cases: [Error, string][] = [
    [new DescentError('E_X', 'm'), 'DescentError'], [new ShapeError('m'), 'ShapeError'], [new DataError('m'), 'DataError'],
    [new HyperParameterError('p', 'm'), 'HyperParameterError'], [new BackendError('m'), 'BackendError'], [new DisposedError('m'), 'DisposedError'],
  ];
  for (const [e, name] of cases) {
    assert.is(e.name, name);
    assert.ok(String(e).startsWith(`${name}: `), String(e));
  }
});

test('reviveError rebuilds the type from code, whatever name the worker\'s bundle gave it', () => {
  const h = serializeError(new HyperParameterError('train.lr', 'must be > 0'));
  const e = reviveError({ ...h, name: 'S' });
  assert.ok(e instanceof HyperParameterError);
  assert.is((e as HyperParameterError).param, 'train.lr');
  assert.is(e.message, 'train.lr: must be > 0');
  const d = reviveError({ ...serializeError(new DataError('bad', { row: 3, column: 1, line: 5 })), name: 'YA' });
  assert.ok(d instanceof DataError);
  assert.equal([(d as DataError).row, (d as DataError).column, (d as DataError).line], [3, 1, 5]);
  assert.ok(reviveError({ name: 'q', message: 'm', code: 'E_SHAPE' }) instanceof ShapeError);
  assert.ok(reviveError({ name: 'q', message: 'm', code: 'E_DISPOSED' }) instanceof DisposedError);
  const other = reviveError({ name: 'TypeError', message: 'boom' });
  assert.ok(other instanceof DescentError);
  assert.is((other as DescentError).code, 'E_WORKER');
});

test('Node, esbuild --minify: a bad option on the main thread and inside trainInWorker is a HyperParameterError', async () => {
  writeFileSync(join(tmp, 'app-entry.mjs'), APP('src/worker/node.ts', '{ worker: new URL("./worker.mjs", import.meta.url) }'));
  writeFileSync(join(tmp, 'main-entry.mjs'), 'import { run } from "./app.mjs"; run().then((r) => console.log(JSON.stringify(r)), (e) => { console.log(JSON.stringify({ crash: String(e) })); });');
  await build({ entryPoints: [join(tmp, 'app-entry.mjs')], outfile: join(tmp, 'app.mjs'), bundle: true, minify: true, platform: 'node', format: 'esm', logLevel: 'error' });
  await build({ entryPoints: [join(root, 'src/worker/node-worker.ts')], outfile: join(tmp, 'worker.mjs'), bundle: true, minify: true, platform: 'node', format: 'esm', logLevel: 'error' });
  const r = spawnSync(process.execPath, [join(tmp, 'main-entry.mjs')], { encoding: 'utf8', timeout: 60_000 });
  assert.is(r.status, 0, r.stderr);
  check(JSON.parse(r.stdout.trim().split('\n').pop()!) as AppOut, 'node');
});

// The production builds of webpack 5 and Vite, for Node, over the built package (dist/): the app and the worker
// script each bundled and minified with the bundler's defaults for production.
const built = existsSync(join(root, 'dist', 'index.js')) && existsSync(join(root, 'dist', 'worker', 'node-worker.js'));
const withDist = built || process.env.CI === 'true' ? test : test.skip;
if (!built) console.log('  SKIPPED: webpack and Vite production builds need dist/ (npm test builds it)');

/** Runs the app bundle `app` (which starts the worker bundle beside it) in a child Node and checks what it reports. */
function runApp(dir: string, app: string, where: string): AppOut {
  writeFileSync(join(dir, 'run.mjs'), `import(${JSON.stringify(join(dir, app))}).then((m) => (m.run ?? m.default.run)()).then((r) => console.log(JSON.stringify(r)), (e) => console.log(JSON.stringify({ crash: String(e) })));`);
  const r = spawnSync(process.execPath, [join(dir, 'run.mjs')], { encoding: 'utf8', timeout: 60_000 });
  assert.is(r.status, 0, `${where}: ${r.stderr}`);
  const out = JSON.parse(r.stdout.trim().split('\n').pop()!) as AppOut;
  return out;
}

withDist('Node, webpack 5 production build (dist/): the same', async () => {
  const dir = join(tmp, 'webpack');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'app-entry.mjs'), APP_DIST('{ worker: new URL("./worker.cjs", import.meta.url) }'));
  const { default: webpack } = await import('webpack');
  // The worker first: the app's `new URL('./worker.cjs', import.meta.url)` is an asset webpack copies beside it.
  for (const [entry, filename] of [[join(root, 'dist/worker/node-worker.js'), 'worker.cjs'], [join(dir, 'app-entry.mjs'), 'app.cjs']]) {
    const compiler = webpack({ mode: 'production', target: 'node', entry, output: { path: dir, filename, library: { type: 'commonjs2' } }, node: { __dirname: false, __filename: false } });
    const stats = await new Promise<import('webpack').Stats>((ok, fail) => compiler.run((err, st) => compiler.close(() => (err || !st ? fail(err ?? new Error('no stats')) : ok(st)))));
    assert.equal(stats.toJson({ all: false, errors: true }).errors?.map((e) => e.message) ?? [], [], 'webpack errors');
  }
  check(runApp(dir, 'app.cjs', 'webpack'), 'webpack');
});

withDist('Node, Vite production build (dist/, minified): the same', async () => {
  const dir = join(tmp, 'vite');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'app-entry.mjs'), APP_DIST('{ worker: new URL("./worker.mjs", import.meta.url) }'));
  const { build: vite } = await import('vite');
  for (const [entry, name] of [[join(dir, 'app-entry.mjs'), 'app'], [join(root, 'dist/worker/node-worker.js'), 'worker']]) {
    await vite({
      configFile: false, logLevel: 'silent', root: dir,
      build: { ssr: entry, minify: true, outDir: join(dir, 'out'), emptyOutDir: false, rollupOptions: { output: { entryFileNames: `${name}.mjs`, format: 'es' } } },
      ssr: { noExternal: true },
    });
  }
  check(runApp(join(dir, 'out'), 'app.mjs', 'vite'), 'vite');
});

// Without Chromium the browser test is counted as skipped (and fails under CI=true).
const inChromium = existsSync(CHROMIUM) || process.env.CI === 'true' ? test : test.skip;
if (!existsSync(CHROMIUM)) console.log(`  SKIPPED: errors in a minified page: ${CHROMIUM} not found`);

inChromium('Chromium, esbuild --minify: the same in a page and its Web Worker', async () => {
  assert.ok(existsSync(CHROMIUM), `${CHROMIUM} is required under CI=true`);
  const web = join(tmp, 'web');
  writeFileSync(join(tmp, 'page-entry.mjs'), `${APP('src/worker/index.ts', '{ worker: "./descent-worker.js" }')}\nrun().then((r) => { window.__result = r; }, (e) => { window.__result = { crash: String(e) }; });\n`);
  await build({ entryPoints: { page: join(tmp, 'page-entry.mjs'), 'descent-worker': join(root, 'src/worker/descent-worker.ts') }, outdir: web, bundle: true, minify: true, platform: 'browser', format: 'esm', target: 'chrome100', logLevel: 'error' });
  writeFileSync(join(web, 'index.html'), '<!doctype html><html><head><meta charset="utf-8"><link rel="icon" href="data:,"></head><body><script type="module" src="./page.js"></script></body></html>');
  const server = await serve({ root: web, headers: () => ({}) });
  const browser = await launchChromium();
  try {
    const page = await browser.newPage();
    await page.goto(server.url);
    await page.waitForFunction(() => (window as unknown as { __result?: unknown }).__result, null, { timeout: 60_000, polling: 50 });
    check(await page.evaluate(() => (window as unknown as { __result: AppOut }).__result), 'chromium');
  } finally {
    await browser.close();
    await server.close();
  }
});

test.run();
