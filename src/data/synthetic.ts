// Seeded synthetic datasets after scikit-learn's make_regression and make_classification, for scale
// tests and examples. Rows are drawn one after another from one Rng (the model's parameters first), so
// the chunked generators give exactly the rows of the one-shot ones, whatever the chunk size: a
// 1,000,000-row CSV can be written chunk by chunk and still equal makeRegression's arrays.
// Unlike scikit-learn, columns are not shuffled: informative features come first.
import { HyperParameterError } from '../errors.js';
import { Rng } from '../rng.js';
import { int, num, onlyKeys, show } from '../validate.js';
import { formatCSV } from './csv/format.js';

/** Rows drawn by a generator: features row-major (rows × features) and targets. */
export interface SyntheticData {
  x: Float32Array;
  y: Float32Array;
  rows: number;
  features: number;
}

/** Options of {@link makeRegression} (scikit-learn's names in camelCase, and its defaults). */
export interface RegressionOptions {
  /** Rows. Default 100. */
  samples?: number;
  /** Features. Default 100. */
  features?: number;
  /** Features that enter the target (the first ones); the rest are noise. Default 10. */
  informative?: number;
  /** Added to every target. Default 0. */
  bias?: number;
  /** Standard deviation of Gaussian noise on the target. Default 0. */
  noise?: number;
  /** PRNG seed. Default 0. */
  seed?: number;
}

/** {@link makeRegression}'s result: the rows and the true coefficients. */
export interface RegressionData extends SyntheticData {
  /** The coefficients y was drawn with: 100·U[0, 1) for informative features, 0 for the others. */
  coef: Float64Array;
}

/** Options of {@link makeClassification} (scikit-learn's names in camelCase, and its defaults). */
export interface ClassificationOptions {
  /** Rows. Default 100. */
  samples?: number;
  /** Features: informative, then redundant, then repeated, then noise. Default 20. */
  features?: number;
  /** Features the classes are separated in. Default max(2, ⌈log2(classes × clustersPerClass)⌉), at most `features`. */
  informative?: number;
  /** Random linear combinations of the informative features. Default 2. */
  redundant?: number;
  /** Copies of informative or redundant features. Default 0. */
  repeated?: number;
  /** Number of classes. Default 2. */
  classes?: number;
  /** Gaussian clusters per class, centred on hypercube vertices. Default 2. */
  clustersPerClass?: number;
  /** Class proportions (normalised); default equal. */
  weights?: readonly number[];
  /** Fraction of labels replaced by a random class. Default 0.01. */
  flipY?: number;
  /** Half the side of the hypercube: larger separates the classes more. Default 1. */
  classSep?: number;
  /** Added to every feature, then multiplied by `scale`. Default 0 and 1. */
  shift?: number;
  scale?: number;
  /** PRNG seed. Default 0. */
  seed?: number;
}

/** Draws one row into x[off..off+features) and returns its target. */
interface RowSampler {
  features: number;
  row(x: Float32Array, off: number): number;
}

const REG_KEYS = ['samples', 'features', 'informative', 'bias', 'noise', 'seed'] as const;
const CLS_KEYS = ['samples', 'features', 'informative', 'redundant', 'repeated', 'classes', 'clustersPerClass',
  'weights', 'flipY', 'classSep', 'shift', 'scale', 'seed'] as const;

function checkObject(what: string, o: unknown, keys: readonly string[]): void {
  if (o === null || typeof o !== 'object') throw new HyperParameterError(what, `options must be an object, got ${show(o)}`);
  onlyKeys(what, o, keys);
}

function regressionSampler(o: RegressionOptions): { samples: number; coef: Float64Array; sampler: RowSampler } {
  checkObject('makeRegression', o, REG_KEYS);
  const samples = int('makeRegression.samples', o.samples, 100, 1);
  const d = int('makeRegression.features', o.features, 100, 1);
  const inf = int('makeRegression.informative', o.informative, Math.min(10, d), 0, d);
  const bias = num('makeRegression.bias', o.bias, 0);
  const noise = num('makeRegression.noise', o.noise, 0, { min: 0 });
  const seed = int('makeRegression.seed', o.seed, 0, 0, 0xffffffff);
  const rng = new Rng(seed);
  // Noise has its own stream, so the same seed gives the same X at every noise level.
  const noiseRng = new Rng((seed ^ 0x6a09e667) >>> 0);
  const coef = new Float64Array(d);
  for (let j = 0; j < inf; j++) coef[j] = 100 * rng.next();
  return {
    samples, coef,
    sampler: {
      features: d,
      row(x, off) {
        let y = bias;
        for (let j = 0; j < d; j++) {
          // The target uses the float32 value that is stored, so y is exactly X·coef (+ noise) as seen.
          const v = Math.fround(rng.normal());
          x[off + j] = v;
          y += v * coef[j];
        }
        if (noise > 0) y += noise * noiseRng.normal();
        return y;
      },
    },
  };
}

