// The descent demo page: pick a dataset (or upload a CSV), a model, an optimizer and the batching variants,
// train them side by side in Web Workers with live loss curves, then compare test accuracy / R² and, for
// digits, look at the test images with their predicted labels. The main thread only parses CSV, draws and
// receives progress messages; every gradient step runs in a worker.
import 'uplot/dist/uPlot.min.css';
import './style.css';
import { init, optimizerNames, type BackendName, type BatchOption } from '../src/index.js';
import { parseNumericCSV } from '../src/data/csv/numeric.js';
import { readUpload, type PageTable } from './upload.js';
import { hyperText } from './hyper.js';
import { els, COLORS, showMessage } from './page.js';
import { probe } from './probe.js';
import { probeSummary } from './probe-summary.js';
import { addPoint, chartPoints, makeCharts, redrawNow, resizeCharts, series, startSeries } from './charts.js';
import { drawDigits } from './digits.js';
import { cnnReady, cnnState } from './cnn.js';
import { textReady, textState } from './text.js';
import { tableThreads } from './threads.js';
import { trainInWorker, type BatchEvent, type WorkerTraining, type WorkerTrainResult, type ModelSpec } from '../src/worker/index.js';

// ------------------------------------------------------------------------------------------ datasets

interface Loaded {
  name: string;
  table: Pick<PageTable, 'x' | 'y' | 'rows' | 'features' | 'columns' | 'classes'>;
  /** Targets as trained: class indices for classifiers (remapped when needed), values for regression. */
  y: Float32Array;
  task: 'binary' | 'multiclass' | 'regression';
  classes: number;
  /** Original label of each class index (a number, or a class name), when labels were remapped. */
  labels: (number | string)[] | null;
  builtin: boolean;
}

const PRESETS: Record<string, { optimizer: string; lr: number; epochs: number }> = {
  digits: { optimizer: 'adam', lr: 0.01, epochs: 100 },
  'breast-cancer': { optimizer: 'adam', lr: 0.01, epochs: 100 },
  wine: { optimizer: 'adam', lr: 0.01, epochs: 100 },
  iris: { optimizer: 'adam', lr: 0.05, epochs: 200 },
  diabetes: { optimizer: 'sgd', lr: 0.05, epochs: 100 },
};

/** Works out the task from the targets: 0/1 → binary; a few integer values → classes; anything else → regression. */
function describe(name: string, table: Loaded['table'], builtin: boolean): Loaded {
  if (table.classes) {
    // Class names, mapped to 0..k-1 by the reader.
    const k = table.classes.length;
    return { name, table, y: table.y.slice(), builtin, task: k === 2 ? 'binary' : 'multiclass', classes: k, labels: table.classes };
  }
  const distinct = [...new Set(table.y)].sort((a, b) => a - b);
  const integral = distinct.every((v) => Number.isInteger(v));
  if (integral && distinct.length >= 2 && distinct.length <= Math.max(2, Math.min(50, table.rows / 5))) {
    const identity = distinct.every((v, i) => v === i);
    const index = new Map(distinct.map((v, i) => [v, i]));
    const y = identity ? table.y.slice() : Float32Array.from(table.y, (v) => index.get(v) as number);
    return {
      name, table, y, builtin,
      task: distinct.length === 2 ? 'binary' : 'multiclass',
      classes: distinct.length,
      labels: identity ? null : distinct,
    };
  }
  return { name, table, y: table.y.slice(), task: 'regression', classes: 0, labels: null, builtin };
}

let data: Loaded | null = null;
const cache = new Map<string, Loaded>();

async function loadBuiltin(name: string): Promise<Loaded> {
  const hit = cache.get(name);
  if (hit) return hit;
  const res = await fetch(`data/${name}.csv`);
  if (!res.ok) throw new Error(`could not fetch data/${name}.csv (HTTP ${res.status})`);
  const loaded = describe(name, parseNumericCSV(await res.text(), `${name}.csv`), true);
  cache.set(name, loaded);
  return loaded;
}

function setData(d: Loaded): void {
  data = d;
  const t = d.table;
  const task = d.task === 'regression' ? 'regression' : `${d.classes} classes${d.labels ? ` (labels ${d.labels.join(', ')} → 0…${d.classes - 1})` : ''}`;
  els.dataInfo.textContent = `${d.name}: ${t.rows} rows × ${t.features} features, target “${t.columns[t.columns.length - 1]}”, ` +
    `${task} → ${els.model.value === 'mlp' ? 'neural network (MLP)' : `${modelFor(d).kind} model`}`;
  els.dataInfo.dataset.rows = String(t.rows);
  els.metricHead.textContent = d.task === 'regression' ? 'test R²' : 'test accuracy';
  const preset = PRESETS[d.name];
  if (preset && d.builtin) {
    if (optimizerNames.includes(preset.optimizer as never)) {
      els.optimizer.value = preset.optimizer;
      els.hyper.value = hyperText(preset.optimizer);
    }
    els.lr.value = String(preset.lr);
    els.epochs.value = String(preset.epochs);
  }
}

