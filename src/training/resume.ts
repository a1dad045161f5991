// Save and resume: a run's complete state as plain JSON (TrainState), checked against the run it is
// restored into before anything is allocated. The Trainer keeps its counters in one Progress object
// so that this module can write and read them without reaching into the class.
import { HyperParameterError } from '../errors.js';
import { show } from '../validate.js';
import { HYPER_LEN } from '../backends/abi.generated.js';
import type { Block } from '../runtime/block.js';
import type { Run } from '../runtime/run.js';
import type { Rng } from '../rng.js';
import type { Optimizer } from '../optim/index.js';
import type { Schedule } from '../optim/schedules.js';
import type { Trainable } from '../models/trainable.js';
import { decNum, decSchedule, encNum, encSchedule, type EpochRecord, type TrainState } from './state.js';
import type { Plan } from './options.js';
import { checkStateValues } from './state-check.js';
import { checkLazy, restoreLazy, saveLazy } from './lazy.js';
import { Preprocessing, preprocessingFromJSON, type SavedPreprocessing } from '../models/preprocessing.js';

/** The counters and snapshots of a run: everything that changes as it goes, besides backend memory. */
export interface Progress {
  epoch: number;
  /** Batches done in the current epoch. */
  batch: number;
  steps: number;
  /** Σ batch loss × batch rows over the current epoch's batches so far. */
  lossSum: number;
  /** Learning rate of the current epoch's first batch. */
  epochLr: number;
  tolBest: number;
  noChange: number;
  esBest: number;
  esWait: number;
  bestEpoch: number;
  bestParams: Float32Array | null;
  /** Parameters (and average) at the end of the last finite epoch: what a divergence falls back to. */
  lastParams: Float32Array;
  lastAvg: Float32Array | null;
  lastAvgCount: number;
  history: EpochRecord[];
  /** Milliseconds spent before this session (resumed runs). */
  elapsedBefore: number;
}

/** The parts of a run that hold state in backend memory or in generators. */
export interface RunParts {
  p: Plan;
  model: Trainable;
  opt: Optimizer;
  run: Run;
  idx: Block<'i32'>;
  avg: Block<'f32'> | undefined;
  l1buf: Block<'f32'> | undefined;
  /** v of the lazily scaled weights (lazy.ts), when the run has them. */
  lazy: Block<'f32'> | undefined;
  rng: Rng;
  schedule: Schedule;
}

/**
 * The complete training state, as plain JSON-safe data: model (`iterate`, the current iterate),
 * optimizer moments and hyper block (with the step count), the batch loop's state slots (L1, averaging,
 * noise PRNG), schedule state, row order, shuffling PRNG, epoch and batch position, stopping-rule
 * counters and history.
 */
export function saveState(parts: RunParts, s: Progress, iterate: Float32Array | null, elapsedMs: number): TrainState {
  const { p, model: m, opt, run } = parts;
  const modelJson = m.toJSON();
  if (iterate) modelJson.params = Array.from(iterate);
  return {
    format: 'descent-train-state',
    version: 2,
    backend: m.paramsBlock.backend.name,
    sha256: m.paramsBlock.backend.sha256,
    config: {
      rows: p.nTrain, batchSize: p.batchSize, nParams: m.size, optimizer: p.resolved.spec.name,
      schedule: parts.schedule.name, averaging: p.avgStart > 0, l1: p.l1Mode !== 0,
    },
    model: modelJson,
    optimizer: { hyper: Array.from(opt.hyperBlock.view), state: Array.from(opt.stateBlock.view) },
    loop: { step: run.get('step'), l1U: run.get('l1U'), avgCount: run.get('avgCount'), rng: run.words('rng'), dropRng: run.words('dropRng') },
    avg: parts.avg ? Array.from(parts.avg.view) : null,
    l1: parts.l1buf ? Array.from(parts.l1buf.view) : null,
    perm: Array.from(parts.idx.view),
    rng: Array.from(parts.rng.state),
    epoch: s.epoch,
    batch: s.batch,
    steps: s.steps,
    lossSum: s.lossSum,
    epochLr: s.epochLr,
    schedule: encSchedule(parts.schedule.state()),
    stopping: {
      tolBest: encNum(s.tolBest), noChange: s.noChange, esBest: encNum(s.esBest), esWait: s.esWait,
      bestEpoch: s.bestEpoch, bestParams: s.bestParams ? Array.from(s.bestParams) : null,
    },
    last: { params: Array.from(s.lastParams), avg: s.lastAvg ? Array.from(s.lastAvg) : null, avgCount: s.lastAvgCount },
    lazy: saveLazy(run, parts.lazy),
    history: s.history.map((r) => ({ ...r })),
    elapsedMs,
  };
}