function classificationSampler(o: ClassificationOptions): { samples: number; sampler: RowSampler } {
  checkObject('makeClassification', o, CLS_KEYS);
  const p = 'makeClassification';
  const samples = int(`${p}.samples`, o.samples, 100, 1);
  const d = int(`${p}.features`, o.features, 20, 1);
  const k = int(`${p}.classes`, o.classes, 2, 2, 1000);
  const cpc = int(`${p}.clustersPerClass`, o.clustersPerClass, 2, 1, 1000);
  const clusters = k * cpc;
  // Unlike scikit-learn (which throws), the default fits the classes asked for: enough informative features
  // for a hypercube vertex per cluster.
  const inf = int(`${p}.informative`, o.informative, Math.min(d, Math.max(2, Math.ceil(Math.log2(clusters)))), 1, d);
  const red = int(`${p}.redundant`, o.redundant, 2, 0, d);
  const rep = int(`${p}.repeated`, o.repeated, 0, 0, d);
  if (inf + red + rep > d) {
    throw new HyperParameterError(`${p}.features`, `must be ≥ informative + redundant + repeated = ${inf + red + rep}, got ${d}`);
  }
  if (inf < 31 && clusters > 2 ** inf) {
    throw new HyperParameterError(`${p}.informative`, `classes × clustersPerClass = ${clusters} needs at least ${Math.ceil(Math.log2(clusters))} informative features (2^informative hypercube vertices), got ${inf}`);
  }
  const flipY = num(`${p}.flipY`, o.flipY, 0.01, { min: 0, max: 1 });
  const sep = num(`${p}.classSep`, o.classSep, 1, { min: 0 });
  const shift = num(`${p}.shift`, o.shift, 0);
  const scale = num(`${p}.scale`, o.scale, 1);
  let cumulative: Float64Array | undefined;
  if (o.weights !== undefined) {
    const w = o.weights;
    if (!Array.isArray(w) || w.length !== k || !w.every((v) => typeof v === 'number' && Number.isFinite(v) && v >= 0) || !w.some((v) => v > 0)) {
      throw new HyperParameterError(`${p}.weights`, `must be ${k} finite non-negative numbers, not all 0, got ${show(w)}`);
    }
    const total = w.reduce((a, b) => a + b, 0);
    cumulative = new Float64Array(k);
    let acc = 0;
    for (let c = 0; c < k; c++) cumulative[c] = acc += w[c] / total;
  }
  const rng = new Rng(int(`${p}.seed`, o.seed, 0, 0, 0xffffffff));
  // Cluster centres on distinct vertices of the hypercube [−sep, sep]^informative.
  const centres = new Float64Array(clusters * inf);
  const taken = new Set<string>();
  for (let c = 0; c < clusters; c++) {
    let bits: number[], key: string;
    do {
      bits = [];
      for (let j = 0; j < inf; j++) bits.push(rng.nextU32() >>> 31);
      key = bits.join('');
    } while (taken.has(key));
    taken.add(key);
    for (let j = 0; j < inf; j++) centres[c * inf + j] = bits[j] ? sep : -sep;
  }
  // A random linear map per cluster gives each Gaussian its own covariance (as scikit-learn does).
  const mix = new Float64Array(clusters * inf * inf);
  for (let i = 0; i < mix.length; i++) mix[i] = 2 * rng.next() - 1;
  const redundant = new Float64Array(inf * red);
  for (let i = 0; i < redundant.length; i++) redundant[i] = 2 * rng.next() - 1;
  const repeatedFrom = new Int32Array(rep);
  for (let i = 0; i < rep; i++) repeatedFrom[i] = rng.below(inf + red);
  const z = new Float64Array(inf);
  const xi = new Float64Array(inf + red);
  return {
    samples,
    sampler: {
      features: d,
      row(x, off) {
        let cls: number;
        if (cumulative) {
          const u = rng.next();
          cls = 0;
          while (cls < k - 1 && u >= cumulative[cls]) cls++;
        } else cls = rng.below(k);
        const cl = cls * cpc + rng.below(cpc);
        for (let j = 0; j < inf; j++) z[j] = rng.normal();
        const m = cl * inf * inf;
        for (let j = 0; j < inf; j++) {
          let s = centres[cl * inf + j];
          for (let i = 0; i < inf; i++) s += z[i] * mix[m + i * inf + j];
          xi[j] = s;
        }
        for (let r = 0; r < red; r++) {
          let s = 0;
          for (let i = 0; i < inf; i++) s += xi[i] * redundant[i * red + r];
          xi[inf + r] = s;
        }
        let j = 0;
        for (; j < inf + red; j++) x[off + j] = (xi[j] + shift) * scale;
        for (let r = 0; r < rep; r++, j++) x[off + j] = (xi[repeatedFrom[r]] + shift) * scale;
        for (; j < d; j++) x[off + j] = (rng.normal() + shift) * scale;
        if (flipY > 0 && rng.next() < flipY) cls = rng.below(k);
        return cls;
      },
    },
  };
}