/** The hidden layer sizes typed in the page, e.g. "128,64". */
function hiddenSizes(): number[] {
  const sizes = els.hidden.value.split(',').map((s) => s.trim()).filter((s) => s !== '').map(Number);
  if (sizes.length === 0 || !sizes.every((v) => Number.isInteger(v) && v >= 1)) {
    throw new Error(`hidden layers: expected sizes such as 128,64, got "${els.hidden.value}"`);
  }
  return sizes;
}

/** What the page trains, from the model choice and the data's task. */
function modelFor(d: Loaded): ModelSpec & { kind: string } {
  const choice = els.model.value;
  if (choice === 'mlp') {
    const classes = d.task === 'regression' ? undefined : Math.max(2, d.classes);
    return { kind: 'mlp', hidden: hiddenSizes(), ...(classes === undefined ? {} : { classes }), seed: 1 };
  }
  if (choice === 'linear') return { kind: 'linear' };
  if (choice === 'logistic') return { kind: 'logistic' };
  if (choice === 'softmax') return { kind: 'softmax', classes: Math.max(2, d.classes) };
  if (d.task === 'regression') return { kind: 'linear' };
  return d.task === 'binary' ? { kind: 'logistic' } : { kind: 'softmax', classes: d.classes };
}

// ------------------------------------------------------------------------------------------- training

interface Variant {
  name: string;
  batch: BatchOption;
}

interface Run {
  variant: Variant;
  handle: WorkerTraining;
  result: WorkerTrainResult | null;
  error: Error | null;
  backend: string;
  /** The latest within-epoch event, cleared when the epoch completes (long epochs on big uploads). */
  batch: BatchEvent | null;
}

let runs: Run[] = [];
let training = false;

function variants(): Variant[] {
  const out: Variant[] = [];
  if (els.vFull.checked) out.push({ name: 'full batch', batch: 'full' });
  if (els.vStochastic.checked) out.push({ name: 'stochastic', batch: 'stochastic' });
  if (els.vMini.checked) {
    const b = Number(els.miniSize.value);
    out.push({ name: `mini-batch ${els.miniSize.value}`, batch: b });
  }
  return out;
}

function readNumber(el: HTMLInputElement, what: string): number {
  const v = Number(el.value);
  if (el.value.trim() === '' || !Number.isFinite(v)) throw new Error(`${what}: “${el.value}” is not a number`);
  return v;
}

function optimizerOptions(): Record<string, unknown> {
  let extra: unknown = {};
  const text = els.hyper.value.trim();
  if (text !== '') {
    try {
      extra = JSON.parse(text);
    } catch (e) {
      throw new Error(`hyper-parameters: not valid JSON (${(e as Error).message})`);
    }
    if (extra === null || typeof extra !== 'object' || Array.isArray(extra)) throw new Error('hyper-parameters: expected a JSON object such as {"momentum": 0.9}');
  }
  return { ...(extra as object), name: els.optimizer.value, lr: readNumber(els.lr, 'lr') };
}

function fmt(v: number | undefined, digits = 4): string {
  if (v === undefined || !Number.isFinite(v)) return '—';
  return v !== 0 && Math.abs(v) < 10 ** -(digits - 1) ? v.toExponential(2) : v.toFixed(digits);
}

