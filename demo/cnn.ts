// The CNN section of the demo: the small convolutional network trained on MNIST in a Web Worker, with
// live loss and held-out accuracy charts, the first layer's eight 3×3 filters redrawn after every epoch, and a
// canvas where a drawn digit is classified as it is drawn. MNIST comes from data/mnist.u8.gz, copied next to
// the page by the build (no network beyond the page's own server). The page keeps its own copy of the network
// (same spec, the worker's latest parameter snapshot) for the filters and the drawing: training never waits
// for a prediction and a prediction never waits for training.
import uPlot from 'uplot';
import { countAxis } from './axes.js';
import { probe } from './probe.js';
import { probeSummary } from './probe-summary.js';
import { imageToRow, sequential, type ImageRowOptions, type LayerSpec, type Network } from '../src/index.js';
import { mnistFromBytes, type ImageTable } from '../src/data/mnist.js';
import { trainInWorker, type WorkerTraining } from '../src/worker/index.js';
import { setupDrawing, type DrawStats } from './draw.js';
import { cnnThreads } from './threads.js';
import { readInt, statusLine, startInputs } from './page.js';

/** The page footer's main-thread line, shared by every section. */
const probeFooter = document.getElementById('probe') as HTMLSpanElement;

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const els = {
  rows: $<HTMLSelectElement>('cnn-rows'),
  epochs: $<HTMLInputElement>('cnn-epochs'),
  batch: $<HTMLSelectElement>('cnn-batch'),
  train: $<HTMLButtonElement>('cnn-train'),
  stop: $<HTMLButtonElement>('cnn-stop'),
  status: $<HTMLParagraphElement>('cnn-status'),
  chartLoss: $<HTMLDivElement>('cnn-chart-loss'),
  chartAcc: $<HTMLDivElement>('cnn-chart-acc'),
  filters: $<HTMLDivElement>('cnn-filters'),
  filtersCaption: $<HTMLSpanElement>('cnn-filters-caption'),
  draw: $<HTMLCanvasElement>('cnn-draw'),
  probs: $<HTMLDivElement>('cnn-probs'),
  clear: $<HTMLButtonElement>('cnn-clear'),
  predictInfo: $<HTMLParagraphElement>('cnn-predict-info'),
};
const status = statusLine(els.status);

/** The CNN: [1, 28, 28] → conv 8 3×3 → relu → maxPool 2 → conv 16 3×3 → relu → maxPool 2 → dense 10. */
export const CNN_LAYERS: LayerSpec[] = [
  { type: 'conv2d', filters: 8, kernel: 3 }, { type: 'relu' }, { type: 'maxPool2d', size: 2 },
  { type: 'conv2d', filters: 16, kernel: 3 }, { type: 'relu' }, { type: 'maxPool2d', size: 2 },
  { type: 'flatten' }, { type: 'dense', units: 10 },
];
const SEED = 1;
/** torchvision's MNIST normalization (the pixels' mean and standard deviation), for training and drawing alike. */
const NORM = { mean: 0.1307, std: 0.3081 };
/** The last rows of the shipped file (stored shuffled) are held out for the accuracy chart. */
const HELD_OUT = 2000;

let mnist: Promise<ImageTable> | null = null;
let net: Network | null = null;
let handle: WorkerTraining | null = null;
let training = false;
const state = { epochs: 0, steps: 0, loss: [] as [number, number][], acc: [] as [number, number][], filterUpdates: 0, result: null as null | Record<string, unknown>, error: null as string | null };

function loadMnist(): Promise<ImageTable> {
  mnist ??= fetch('data/mnist.u8.gz').then(async (res) => {
    if (!res.ok) throw new Error(`could not fetch data/mnist.u8.gz (HTTP ${res.status})`);
    return mnistFromBytes(new Uint8Array(await res.arrayBuffer()), 'mnist.u8.gz');
  });
  mnist.catch(() => { mnist = null; });
  return mnist;
}

/** The page's copy of the network (made once the page's backend is ready). */
function pageNet(): Network {
  net ??= sequential({ inputShape: [1, 28, 28], layers: CNN_LAYERS, loss: 'softmax', seed: SEED });
  return net;
}

// ------------------------------------------------------------------------------------------- charts