function* chunksOf(samples: number, s: RowSampler, chunkRows: number): Generator<SyntheticData> {
  if (!Number.isInteger(chunkRows) || chunkRows < 1) throw new HyperParameterError('chunkRows', `must be a positive integer, got ${show(chunkRows)}`);
  const d = s.features;
  for (let start = 0; start < samples; start += chunkRows) {
    const rows = Math.min(chunkRows, samples - start);
    const x = new Float32Array(rows * d);
    const y = new Float32Array(rows);
    for (let r = 0; r < rows; r++) y[r] = s.row(x, r * d);
    yield { x, y, rows, features: d };
  }
}

function whole(samples: number, s: RowSampler): SyntheticData {
  return chunksOf(samples, s, samples).next().value as SyntheticData;
}

/**
 * A regression problem y = X·coef + bias + noise·N(0, 1) with X ~ N(0, 1), after scikit-learn's
 * make_regression: the first `informative` coefficients are 100·U[0, 1), the others 0. Same seed, same rows.
 */
export function makeRegression(options: RegressionOptions = {}): RegressionData {
  const { samples, coef, sampler } = regressionSampler(options);
  return { ...whole(samples, sampler), coef };
}

/** The rows of {@link makeRegression} with the same options, `chunkRows` at a time (bounded memory). */
export function regressionChunks(options: RegressionOptions = {}, chunkRows = 4096): Generator<SyntheticData> {
  const { samples, sampler } = regressionSampler(options);
  return chunksOf(samples, sampler, chunkRows);
}

/**
 * A classification problem after scikit-learn's make_classification: Gaussian clusters on hypercube
 * vertices in the informative features, redundant linear combinations, repeated copies, noise features,
 * and a fraction `flipY` of random labels. Labels are 0..classes-1. Same seed, same rows.
 */
export function makeClassification(options: ClassificationOptions = {}): SyntheticData {
  const { samples, sampler } = classificationSampler(options);
  return whole(samples, sampler);
}

/** The rows of {@link makeClassification} with the same options, `chunkRows` at a time. */
export function classificationChunks(options: ClassificationOptions = {}, chunkRows = 4096): Generator<SyntheticData> {
  const { samples, sampler } = classificationSampler(options);
  return chunksOf(samples, sampler, chunkRows);
}

/**
 * CSV text for chunks of rows: the header (x0, x1, …, y) with the first chunk, then one text per
 * chunk, so a file of any size is written with bounded memory. Values are exact float32 texts, or
 * `digits` significant digits (see formatCSV).
 */
export function* csvChunks(chunks: Iterable<SyntheticData>, names?: readonly string[], digits?: number): Generator<string> {
  let first = true;
  for (const c of chunks) {
    const text = formatCSV(c.x, c.y, c.features, names, digits);
    yield first ? text : text.slice(text.indexOf('\n') + 1);
    first = false;
  }
}