function renderTable(): void {
  const body = els.results.tBodies[0];
  body.textContent = '';
  const scores = runs.map((r) => r.result?.test?.accuracy ?? r.result?.test?.r2 ?? -Infinity);
  const best = Math.max(...scores);
  runs.forEach((r, i) => {
    const tr = document.createElement('tr');
    tr.dataset.variant = r.variant.name;
    const s = series[i];
    const res = r.result;
    const epochs = res ? res.epochs : s.epochs.length;
    const ms = res ? res.ms : s.ms[s.ms.length - 1] ?? 0;
    const metric = res?.test?.accuracy ?? res?.test?.r2;
    const cells: [string, string][] = [
      ['variant', r.variant.name],
      ['backend', r.backend],
      ['epochs', String(epochs)],
      ['steps', res ? String(res.steps) : r.batch ? String(r.batch.steps) : '…'],
      ['ms-per-epoch', epochs ? (ms / epochs).toFixed(3) : '—'],
      ['loss', fmt(res?.train?.loss ?? s.loss[s.loss.length - 1])],
      ['metric', r.error ? 'error' : fmt(metric)],
      ['stop', r.error ? r.error.name : res ? res.stopReason : !training ? '—'
        : r.batch ? `epoch ${r.batch.epoch}: ${Math.floor((100 * r.batch.batch) / r.batch.batches)}%` : 'training…'],
    ];
    for (const [key, text] of cells) {
      const td = document.createElement('td');
      td.dataset.key = key;
      if (key === 'variant') {
        const sw = document.createElement('span');
        sw.className = 'swatch';
        sw.style.background = COLORS[i % COLORS.length];
        td.append(sw);
      }
      if (key === 'metric' && metric !== undefined && scores[i] === best) td.className = 'best';
      td.append(text);
      tr.append(td);
    }
    body.append(tr);
  });
}

async function startTraining(): Promise<void> {
  if (training) return;
  if (!data) {
    showMessage('No dataset loaded yet.', 'error');
    return;
  }
  const vs = variants();
  let opt: Record<string, unknown>, epochs: number, seed: number, l2: number;
  try {
    if (vs.length === 0) throw new Error('choose at least one batching variant');
    opt = optimizerOptions();
    epochs = readNumber(els.epochs, 'epochs');
    seed = readNumber(els.seed, 'seed');
    l2 = readNumber(els.l2, 'L2');
  } catch (e) {
    showMessage((e as Error).message, 'error');
    return;
  }
  const d = data;
  let model: ModelSpec & { kind: string };
  try {
    model = modelFor(d);
  } catch (e) {
    showMessage((e as Error).message, 'error');
    return;
  }
  const backend = els.backend.value === 'auto' ? undefined : (els.backend.value as BackendName);
  training = true;
  els.train.disabled = true;
  els.stop.disabled = false;
  els.digits.hidden = true;
  showMessage(`Training ${vs.length} variant${vs.length > 1 ? 's' : ''} of ${model.kind === 'mlp' ? 'a neural network (MLP)' : `${model.kind} regression`} on ${d.name} in Web Workers…`, 'info');
  startSeries(vs.map((v) => v.name));
  runs = [];
  probe.start();
  const t0 = performance.now();
  try {
    for (const [i, v] of vs.entries()) {
      const handle = trainInWorker({
        // Each worker gets its own copy, moved (not cloned) into it.
        data: { x: d.table.x.slice(), y: d.y.slice(), features: d.table.features },
        model,
        train: { optimizer: opt as never, batch: v.batch, epochs, seed, l2, ...tableThreads.option() },
        backend,
        split: { every: 5 },
        standardize: true,
        predictions: true,
      });
      const run: Run = { variant: v, handle, result: null, error: null, backend: backend ?? '…', batch: null };
      runs.push(run);
      handle.on('ready', (info) => {
        run.backend = info.name;
        els.env.textContent = envText(info.simdSupported);
        tableThreads.ready(info);
        renderTable();
      });
      handle.on('batch', (e) => {
        probe.training();
        run.batch = e;
      });
      handle.on('progress', (e) => {
        probe.training();
        run.batch = null;
        addPoint(i, e.epoch, e.loss, e.ms);
      });
    }
    renderTable();
    const tick = setInterval(renderTable, 250);
    const settled = await Promise.allSettled(runs.map((r) => r.handle.result));
    probe.stop(); // training is over: what follows (the digit grid) is drawing, not training
    clearInterval(tick);
    settled.forEach((s, i) => {
      if (s.status === 'fulfilled') {
        runs[i].result = s.value;
        runs[i].backend = s.value.backend;
      } else runs[i].error = s.reason as Error;
    });
    redrawNow();
    renderTable();
    tableThreads.done(runs.map((r) => ({ label: r.variant.name, result: r.result })));
    const failed = runs.filter((r) => r.error);
    if (failed.length) {
      const e = failed[0].error as Error;
      showMessage(`Training failed (${failed[0].variant.name}): ${e.name}: ${e.message}`, 'error');
    } else {
      const wall = performance.now() - t0;
      showMessage(`Done in ${(wall / 1000).toFixed(2)} s on ${runs[0].backend}.`, 'info');
      if (d.name === 'digits' && d.task === 'multiclass' && d.table.features === 64) drawDigits(d, runs.flatMap((r) => r.result?.predictions && r.result.test?.accuracy !== undefined
        ? [{ name: r.variant.name, predictions: r.result.predictions, accuracy: r.result.test.accuracy as number }] : []));
    }
  } catch (e) {
    // Bad data or options are rejected before any worker starts.
    for (const r of runs) void r.handle.stop();
    showMessage(`${(e as Error).name}: ${(e as Error).message}`, 'error');
  } finally {
    probe.stop();
    els.probe.textContent = probeSummary(probe);
    training = false;
    els.train.disabled = false;
    els.stop.disabled = true;
  }
}