let lossChart: uPlot | null = null;
let accChart: uPlot | null = null;
function makeCharts(): void {
  lossChart?.destroy();
  accChart?.destroy();
  const width = Math.max(280, els.chartLoss.clientWidth - 14);
  const opts = (title: string, x: string, y: string, stroke: string, scale: uPlot.Scale): uPlot.Options => ({
    title, width, height: 240, scales: { x: { time: false }, y: scale },
    axes: [countAxis(x), { label: y, size: 56 }],
    series: [{ label: x }, { label: y, stroke, width: 2, points: { show: true, size: 4 } }],
    legend: { live: false },
  });
  lossChart = new uPlot(opts('Training loss (mean over the epoch so far)', 'step', 'loss', '#0072B2', { auto: true }), [[], []], els.chartLoss);
  accChart = new uPlot(opts(`Accuracy on the ${HELD_OUT.toLocaleString('en')} held-out digits`, 'epoch', 'accuracy', '#D55E00', { range: [0, 1] }), [[], []], els.chartAcc);
}
let dirty = false;
function redraw(): void {
  if (!dirty) return;
  dirty = false;
  lossChart?.setData([state.loss.map((p) => p[0]), state.loss.map((p) => p[1])]);
  accChart?.setData([state.acc.map((p) => p[0]), state.acc.map((p) => p[1])]);
}
setInterval(redraw, 100);

// ------------------------------------------------------------------------------------------ filters

const filterCanvases: HTMLCanvasElement[] = [];
/** Draws conv1's 8 kernels (3×3 each), blue negative, red positive, one symmetric scale for all. */
function drawFilters(): void {
  const w = pageNet().getWeights(0).weight; // 8 × 1 × 3 × 3
  const F = 8, k = 3;
  let m = 1e-12;
  for (const v of w) m = Math.max(m, Math.abs(v));
  if (filterCanvases.length === 0) {
    for (let f = 0; f < F; f++) {
      const c = document.createElement('canvas');
      c.width = c.height = k;
      c.title = `filter ${f + 1}`;
      els.filters.append(c);
      filterCanvases.push(c);
    }
  }
  for (let f = 0; f < F; f++) {
    const g = filterCanvases[f].getContext('2d')!;
    const img = g.createImageData(k, k);
    for (let p = 0; p < k * k; p++) {
      const t = w[f * k * k + p] / m; // −1 … 1
      const a = Math.abs(t);
      // White at 0, to blue (#0072B2) for −1 and vermillion (#D55E00) for +1.
      const [r, gg, b] = t < 0 ? [0, 114, 178] : [213, 94, 0];
      img.data[4 * p] = Math.round(255 + (r - 255) * a);
      img.data[4 * p + 1] = Math.round(255 + (gg - 255) * a);
      img.data[4 * p + 2] = Math.round(255 + (b - 255) * a);
      img.data[4 * p + 3] = 255;
    }
    g.putImageData(img, 0, 0);
  }
  state.filterUpdates++;
  els.filters.dataset.updates = String(state.filterUpdates);
  els.filters.dataset.weights = JSON.stringify(Array.from(w.slice(0, 9), (v) => +v.toFixed(6)));
}

// ------------------------------------------------------------------------------------------ training

