// The preprocessing a model carries: feature standardization and, for a squared-loss regression, target
// scaling, fitted on the training rows (train() does it by default) and applied wherever the model meets
// raw data — predict, evaluate, saved files — so raw features go in and predictions come out in the
// target's units. One class shared by the linear models and the networks.
import { DataError, HyperParameterError, ShapeError } from '../errors.js';
import { Dataset, F32_MAX, toFlatMatrix, type Matrix } from '../data/dataset.js';
import { onlyKeys, show } from '../validate.js';
import { standardizeF32 } from '../backends/js/preprocess.js';

/** Statistics given by hand (train's `standardize: { … }`) or read back from a saved model. */
export interface PreprocessingStats {
  /** Per-feature mean subtracted from each raw feature. */
  mean: ArrayLike<number>;
  /** Per-feature standard deviation divided by (0: the feature is only centred, as scikit-learn does). */
  std: ArrayLike<number>;
  /** Target scaling (regression): the model learns (y − yMean) / yStd. Give both or neither. */
  yMean?: number;
  /** Target scaling: a positive standard deviation. */
  yStd?: number;
}

/** How a saved model (Model.toJSON, Network.toJSON, model files) holds its preprocessing. */
export interface SavedPreprocessing {
  /** Feature standardization applied to raw rows: (x − mean) / std (std 0: centring only). */
  standardize?: { mean: number[]; std: number[] };
  /** Target scaling: the model predicts (y − mean) / std, mapped back by predict. */
  targetScale?: { mean: number; std: number };
}

/** The JSON form of a {@link Preprocessing}. */
export interface PreprocessingJSON {
  mean: number[];
  std: number[];
  yMean?: number;
  yStd?: number;
}

/** A finite float32 number; `min` 'ge0' (a std) or 'gt0' (the target's std). */
function finite(path: string, v: unknown, min?: 'ge0' | 'gt0'): number {
  const ok = typeof v === 'number' && Math.abs(v) <= F32_MAX && (min === 'ge0' ? v >= 0 : min === 'gt0' ? v > 0 : true);
  if (!ok) throw new HyperParameterError(path, `must be a finite number${min === 'ge0' ? ' ≥ 0' : min === 'gt0' ? ' > 0' : ''}, got ${show(v)}`);
  return v as number;
}

/**
 * Feature standardization x' = (x − mean) / std (std 0: centring only) and optional target scaling
 * y' = (y − yMean) / yStd. Immutable; a model holds one in `preprocessing` (null: raw data).
 */
export class Preprocessing {
  /** Per-feature means. */
  readonly mean: Float64Array;
  /** Per-feature standard deviations (0 for a constant feature, which is only centred). */
  readonly std: Float64Array;
  /** Target mean, when the target is scaled. */
  readonly yMean?: number;
  /** Target standard deviation (> 0), when the target is scaled. */
  readonly yStd?: number;
  /** What each feature is divided by: its std, or 1 for a constant feature (centred only). */
  private readonly divisor: Float64Array;

  /**
   * Checks statistics for a model of `features` inputs (a HyperParameterError naming `path` and the
   * index), before anything is allocated.
   */
  constructor(stats: PreprocessingStats, features: number, path = 'standardize') {
    if (stats === null || typeof stats !== 'object') throw new HyperParameterError(path, `must be { mean, std, yMean?, yStd? }, got ${show(stats)}`);
    if (!(stats instanceof Preprocessing)) onlyKeys(path, stats, ['mean', 'std', 'yMean', 'yStd']);
    for (const k of ['mean', 'std'] as const) {
      const a = stats[k];
      if (a === null || typeof a !== 'object' || typeof a.length !== 'number') throw new HyperParameterError(`${path}.${k}`, `must be an array of ${features} numbers, got ${show(a)}`);
      if (a.length !== features) throw new HyperParameterError(`${path}.${k}`, `has ${a.length} values, the model has ${features} features`);
    }
    this.mean = Float64Array.from(stats.mean, (v, i) => finite(`${path}.mean[${i}]`, v));
    this.std = Float64Array.from(stats.std, (v, i) => finite(`${path}.std[${i}]`, v, 'ge0'));
    if ((stats.yMean === undefined) !== (stats.yStd === undefined)) throw new HyperParameterError(path, 'give both yMean and yStd, or neither');
    if (stats.yMean !== undefined) {
      this.yMean = finite(`${path}.yMean`, stats.yMean);
      this.yStd = finite(`${path}.yStd`, stats.yStd, 'gt0');
    }
    this.divisor = this.std.map((s) => (s > 0 ? s : 1));
    Object.freeze(this);
  }

  /**
   * Fits on a dataset's rows (population statistics, as scikit-learn's StandardScaler and
   * Dataset.stats, bit for bit); `target: true` also scales the target (a constant target gets std 1).
   */
  static fit(ds: Dataset, options: { target?: boolean } = {}): Preprocessing {
    const { mean, std } = ds.stats();
    if (!options.target) return new Preprocessing({ mean, std }, ds.features);
    const y = ds.yBlock.view;
    let sum = 0;
    for (let i = 0; i < y.length; i++) sum += y[i];
    const m = sum / y.length;
    let ss = 0;
    for (let i = 0; i < y.length; i++) ss += (y[i] - m) * (y[i] - m);
    const s = Math.sqrt(ss / y.length);
    return new Preprocessing({ mean, std, yMean: m, yStd: s > 0 && Number.isFinite(s) ? s : 1 }, ds.features);
  }