async function stopTraining(): Promise<void> {
  await Promise.allSettled(runs.map((r) => r.handle.stop()));
}

// ------------------------------------------------------------------------------------------------ wiring

function envText(simd: boolean): string {
  return `WebAssembly ${typeof WebAssembly === 'object' ? 'available' : 'unavailable'}, SIMD ${simd ? 'supported' : 'not supported'}; ` +
    `${navigator.hardwareConcurrency ?? '?'} logical cores; training runs in Web Workers` +
    `${(globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated ? ' (cross-origin isolated: stop() ends a run cleanly, and threads can run in the workers)' : ''}.`;
}

for (const name of optimizerNames) {
  const o = document.createElement('option');
  o.value = name;
  o.textContent = name;
  els.optimizer.append(o);
}
els.optimizer.addEventListener('change', () => {
  els.hyper.value = hyperText(els.optimizer.value);
});

els.dataset.addEventListener('change', async () => {
  const name = els.dataset.value;
  if (name.startsWith('upload:')) {
    const d = cache.get(name);
    if (d) setData(d);
    return;
  }
  try {
    setData(await loadBuiltin(name));
    showMessage('');
  } catch (e) {
    showMessage((e as Error).message, 'error');
  }
});

els.model.addEventListener('change', () => data && setData(data));

els.upload.addEventListener('change', async () => {
  const file = els.upload.files?.[0];
  if (!file) return;
  const previous = data?.name;
  try {
    const text = await file.text();
    if (text.trim() === '') throw new Error(`${file.name} is empty`);
    const loaded = describe(file.name, readUpload(text, file.name), false);
    if (loaded.table.rows < 5) throw new Error(`${file.name} has ${loaded.table.rows} data rows; the every-5th-row test split needs at least 5`);
    const key = `upload:${file.name}`;
    cache.set(key, loaded);
    let opt = [...els.dataset.options].find((o) => o.value === key);
    if (!opt) {
      opt = document.createElement('option');
      opt.value = key;
      opt.textContent = `${file.name} (uploaded)`;
      els.dataset.append(opt);
    }
    els.dataset.value = key;
    setData(loaded);
    showMessage(`Loaded ${file.name}.`, 'info');
  } catch (e) {
    showMessage(`Could not use ${file.name}: ${(e as Error).message}. ` +
      `${previous ? `Nothing changed: ${previous} is still loaded.` : ''}`, 'error');
  } finally {
    els.upload.value = '';
  }
});

els.train.addEventListener('click', () => void startTraining());
els.stop.addEventListener('click', () => void stopTraining());
window.addEventListener('resize', resizeCharts);

// The page itself never trains; init() here only reports what this browser runs (SIMD or not).
init().then((info) => { els.env.textContent = envText(info.simdSupported); cnnReady(); textReady(); },
  (e) => { els.env.textContent = `WebAssembly is not usable on this page (${(e as Error).message}); choose the js backend.`; });
makeCharts();
els.hyper.value = hyperText(els.optimizer.value);
loadBuiltin('digits').then(setData, (e) => showMessage((e as Error).message, 'error'));

/** For the end-to-end tests and the curious: the page's state. */
(window as unknown as { __demo: unknown }).__demo = {
  get training() { return training; },
  get runs() {
    return runs.map((r, i) => ({
      variant: r.variant.name, backend: r.backend, error: r.error ? `${r.error.name}: ${r.error.message}` : null,
      events: series[i]?.epochs.length ?? 0,
      result: r.result && {
        backend: r.result.backend, epochs: r.result.epochs, steps: r.result.steps, ms: r.result.ms,
        stopReason: r.result.stopReason, test: r.result.test, train: r.result.train,
      },
    }));
  },
  get chartPoints() { return chartPoints(); },
  probe,
  get data() { return data && { name: data.name, rows: data.table.rows, features: data.table.features, task: data.task }; },
  cnn: cnnState,
  text: textState,
};