async function start(): Promise<void> {
  if (training) return;
  const inputs = startInputs(ready, status, () => ({
    rows: readInt(els.rows, 'training rows', 1), epochs: readInt(els.epochs, 'epochs', 1), batch: readInt(els.batch, 'batch', 1),
  }));
  if (!inputs) return;
  const { rows, epochs, batch } = inputs;
  training = true;
  els.train.disabled = true;
  els.stop.disabled = false;
  Object.assign(state, { epochs: 0, steps: 0, loss: [], acc: [], result: null, error: null });
  dirty = true;
  makeCharts();
  try {
    status('Loading MNIST (1.6 MB)…');
    const t = await loadMnist();
    const d = t.features;
    const n = Math.min(rows, t.rows - HELD_OUT);
    const norm = (a: Float32Array) => a.map((v) => (v - NORM.mean) / NORM.std);
    const x = norm(t.x.subarray(0, n * d));
    const y = t.y.slice(0, n);
    const vx = norm(t.x.subarray((t.rows - HELD_OUT) * d));
    const vy = t.y.slice(t.rows - HELD_OUT);
    // The page's copy starts from the same initial parameters as the worker's network.
    net?.dispose();
    net = null;
    drawFilters();
    els.filtersCaption.textContent = '(random: initial weights)';
    const t0 = performance.now();
    probe.start(); // the footer reports this run's main-thread gaps, as the tabular section's runs do
    handle = trainInWorker({
      data: { x, y, features: d },
      model: { kind: 'sequential', inputShape: [1, 28, 28], layers: CNN_LAYERS, loss: 'softmax', seed: SEED },
      train: { optimizer: { name: 'adam', lr: 1e-3 }, batch, epochs, seed: SEED, shuffle: true, ...cnnThreads.option() },
      validation: { x: vx, y: vy },
    }, { progressMs: 50 });
    const h = handle;
    status(`Training on ${n.toLocaleString('en')} digits in a Web Worker…`);
    h.on('ready', (info) => cnnThreads.ready(info));
    h.on('ready', (info) => status(`Training on ${n.toLocaleString('en')} digits in a Web Worker (${info.name})…`));
    h.on('batch', (e) => {
      probe.training();
      state.steps = e.steps;
      state.loss.push([e.steps, e.loss]);
      dirty = true;
    });
    h.on('progress', (e) => {
      probe.training();
      state.epochs = e.epoch;
      state.steps = e.steps;
      state.loss.push([e.steps, e.loss]);
      if (e.valMetric !== undefined) state.acc.push([e.epoch, e.valMetric]);
      dirty = true;
      const p = h.params;
      if (p) {
        pageNet().setParams(p);
        drawFilters();
        els.filtersCaption.textContent = `(after epoch ${e.epoch})`;
        refreshDrawing();
      }
      status(`Epoch ${e.epoch} of ${epochs}: loss ${e.loss.toFixed(4)}, held-out accuracy ${e.valMetric?.toFixed(4) ?? '—'} ` +
        `(${(e.ms / e.epoch / 1000).toFixed(2)} s per epoch in the worker)`);
    });
    const r = await h.result;
    cnnThreads.done([{ label: 'CNN', result: r }]);
    pageNet().setParams(r.params);
    drawFilters();
    els.filtersCaption.textContent = `(after epoch ${r.epochs})`;
    refreshDrawing();
    const last = r.history[r.history.length - 1];
    state.result = { epochs: r.epochs, steps: r.steps, ms: r.ms, backend: r.backend, stopReason: r.stopReason, valAccuracy: last?.valMetric ?? null, trainLoss: r.train?.loss ?? null };
    status(`Done (${r.stopReason}) after ${r.epochs} epoch${r.epochs === 1 ? '' : 's'} on ${r.backend}: held-out accuracy ` +
      `${last?.valMetric?.toFixed(4) ?? '—'}, ${((r.ms / Math.max(1, r.epochs)) / 1000).toFixed(2)} s per epoch in the worker ` +
      `(${((performance.now() - t0) / 1000).toFixed(1)} s wall). Draw a digit below.`);
  } catch (e) {
    state.error = `${(e as Error).name}: ${(e as Error).message}`;
    status(state.error, 'error');
  } finally {
    if (probe.active) {
      probe.stop();
      probeFooter.textContent = probeSummary(probe);
    }
    dirty = true;
    training = false;
    handle = null;
    els.train.disabled = false;
    els.stop.disabled = true;
  }
}

// ------------------------------------------------------------------------------------------ wiring

/** The drawing as the network's input: 28×28 grey, MNIST's centring, the training pixels' normalization. */
const DRAW_OPTIONS: ImageRowOptions = { width: 28, height: 28, channels: 1, center: true, normalize: NORM };
const drawing = setupDrawing(els.draw, els.probs, els.clear, els.predictInfo, () => (ready ? (row) => pageNet().predictProba(row) : null), DRAW_OPTIONS);
const refreshDrawing = drawing.refresh;
let ready = false;

/** Called once the page's backend is initialized: the network can be built and the filters drawn. */
export function cnnReady(): void {
  ready = true;
  drawFilters();
  // Two predictions ahead of time, the blank canvas and a square of ink (the centring path): the first stroke
  // then does not pay for compiling imageToRow and the first forward pass (tens of ms once, a few ms after).
  pageNet().predictProba(imageToRow(els.draw, DRAW_OPTIONS));
  const side = els.draw.width, ink = new Uint8ClampedArray(side * side * 4);
  for (let p = 0; p < side * side; p++) {
    const on = Math.abs((p % side) - side / 2) < side / 8 && Math.abs(Math.floor(p / side) - side / 2) < side / 4;
    ink.fill(on ? 255 : 0, 4 * p, 4 * p + 3);
    ink[4 * p + 3] = 255;
  }
  pageNet().predictProba(imageToRow({ data: ink, width: side, height: side }, DRAW_OPTIONS));
  drawing.refresh();
}

els.train.addEventListener('click', () => void start());
els.stop.addEventListener('click', () => void handle?.stop());
window.addEventListener('resize', () => {
  const width = Math.max(280, els.chartLoss.clientWidth - 14);
  lossChart?.setSize({ width, height: 240 });
  accChart?.setSize({ width, height: 240 });
});
makeCharts();

/** For the end-to-end tests: the CNN section's state. */
export const cnnState = {
  get training() { return training; },
  get ready() { return ready; },
  get epochs() { return state.epochs; },
  get steps() { return state.steps; },
  get lossPoints() { return state.loss.length; },
  get acc() { return state.acc.map((p) => p[1]); },
  get filterUpdates() { return state.filterUpdates; },
  get result() { return state.result; },
  get error() { return state.error; },
  get draw(): DrawStats { return drawing.stats; },
};