  /** Number of features the statistics cover. */
  get features(): number {
    return this.mean.length;
  }

  /** True when the target is scaled (predictions are mapped back). */
  get scalesTarget(): boolean {
    return this.yStd !== undefined;
  }

  /** Standardizes row-major features in place; a value leaving the float32 range is a DataError naming row and column. */
  applyInPlace(x: Float32Array, rowOffset = 0): Float32Array {
    const d = this.features;
    // (x − mean) / std as Dataset.standardize and the backends' kernel compute it, so all agree bit for bit.
    const bad = standardizeF32(x, x, x.length / d, d, this.mean, this.divisor);
    if (bad >= 0) {
      const r = Math.floor(bad / d), c = bad % d;
      const v = (x[bad] - this.mean[c]) / this.divisor[c];
      throw new DataError(`standardize: row ${rowOffset + r}, column ${c} becomes ${v} (std ${this.std[c]})`, { row: rowOffset + r, column: c });
    }
    return x;
  }

  /** Standardized copy of raw features (any {@link Matrix} form), row-major. */
  apply(x: Matrix): Float32Array {
    return this.applyInPlace(Float32Array.from(toFlatMatrix(x, this.features).data));
  }

  /** Scales raw targets, in place: (y − yMean) / yStd (unchanged without target scaling). */
  scaleTargets(y: Float32Array): Float32Array {
    if (this.yStd !== undefined) for (let i = 0; i < y.length; i++) y[i] = (y[i] - this.yMean!) / this.yStd;
    return y;
  }

  /** Maps predictions of the scaled target back to the target's units, in place: p·yStd + yMean. */
  invert(pred: Float32Array): Float32Array {
    if (this.yStd !== undefined) for (let i = 0; i < pred.length; i++) pred[i] = pred[i] * this.yStd + this.yMean!;
    return pred;
  }

  /** A transformed copy of a dataset, on its backend, with its names; the caller disposes it. */
  dataset(ds: Dataset): Dataset {
    if (ds.features !== this.features) throw new DataError(`standardize: the data have ${ds.features} features, the statistics ${this.features}`);
    // One pass in the dataset's backend (its values were validated when it was made).
    return ds.standardizedCopy(this.mean, this.divisor, this.std, (y) => this.scaleTargets(y));
  }

  /** Plain JSON (f64 statistics as JSON numbers, exact). */
  toJSON(): PreprocessingJSON {
    const j: PreprocessingJSON = { mean: Array.from(this.mean), std: Array.from(this.std) };
    if (this.yStd !== undefined) {
      j.yMean = this.yMean;
      j.yStd = this.yStd;
    }
    return j;
  }
}

/**
 * Runs `fn` on the model's view of raw data: a transformed copy when the model carries preprocessing
 * (freed afterwards), else the dataset itself.
 */
export function withPreprocessed<T>(pre: Preprocessing | null, ds: Dataset, fn: (ds: Dataset) => T): T {
  if (!pre || !(ds instanceof Dataset)) return fn(ds);
  const t = pre.dataset(ds);
  try {
    return fn(t);
  } finally {
    t.dispose();
  }
}

/** Validates a value given as a model's `preprocessing` (null: none). */
export function checkPreprocessing(v: unknown, features: number): Preprocessing | null {
  if (v === null) return null;
  if (!(v instanceof Preprocessing)) throw new HyperParameterError('preprocessing', `must be a Preprocessing or null, got ${show(v)}`);
  if (v.features !== features) throw new HyperParameterError('preprocessing', `covers ${v.features} features, the model has ${features}`);
  return v;
}

/** A model's preprocessing as the saved fields `standardize` and `targetScale` (none: {}). */
export function preprocessingToJSON(p: Preprocessing | null): SavedPreprocessing {
  if (!p) return {};
  const j = p.toJSON();
  const out: SavedPreprocessing = { standardize: { mean: j.mean, std: j.std } };
  if (j.yStd !== undefined) out.targetScale = { mean: j.yMean!, std: j.yStd };
  return out;
}

/** @internal the preprocessing of saved `standardize` / `targetScale` fields, checked (a ShapeError names the field). */
export function preprocessingFromJSON(o: { standardize?: unknown; targetScale?: unknown }, features: number, where: string): Preprocessing | null {
  if (o.standardize === undefined && o.targetScale === undefined) return null;
  const s = (o.standardize ?? { mean: new Array(features).fill(0), std: new Array(features).fill(0) }) as { mean?: unknown; std?: unknown };
  const t = o.targetScale as { mean?: unknown; std?: unknown } | undefined;
  try {
    return new Preprocessing({ mean: s.mean as number[], std: s.std as number[], ...(t ? { yMean: t.mean as number, yStd: t.std as number } : {}) }, features);
  } catch (e) {
    throw new ShapeError(`${where}: ${(e as Error).message}`);
  }
}
