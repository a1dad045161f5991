// End-to-end tests in a real browser: Debian's Chromium driven by playwright-core. They build the demo and a
// small harness page with esbuild, serve them from a local http server (the demo cross-origin isolated, the
// harness not, two copies under a Content-Security-Policy), and check the demo, the worker API, determinism
// against Node, the forced scalar build, bad CSV uploads and the CSP / no-WebAssembly errors.
// Without /usr/bin/chromium the suite is counted as skipped, and fails under CI=true (test/_skip.ts); CI installs
// it with .ci/browser-deps.sh.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, mkdtempSync, mkdirSync, copyFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { createHash } from 'node:crypto';
import { build as esbuild } from 'esbuild';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { init, Dataset, softmax, logistic, train, type BackendName } from '../src/index.js';
import { loadBuiltin, type BuiltinName } from '../src/data/builtin.js';
import { trainInWorker, type WorkerJob } from '../src/worker/node.js';
// @ts-expect-error plain ESM helpers without type declarations
import { build as buildDemo } from '../demo/build.mjs';
// @ts-expect-error plain ESM helpers without type declarations
import { serve, ISOLATION_HEADERS } from '../demo/serve.mjs';
import { CHROMIUM, launchChromium, pngColours } from './_chromium.ts';
import { skipSuite } from './_skip.ts';

const here = dirname(fileURLToPath(import.meta.url));
const ARTIFACTS = join(here, '..', 'test-results');
const started = performance.now();

const sha256 = (a: Float32Array): string => createHash('sha256').update(new Uint8Array(a.buffer, a.byteOffset, a.byteLength)).digest('hex');
const log = (...a: unknown[]) => console.log('  [browser]', ...a);

