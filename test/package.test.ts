// The package as browsers, bundlers and Node see it: the default entry bundles for a browser with no Node
// built-in, no fs and no top-level await; `descent-ml/worker` resolves to the Web Worker build under the
// browser condition and to worker_threads under node; the built package trains in a worker from dist/.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { build, type Metafile } from 'esbuild';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { NO_DIST, testOrSkip } from './_skip.ts';

const root = resolve('.');
const tmp = mkdtempSync(join(tmpdir(), 'descent-package-'));
test.after(() => rmSync(tmp, { recursive: true, force: true }));

/** Bundles `contents` as a browser app would; returns the inputs esbuild pulled in and the output. */
async function bundleForBrowser(contents: string, format: 'iife' | 'esm', resolveDir = root): Promise<{ inputs: string[]; code: string }> {
  const r = await build({
    stdin: { contents, resolveDir, loader: 'ts', sourcefile: 'app.ts' },
    bundle: true, format, platform: 'browser', target: 'es2020', write: false, metafile: true, logLevel: 'silent',
  });
  return { inputs: Object.keys((r.metafile as Metafile).inputs), code: r.outputFiles[0].text };
}

function assertBrowserSafe(inputs: string[], code: string, label: string): void {
  const bad = inputs.filter((f) => /data\/builtin|worker\/node|node:|^fs$|worker_threads/.test(f));
  assert.equal(bad, [], `${label}: pulled in ${bad.join(', ')}`);
  assert.not.match(code, /require\(["']node:|from ["']node:|readFileSync|getBuiltinModule/, `${label}: Node-only code in the bundle`);
}

test('the default entry bundles for browsers: no fs, no Node built-ins, no top-level await (an IIFE bundle cannot hold one)', async () => {
  const { inputs, code } = await bundleForBrowser(`import * as d from './src/index.ts'; (globalThis as any).d = d;`, 'iife');
  assertBrowserSafe(inputs, code, 'src/index.ts');
  assert.ok(inputs.includes('src/backends/binaries.generated.ts'), 'the kernels are embedded, nothing to fetch');
  assert.not.match(code, /fetch\(|XMLHttpRequest/, 'loading the kernels needs no network');
});

test('the worker API and the Web Worker script bundle for browsers', async () => {
  const api = await bundleForBrowser(`export { trainInWorker } from './src/worker/index.ts';`, 'esm');
  assertBrowserSafe(api.inputs, api.code, 'src/worker/index.ts');
  assert.match(api.code, /new Worker\(new URL\("\.\/descent-worker\.js", import\.meta\.url\)/, 'the pattern Vite and webpack 5 recognise');
  const script = await bundleForBrowser(`import './src/worker/descent-worker.ts';`, 'iife');
  assertBrowserSafe(script.inputs, script.code, 'src/worker/descent-worker.ts');
});

const built = existsSync(join(root, 'dist', 'worker', 'node-worker.js')) && existsSync(join(root, 'dist', 'node.js'));

testOrSkip(test, 'the built package through its exports map: browser and node conditions, and a Node worker from dist/', built ? undefined : NO_DIST, async () => {
  // An app folder whose node_modules/descent-ml is this package, as after `npm install descent-ml`.
  const app = join(tmp, 'app');
  mkdirSync(join(app, 'node_modules'), { recursive: true });
  symlinkSync(root, join(app, 'node_modules', 'descent-ml'), 'dir');

  const browser = await bundleForBrowser(
    `import { init, Dataset } from 'descent-ml'; import { trainInWorker } from 'descent-ml/worker'; (globalThis as any).x = [init, Dataset, trainInWorker];`,
    'esm', app);
  assertBrowserSafe(browser.inputs, browser.code, 'descent-ml + descent-ml/worker (browser)');
  assert.ok(browser.inputs.some((f) => f.endsWith('dist/worker/index.js')), `browser condition: ${browser.inputs.join(', ')}`);

  const node = await build({
    stdin: { contents: `export { trainInWorker } from 'descent-ml/worker';`, resolveDir: app, sourcefile: 'n.ts' },
    bundle: true, platform: 'node', format: 'esm', write: false, metafile: true, logLevel: 'silent', external: ['node:*'],
  });
  assert.ok(Object.keys(node.metafile.inputs).some((f) => f.endsWith('dist/worker/node.js')), 'node condition');

  writeFileSync(join(app, 'main.mjs'), `
    import { init, Dataset, optimizerNames } from 'descent-ml'; // the Node entry, by the "node" condition
    import { trainInWorker } from 'descent-ml/worker';
    await init();
    const t = Dataset.builtin('wine');
    const h = trainInWorker({ data: { x: t.x, y: t.y, features: t.features }, model: { kind: 'softmax', classes: 3 },
      train: { optimizer: { name: 'adam', lr: 0.01 }, epochs: 50, seed: 1 }, split: { every: 5 }, standardize: true });
    let events = 0;
    for await (const e of h) events++;
    const r = await h.result;
    console.log(JSON.stringify({ events, backend: r.backend, accuracy: r.test.accuracy, optimizers: optimizerNames }));
  `);
  const env = { ...process.env };
  delete env.FORCE_COLOR; // the test runner sets both FORCE_COLOR and NO_COLOR; Node warns about the pair
  const out = JSON.parse(execFileSync(process.execPath, ['main.mjs'], { cwd: app, encoding: 'utf8', env }));
  assert.is(out.events, 50);
  assert.is(out.backend, 'wasm-simd');
  assert.ok(out.accuracy >= 0.95, `wine accuracy ${out.accuracy}`);
  assert.ok(out.optimizers.includes('adam'));
});

test.run();