/** Puts a checked state (see {@link checkResume}) back into the run's memory and counters. */
export function restoreState(parts: RunParts, s: Progress, state: TrainState): void {
  const { model: m, opt, run } = parts;
  m.paramsBlock.view.set(state.model.params);
  // Batch norm's running statistics change with every training step: a resumed run goes on from the saved ones.
  const stats = (state.model as { stats?: number[] }).stats;
  if (m.statsBlock && stats) m.statsBlock.view.set(stats);
  opt.hyperBlock.view.set(state.optimizer.hyper);
  opt.stateBlock.view.set(state.optimizer.state);
  // Options come from this run; only the loop's state slots are restored.
  run.set({ step: state.loop.step, l1U: state.loop.l1U, avgCount: state.loop.avgCount });
  run.setWords('rng', state.loop.rng);
  run.setWords('dropRng', state.loop.dropRng);
  if (parts.avg && state.avg) parts.avg.view.set(state.avg);
  if (parts.l1buf && state.l1) parts.l1buf.view.set(state.l1);
  restoreLazy(run, parts.lazy, state.lazy ?? null);
  parts.idx.view.set(state.perm);
  parts.rng.state.set(state.rng);
  s.epoch = state.epoch;
  s.batch = state.batch;
  s.steps = state.steps;
  s.lossSum = state.lossSum;
  s.epochLr = state.epochLr;
  parts.schedule.restore(decSchedule(state.schedule));
  s.tolBest = decNum(state.stopping.tolBest);
  s.noChange = state.stopping.noChange;
  s.esBest = decNum(state.stopping.esBest);
  s.esWait = state.stopping.esWait;
  s.bestEpoch = state.stopping.bestEpoch;
  s.bestParams = state.stopping.bestParams ? Float32Array.from(state.stopping.bestParams) : null;
  s.lastParams.set(state.last.params);
  if (s.lastAvg && state.last.avg) s.lastAvg.set(state.last.avg);
  s.lastAvgCount = state.last.avgCount;
  for (const r of state.history) s.history.push({ ...r });
  s.elapsedBefore = state.elapsedMs;
}

/**
 * Checks a saved state against this run (model, data, options) before anything is allocated, so that
 * restoring cannot fail half-way.
 */