if (!existsSync(CHROMIUM)) {
  skipSuite(test, 'browser tests', `${CHROMIUM} not found (.ci/browser-deps.sh installs it)`);
  test.run();
} else {
  let tmp = '';
  let server: { url: string; close(): Promise<void> };
  let browser: Browser;
  let context: BrowserContext;

  /** A fresh page that fails the test on any uncaught page error. */
  async function open(path: string, init?: () => void): Promise<{ page: Page; errors: string[] }> {
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    if (init) await page.addInitScript(init);
    await page.goto(server.url + path);
    return { page, errors };
  }

  test.before(async () => {
    tmp = mkdtempSync(join(tmpdir(), 'descent-browser-'));
    const t0 = performance.now();
    await buildDemo({ outDir: tmp, minify: true, quiet: true });
    const harness = join(tmp, 'harness');
    mkdirSync(harness);
    await esbuild({
      entryPoints: { harness: join(here, 'browser', 'harness.ts'), 'descent-worker': join(here, '..', 'src', 'worker', 'descent-worker.ts') },
      outdir: harness, bundle: true, format: 'esm', platform: 'browser', target: 'chrome100', logLevel: 'error',
    });
    copyFileSync(join(here, 'browser', 'harness.html'), join(harness, 'index.html'));
    // Node's side of the determinism test: the worker_threads script, bundled from the same sources (starting
    // it through tsx costs about a second per worker on this machine; test/worker.test.ts covers that path).
    await esbuild({ entryPoints: [join(here, '..', 'src', 'worker', 'node-worker.ts')], outfile: join(tmp, 'node-worker.mjs'), bundle: true, platform: 'node', format: 'esm', logLevel: 'error' });
    for (const dir of ['csp', 'csp-ok']) {
      mkdirSync(join(tmp, dir));
      for (const f of ['index.html', 'harness.js', 'descent-worker.js']) copyFileSync(join(harness, f), join(tmp, dir, f));
    }
    server = await serve({
      root: tmp,
      headers: (path: string) => {
        if (path.startsWith('/csp/')) return { 'Content-Security-Policy': "default-src 'self'; script-src 'self'" };
        if (path.startsWith('/csp-ok/')) return { 'Content-Security-Policy': "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'" };
        if (path.startsWith('/harness/')) return {};
        return ISOLATION_HEADERS;
      },
    });
    browser = await launchChromium();
    context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    mkdirSync(ARTIFACTS, { recursive: true });
    log(`built demo + harness and launched ${browser.version()} in ${(performance.now() - t0).toFixed(0)} ms`);
  });

  let testStart = 0;
  test.before.each(() => {
    testStart = performance.now();
  });
  test.after.each((ctx) => {
    log(`${((performance.now() - testStart) / 1000).toFixed(1)} s  ${(ctx as unknown as { __test__: string }).__test__}`);
  });

  test.after(async () => {
    await context?.close().catch(() => {});
    await browser?.close().catch(() => {});
    await server?.close();
    if (tmp) rmSync(tmp, { recursive: true, force: true });
    log(`browser suite took ${((performance.now() - started) / 1000).toFixed(1)} s`);
  });

  // ------------------------------------------------------------------------------------------ the demo

  type DemoRun = {
    variant: string; backend: string; error: string | null; events: number;
    result: null | { backend: string; epochs: number; steps: number; ms: number; stopReason: string; test?: { accuracy?: number; r2?: number } };
  };

  async function demoPage(): Promise<{ page: Page; errors: string[] }> {
    const o = await open('');
    await o.page.waitForFunction(() => document.getElementById('data-info')?.dataset.rows === '1797');
    return o;
  }

  async function trainAndWait(page: Page, timeout = 30_000): Promise<DemoRun[]> {
    await page.click('#train');
    await page.waitForFunction(() => {
      const d = (window as any).__demo;
      return !d.training && d.runs.length > 0 && d.runs.every((r: DemoRun) => r.result || r.error);
    }, null, { timeout, polling: 100 });
    return page.evaluate(() => (window as any).__demo.runs);
  }

  test('demo: trains digits with full, stochastic and mini-batch side by side; charts fill; accuracy ≥ 0.9417; screenshot', async () => {
    const { page, errors } = await demoPage();
    const runs = await trainAndWait(page);
    assert.equal(runs.map((r) => r.variant), ['full batch', 'stochastic', 'mini-batch 32']);
    for (const r of runs) {
      assert.is(r.error, null, `${r.variant}: ${r.error}`);
      assert.is(r.result!.epochs, 100, r.variant);
      assert.is(r.events, 100, `${r.variant}: every epoch reached the chart`);
      assert.is(r.result!.backend, 'wasm-simd', `${r.variant} ran on ${r.result!.backend}`);
    }
    const acc = runs.map((r) => r.result!.test!.accuracy!);
    log('digits test accuracy: ' + runs.map((r, i) => `${r.variant} ${acc[i].toFixed(4)} (${(r.result!.ms / r.result!.epochs).toFixed(2)} ms/epoch)`).join(', '));
    const p3 = await page.evaluate(() => ({ training: (window as any).__demo.probe.maxGapTraining, all: (window as any).__demo.probe.maxGap }));
    log(`three workers side by side: main-thread max gap ${p3.training.toFixed(1)} ms while training (${p3.all.toFixed(1)} ms with start-up; reported, not asserted: 3 busy workers on 2 cores)`);
    assert.ok(Math.max(...acc) >= 0.9417, `best accuracy ${Math.max(...acc)}`);
    for (const [i, a] of acc.entries()) assert.ok(a >= 0.9417, `${runs[i].variant}: ${a} < 0.9417 (scikit-learn SGDClassifier)`);

    const points = await page.evaluate(() => (window as any).__demo.chartPoints);
    assert.equal(points.epoch, [100, 100, 100], 'the epoch chart holds 100 points per variant');
    assert.ok(points.time >= 100, `the time chart holds ${points.time} x values`);
    // The table, the digit grid and the charts are on screen.
    assert.is(await page.locator('#results tbody tr').count(), 3);
    assert.is(await page.locator('#digits').isVisible(), true);
    assert.is(await page.getAttribute('#digits-grid', 'data-count'), '360');
    const caption = await page.textContent('#digits-caption');
    assert.match(caption!, /of 360 right/);

    const png = await page.screenshot({ path: join(ARTIFACTS, 'demo-digits.png'), fullPage: true });
    const chartPng = await page.locator('#chart-epoch canvas').first().screenshot({ path: join(ARTIFACTS, 'demo-chart-epoch.png') });
    const all = await pngColours(page, png);
    const chart = await pngColours(page, chartPng);
    log(`screenshot ${all.width}×${all.height}: ${all.distinct} distinct colours, dominant ${(all.dominant * 100).toFixed(1)}%; chart ${chart.distinct} colours`);
    assert.ok(all.distinct > 100 && all.dominant < 0.95, 'the page screenshot is not blank');
    assert.ok(chart.distinct > 20 && chart.dominant < 0.98, 'the loss chart has lines on it');
    assert.equal(errors, []);
    await page.close();
  });

  test('demo: the main thread stays responsive while a long run trains in a worker', async () => {
    const { page, errors } = await demoPage();
    type Probe = { maxGap: number; training: number; from: number; timer: number; frame: number; frames: number; gaps: [number, number, string][] };
    const readProbe = () => page.evaluate((): Probe => {
      const p = (window as any).__demo.probe;
      return { maxGap: p.maxGap, training: p.maxGapTraining, from: p.trainingFrom, timer: p.maxTimerGap, frame: p.maxFrameGap, frames: p.frames, gaps: p.gaps };
    });
    // Baseline: the same probe on the idle page, to tell this machine's scheduling noise from the page's own work.
    await page.evaluate(() => (window as any).__demo.probe.start());
    await page.waitForTimeout(1000);
    await page.evaluate(() => (window as any).__demo.probe.training());
    const idle = await readProbe();
    log(`idle page: max gap ${idle.maxGap.toFixed(1)} ms over 1 s (${idle.frames} frames)`);
    await page.uncheck('#v-full');
    await page.uncheck('#v-mini');
    await page.fill('#epochs', '1000000');
    // The machine is shared (2 cores): a neighbour's burst can starve any thread for a moment. A page that
    // trained on its main thread would block for seconds in every attempt; take the best of three.
    const attempts: Probe[] = [];
    for (let i = 0; i < 3; i++) {
      // A run as long as it takes: 2 s of training after the first epoch, then Stop.
      const t0 = performance.now();
      await page.click('#train');
      await page.waitForFunction(() => (window as any).__demo.runs[0]?.events >= 1, null, { timeout: 20_000, polling: 50 });
      await page.waitForTimeout(2000);
      await page.click('#stop');
      await page.waitForFunction(() => !(window as any).__demo.training, null, { timeout: 10_000, polling: 50 });
      const wall = performance.now() - t0;
      const run = (await page.evaluate(() => (window as any).__demo.runs))[0] as DemoRun;
      const probe = await readProbe();
      attempts.push(probe);
      const r = run.result!;
      log(`long run ${i + 1}: stochastic, ${r.epochs} epochs (${r.steps} steps) in ${r.ms.toFixed(0)} ms in the worker, ${wall.toFixed(0)} ms wall, ${r.stopReason}; ` +
        `main thread max gap while training ${probe.training.toFixed(1)} ms (timer ${probe.timer.toFixed(1)}, frame ${probe.frame.toFixed(1)}; ` +
        `${probe.maxGap.toFixed(1)} ms counting worker start-up, first epoch after ${probe.from.toFixed(0)} ms; ${probe.frames} frames)`);
      assert.is(r.stopReason, 'stopped');
      assert.ok(r.ms > 1500, `the run was long enough to matter (${r.ms} ms)`);
      assert.ok(probe.frames > 20, 'requestAnimationFrame kept firing');
      assert.ok(probe.training < 1000, `the main thread was blocked for ${probe.training} ms`);
      if (probe.training < 100) break;
    }
    const best = Math.min(...attempts.map((a) => a.training));
    assert.ok(best < 100, `main-thread gap ≥ 100 ms while training in every attempt: ${JSON.stringify(attempts.map((a) => a.gaps.filter((g) => g[1] >= 100)))}`);
    assert.equal(errors, []);
    await page.close();
  });

  test('demo: stop() ends a run at an epoch boundary and keeps the parameters so far', async () => {
    const { page, errors } = await demoPage();
    await page.uncheck('#v-full');
    await page.uncheck('#v-mini');
    await page.fill('#epochs', '100000');
    await page.click('#train');
    await page.waitForFunction(() => (window as any).__demo.runs[0]?.events >= 3, null, { timeout: 20_000, polling: 20 });
    await page.click('#stop');
    await page.waitForFunction(() => !(window as any).__demo.training, null, { timeout: 10_000 });
    const run = (await page.evaluate(() => (window as any).__demo.runs))[0] as DemoRun;
    assert.is(run.error, null);
    assert.is(run.result!.stopReason, 'stopped');
    assert.ok(run.result!.epochs >= 3 && run.result!.epochs < 100000, `${run.result!.epochs} epochs`);
    assert.ok(run.result!.test!.accuracy! > 0.9, 'the parameters so far were evaluated');
    assert.match((await page.textContent('#results tbody tr td[data-key="stop"]'))!, /stopped/);
    assert.equal(errors, []);
    await page.close();
  });

  test('demo: a neural network (MLP 64) trains on digits in the workers and beats the linear model', async () => {
    const { page, errors } = await demoPage();
    await page.selectOption('#model', 'mlp');
    await page.fill('#hidden', '64');
    await page.selectOption('#optimizer', 'adam');
    await page.fill('#hyper', '{}');
    await page.fill('#lr', '0.003');
    await page.fill('#epochs', '20');
    await page.uncheck('#v-full');
    await page.uncheck('#v-stochastic');
    assert.match((await page.textContent('#data-info'))!, /neural network \(MLP\)/);
    const runs = await trainAndWait(page, 60_000);
    assert.is(runs.length, 1);
    assert.is(runs[0].error, null, `${runs[0].error}`);
    const acc = runs[0].result!.test!.accuracy!;
    log(`demo MLP(64) on digits, Adam 3e-3, batch 32, 20 epochs: test accuracy ${acc.toFixed(4)} on ${runs[0].result!.backend} (${(runs[0].result!.ms / 20).toFixed(1)} ms/epoch)`);
    assert.ok(acc >= 0.9694, `MLP accuracy ${acc} < 0.9694 (scikit-learn MLPClassifier)`);
    await page.fill('#hidden', '64,x');
    await page.click('#train');
    await page.waitForFunction(() => /hidden layers/.test(document.getElementById('message')?.textContent ?? ''));
    assert.equal(errors, []);
    await page.close();
  });

  test('demo: forcing the scalar build runs and reports wasm-scalar', async () => {
    const { page, errors } = await demoPage();
    await page.selectOption('#backend', 'wasm-scalar');
    await page.fill('#epochs', '5');
    const runs = await trainAndWait(page);
    for (const r of runs) {
      assert.is(r.error, null);
      assert.is(r.result!.backend, 'wasm-scalar', r.variant);
    }
    const cells = await page.locator('#results td[data-key="backend"]').allTextContents();
    assert.equal(cells, ['wasm-scalar', 'wasm-scalar', 'wasm-scalar']);
    // And on the main thread: backendInfo() names the forced binary.
    const h = await open('harness/');
    await h.page.waitForSelector('body[data-ready]');
    const info = await h.page.evaluate(() => (window as any).harness.tryInit('wasm-scalar'));
    assert.is(info.ok, true, JSON.stringify(info));
    assert.is(info.current, 'wasm-scalar');
    assert.is(info.simd, true, 'SIMD is still reported as supported; the scalar build was forced');
    assert.equal(errors, []);
    await h.page.close();
    await page.close();
  });

  test('demo: bad CSV uploads show a clear message and break nothing', async () => {
    const { page, errors } = await demoPage();
    const upload = async (name: string, text: string) => {
      await page.setInputFiles('#upload', { name, mimeType: 'text/csv', buffer: Buffer.from(text) });
      await page.waitForFunction((n) => document.getElementById('message')!.textContent!.includes(n), name);
      return { kind: await page.getAttribute('#message', 'data-kind'), text: (await page.textContent('#message'))! };
    };
    const cases: [string, string, RegExp][] = [
      ['ragged.csv', 'a,b,label\n1,2,0\n3,4\n5,6,1\n', /line 3 has 2 cells, expected 3/],
      ['text.csv', 'a,b,label\n1,2,0\n3,oops,1\n5,6,1\n', /line 3, column 2 \(b\): "oops" is not a number/],
      ['empty.csv', '', /empty/],
      ['header-only.csv', 'a,b,label\n', /no data rows after the header/],
    ];
    for (const [name, text, msg] of cases) {
      const m = await upload(name, text);
      assert.is(m.kind, 'error', `${name}: ${m.text}`);
      assert.match(m.text, msg, `${name}: ${m.text}`);
      assert.match(m.text, /digits is still loaded/, name);
      assert.is(await page.getAttribute('#data-info', 'data-rows'), '1797', `${name} left the dataset alone`);
    }
    // The library's reader: a ';' file with class names loads as Dataset.fromCSV reads it.
    const named = ['sepal;petal;species'];
    for (let i = 0; i < 30; i++) named.push(`${(i % 3) * 2 + Math.sin(i)};${(i % 3) + Math.cos(i)};${['setosa', 'versicolor', 'virginica'][i % 3]}`);
    const n = await upload('flowers.csv', named.join('\n') + '\n');
    assert.is(n.kind, 'info', n.text);
    assert.match((await page.textContent('#data-info'))!, /flowers\.csv: 30 rows × 2 features, target “species”, 3 classes \(labels setosa, versicolor, virginica → 0…2\)/);
    // A good upload (three separable classes) then trains fine.
    const rows = ['x1,x2,x3,cls'];
    for (let i = 0; i < 60; i++) {
      const c = i % 3;
      rows.push(`${c * 2 + Math.sin(i)},${-c + Math.cos(i * 1.7)},${(i * 7) % 5},${c}`);
    }
    const ok = await upload('good.csv', rows.join('\n') + '\n');
    assert.is(ok.kind, 'info', ok.text);
    assert.match((await page.textContent('#data-info'))!, /good\.csv: 60 rows × 3 features.*3 classes → softmax/);
    await page.fill('#epochs', '30');
    const runs = await trainAndWait(page);
    for (const r of runs) {
      assert.is(r.error, null, `${r.variant}: ${r.error}`);
      assert.ok(r.result!.test!.accuracy! >= 0.9, `${r.variant} on good.csv: ${r.result!.test!.accuracy}`);
    }
    assert.is(await page.getAttribute('#message', 'data-kind'), 'info');
    assert.equal(errors, []);
    await page.close();
  });

  // ------------------------------------------------------------------------------------ the worker API

  const JOBS: { name: BuiltinName; job: Omit<WorkerJob, 'data'> }[] = [
    { name: 'digits', job: { model: { kind: 'softmax', classes: 10 }, train: { optimizer: { name: 'adam', lr: 0.01 }, batch: 32, epochs: 8, seed: 7 }, split: { every: 5 }, standardize: true } },
    { name: 'breast-cancer', job: { model: 'logistic', train: { optimizer: { name: 'sgd', lr: 0.05, momentum: 0.9 }, batch: 'stochastic', epochs: 5, seed: 3, l2: 0.001 }, split: { every: 5 }, standardize: true } },
  ];

  /** The same job run directly with train() in this process. */
  async function direct(name: BuiltinName, job: Omit<WorkerJob, 'data'>, backend: BackendName): Promise<string> {
    await init({ backend });
    const t = loadBuiltin(name);
    const all = Dataset.fromArrays(t.x, t.y, { features: t.features });
    const s = all.split({ every: 5 });
    const spec = typeof job.model === 'string' ? { kind: job.model } : job.model;
    const m = spec.kind === 'softmax' ? softmax({ features: t.features, classes: spec.classes! }) : logistic({ features: t.features });
    train(m, s.train, job.train); // standardize: true here and in the workers, train()'s default
    const h = sha256(m.params);
    for (const d of [m, s.train, s.test, all]) d.dispose();
    return h;
  }

  test('worker: same seed, data and options give bit-identical parameters in Chromium and in Node', async () => {
    const { page, errors } = await open('harness/');
    await page.waitForSelector('body[data-ready]');
    const lines: string[] = [];
    const combos = (['wasm-simd', 'wasm-scalar', 'js'] as BackendName[]).flatMap((backend) => JOBS.map((j) => ({ backend, ...j })));
    // The Node workers run while Chromium works through the same jobs one by one.
    const nodeRuns = Promise.all(combos.map(({ backend, name, job }) => {
      const t = loadBuiltin(name);
      return trainInWorker({ ...job, backend, data: { x: t.x, y: t.y, features: t.features } }, { worker: pathToFileURL(join(tmp, 'node-worker.mjs')) }).result;
    }));
    const browserRuns = [];
    for (const { backend, name, job } of combos) {
      browserRuns.push(await page.evaluate(([n, j]) => (window as any).harness.workerRun(n, j), [name, { ...job, backend }] as const));
    }
    const nodeResults = await nodeRuns;
    for (const [i, { backend, name, job }] of combos.entries()) {
      const inBrowser = browserRuns[i];
      const inNode = sha256(nodeResults[i].params);
      const inProcess = await direct(name, job, backend);
      lines.push(`${backend} ${name}: chromium ${inBrowser.hash.slice(0, 16)} node-worker ${inNode.slice(0, 16)} train() ${inProcess.slice(0, 16)}`);
      assert.is(inBrowser.backend, backend);
      assert.is(nodeResults[i].backend, backend);
      assert.is(inBrowser.events, job.train!.epochs, 'one progress event per epoch reached the iterator');
      assert.is(inBrowser.hash, inNode, `${backend} ${name}: Chromium and Node workers disagree`);
      assert.is(inNode, inProcess, `${backend} ${name}: a worker run differs from train() in-process`);
    }
    for (const l of lines) log(l);
    assert.equal(errors, []);
    await page.close();
  });

  test('worker: stop() in a page that is not cross-origin isolated terminates and returns the parameters so far', async () => {
    const { page, errors } = await open('harness/');
    await page.waitForSelector('body[data-ready]');
    const job = { model: { kind: 'softmax', classes: 10 }, train: { optimizer: { name: 'adam', lr: 0.01 }, batch: 'stochastic', epochs: 100000, seed: 1 }, split: { every: 5 }, standardize: true };
    const r = await page.evaluate(([j]) => (window as any).harness.stopRun('digits', j, 3), [job] as const);
    assert.is(r.stopReason, 'stopped');
    assert.ok(r.epochs >= 3 && r.epochs < 100000, `${r.epochs} epochs`);
    assert.is(r.again, r.epochs, 'a second stop() returns the same result');
    assert.is(r.size, 650);
    assert.ok(r.finite && r.nonzero, 'the parameters so far are trained and finite');
    assert.equal(errors, []);
    await page.close();
  });

  test('worker: a worker script that cannot be loaded rejects with a BackendError instead of hanging', async () => {
    const { page } = await open('harness/');
    await page.waitForSelector('body[data-ready]');
    const msg = await page.evaluate(() => (window as any).harness.missingWorker());
    assert.match(msg, /^BackendError: the training worker \(\/no-such-worker\.js\) failed/);
    await page.close();
  });

  // ------------------------------------------------------------------- CSP and missing WebAssembly

  test("CSP without 'wasm-unsafe-eval': init() throws a BackendError that says so; init({ backend: 'js' }) works", async () => {
    const { page, errors } = await open('csp/');
    await page.waitForSelector('body[data-ready]');
    const r = await page.evaluate(() => (window as any).harness.tryInit());
    log(`CSP error: ${r.message}`);
    assert.is(r.ok, false);
    assert.is(r.isBackendError, true, JSON.stringify(r));
    assert.is(r.code, 'E_BACKEND');
    assert.match(r.message, /Content-Security-Policy/);
    assert.match(r.message, /'wasm-unsafe-eval'/);
    assert.match(r.message, /init\(\{ backend: 'js' \}\)/);
    const scalar = await page.evaluate(() => (window as any).harness.tryInit('wasm-scalar'));
    assert.is(scalar.isBackendError, true, 'the scalar build is blocked too');
    const js = await page.evaluate(() => (window as any).harness.tryInit('js'));
    assert.equal([js.ok, js.current], [true, 'js']);
    const trained = await page.evaluate(() => (window as any).harness.trainHere('iris'));
    assert.is(trained.backend, 'js');
    assert.ok(trained.accuracy >= 0.9, `iris on js: ${trained.accuracy}`);
    // In a worker of that page: the default backend fails the same way, `js` trains.
    const job = { model: { kind: 'softmax', classes: 3 }, train: { optimizer: { name: 'adam', lr: 0.05 }, epochs: 20 }, split: { every: 5 }, standardize: true };
    const failed = await page.evaluate(([j]) => (window as any).harness.workerRun('iris', j).then(() => 'ok', (e: Error) => `${e.name}: ${e.message}`), [job] as const);
    assert.match(failed, /^BackendError: .*'wasm-unsafe-eval'/);
    const ok = await page.evaluate(([j]) => (window as any).harness.workerRun('iris', { ...j, backend: 'js' }), [job] as const);
    assert.is(ok.backend, 'js');
    // Control: the same page with 'wasm-unsafe-eval' runs the SIMD build.
    const allowed = await open('csp-ok/');
    await allowed.page.waitForSelector('body[data-ready]');
    const simd = await allowed.page.evaluate(() => (window as any).harness.tryInit());
    assert.equal([simd.ok, simd.name], [true, 'wasm-simd']);
    assert.equal(errors, []);
    assert.equal(allowed.errors, []);
    await allowed.page.close();
    await page.close();
  });

  test('no WebAssembly at all: init() throws a clear BackendError; js still trains', async () => {
    const { page, errors } = await open('harness/', () => {
      delete (globalThis as { WebAssembly?: unknown }).WebAssembly;
    });
    await page.waitForSelector('body[data-ready]');
    const r = await page.evaluate(() => (window as any).harness.tryInit());
    assert.equal([r.ok, r.isBackendError], [false, true], JSON.stringify(r));
    assert.match(r.message, /WebAssembly is not available/);
    assert.match(r.message, /backend: 'js'/);
    const js = await page.evaluate(() => (window as any).harness.tryInit('js'));
    assert.is(js.current, 'js');
    const trained = await page.evaluate(() => (window as any).harness.trainHere('wine'));
    assert.ok(trained.accuracy >= 0.9, `wine on js: ${trained.accuracy}`);
    assert.equal(errors, []);
    await page.close();
  });

  test.run();
}