export function checkResume(s: TrainState, model: Trainable, p: Plan): void {
  const rows = p.nTrain, batchSize = p.batchSize, r = p.resolved, schedule = p.schedule;
  const averaging = p.avgStart > 0, l1 = p.l1Mode !== 0;
  if (s === null || typeof s !== 'object' || s.format !== 'descent-train-state') {
    throw new HyperParameterError('resume', 'is not a descent training state (format must be "descent-train-state")');
  }
  if (s.version !== 2) throw new HyperParameterError('resume', `unsupported state version ${show(s.version)}`);
  const c = s.config;
  if (c === null || typeof c !== 'object' || s.model === null || typeof s.model !== 'object') {
    throw new HyperParameterError('resume', 'the state is incomplete (no config or model)');
  }
  const want: [string, unknown, unknown][] = [
    ['rows', c.rows, rows], ['batchSize', c.batchSize, batchSize], ['nParams', c.nParams, model.size],
    ['optimizer', c.optimizer, r.spec.name], ['schedule', c.schedule, schedule.name],
    ['averaging', c.averaging, averaging], ['l1', c.l1, l1],
  ];
  for (const [what, saved, now] of want) {
    if (saved !== now) throw new HyperParameterError('resume', `the state was saved with ${what} = ${show(saved)}, this run has ${show(now)}`);
  }
  if (s.model.kind !== model.kind || s.model.loss !== model.loss) {
    throw new HyperParameterError('resume', `the state was saved for a ${s.model.kind}/${s.model.loss} model, this one is ${model.kind}/${model.loss}`);
  }
  // Every array is checked here, before allocation, so that restoring cannot fail half-way.
  const n = model.size, nW = model.nWeights;
  const lengths: [string, unknown, number | null][] = [
    ['model.params', s.model.params, n], ['optimizer.hyper', s.optimizer?.hyper, HYPER_LEN],
    ['optimizer.state', s.optimizer?.state, Math.max(1, r.stateVectors * model.trainableSize)], ['loop.rng', s.loop?.rng, 4], ['loop.dropRng', s.loop?.dropRng, 4],
    ['avg', s.avg, averaging ? n : null], ['l1', s.l1, l1 ? nW : null], ['perm', s.perm, rows], ['rng', s.rng, 4],
    ['last.params', s.last?.params, n], ['last.avg', s.last?.avg, averaging ? n : null],
    ['stopping.bestParams', s.stopping?.bestParams, s.stopping?.bestParams == null ? null : n],
    ['model.stats', (s.model as { stats?: unknown }).stats, model.statsBlock ? model.statsBlock.length : null],
  ];
  for (const [what, a, len] of lengths) {
    const ok = len === null ? a === null || a === undefined : Array.isArray(a) && a.length === len && a.every((v) => typeof v === 'number');
    if (!ok) throw new HyperParameterError('resume', `the saved ${what} does not fit this run (expected ${len === null ? 'none' : `${len} numbers`})`);
  }
  const perm = s.perm as number[];
  const seen = new Uint8Array(rows);
  for (const i of perm) {
    if (!Number.isInteger(i) || i < 0 || i >= rows || seen[i]) throw new HyperParameterError('resume', 'the saved row order is not a permutation of the rows');
    seen[i] = 1;
  }
  for (const key of ['epoch', 'batch', 'steps', 'lossSum', 'epochLr', 'elapsedMs'] as const) {
    if (typeof s[key] !== 'number' || !Number.isFinite(s[key])) throw new HyperParameterError('resume', `the saved ${key} is not a finite number`);
  }
  if (s.loop === null || typeof s.loop !== 'object') throw new HyperParameterError('resume', 'the state is incomplete (no loop)');
  for (const key of ['step', 'l1U', 'avgCount'] as const) {
    if (typeof s.loop[key] !== 'number' || !Number.isFinite(s.loop[key])) throw new HyperParameterError('resume', `the saved loop.${key} is not a finite number`);
  }
  if (!Array.isArray(s.history) || !s.schedule || !s.stopping) throw new HyperParameterError('resume', 'the state is incomplete');
  checkLazy(s.lazy, model.size);
  checkStateValues(s, p);
}

/**
 * A resumed run standardizes as the saved one did: its statistics travel in the state's model (none: the
 * saved run was raw). Checked before anything is allocated.
 */
export function resumedPreprocessing(saved: SavedPreprocessing, model: Trainable, p: Plan): Preprocessing | null | undefined {
  let pre: Preprocessing | null;
  try {
    pre = preprocessingFromJSON(saved, model.features, 'the saved model');
  } catch (e) {
    throw new HyperParameterError('resume', (e as Error).message);
  }
  if (p.standardize === 'fit') return pre;
  if (p.standardize === 'off' && pre) throw new HyperParameterError('resume', 'the state was saved from a standardized run; resume it without standardize: false');
  return undefined;
}
