// Label metrics with scikit-learn's definitions (sklearn.metrics 1.2): accuracy, the confusion matrix, and
// precision, recall and F-score per class or averaged (binary, micro, macro, weighted), all in f64.
import { HyperParameterError } from '../errors.js';
import { onlyKeys, show } from '../validate.js';
import { labelVector, sumOf, uniqueLabels } from './arrays.js';

/** How per-class scores are combined: scikit-learn's `average`; `'none'` keeps one score per class. */
export type Average = 'binary' | 'micro' | 'macro' | 'weighted' | 'none';

/** Options of the precision/recall/F-score functions (scikit-learn's names). */
export interface PrfOptions {
  /** Default `'binary'` (scores of `posLabel`), as scikit-learn; a multiclass target needs another. */
  average?: Average;
  /** The classes to score, in order; default every label in yTrue or yPred, sorted. */
  labels?: readonly number[];
  /** The positive class of `'binary'` (default 1). */
  posLabel?: number;
  /** The score of an ill-defined ratio (no predicted or no true rows of a class): 0 (default) or 1. */
  zeroDivision?: 0 | 1;
  /** F-beta's β (default 1: F1). */
  beta?: number;
}

/** Per-class precision, recall, F-score and support (true rows), in the order of `labels`. */
export interface PrfSupport {
  labels: number[];
  precision: number[];
  recall: number[];
  fScore: number[];
  support: number[];
}

function pair(yTrue: unknown, yPred: unknown): [ArrayLike<number>, ArrayLike<number>] {
  const t = labelVector('yTrue', yTrue);
  return [t, labelVector('yPred', yPred, t.length)];
}

/** Fraction of rows whose predicted label equals the true one. */
export function accuracyScore(yTrue: ArrayLike<number>, yPred: ArrayLike<number>): number {
  const [t, p] = pair(yTrue, yPred);
  let hits = 0;
  for (let i = 0; i < t.length; i++) if (t[i] === p[i]) hits++;
  return hits / t.length;
}

function checkLabels(labels: unknown): number[] | undefined {
  if (labels === undefined) return undefined;
  const l = labelVector('labels', labels);
  if (new Set(Array.from(l)).size !== l.length) throw new HyperParameterError('labels', 'must not repeat a label');
  return Array.from(l);
}

/**
 * The confusion matrix C: C[i][j] counts rows of true class labels[i] predicted as labels[j] (rows: truth,
 * columns: prediction, as scikit-learn). `labels` defaults to every label seen, sorted.
 */
export function confusionMatrix(yTrue: ArrayLike<number>, yPred: ArrayLike<number>, options: { labels?: readonly number[] } = {}): number[][] {
  const [t, p] = pair(yTrue, yPred);
  onlyKeys('confusionMatrix', options, ['labels']);
  const labels = checkLabels(options.labels) ?? uniqueLabels(t, p);
  const at = new Map(labels.map((l, i) => [l, i]));
  const c = labels.map(() => new Array<number>(labels.length).fill(0));
  for (let r = 0; r < t.length; r++) {
    const i = at.get(t[r]), j = at.get(p[r]);
    if (i !== undefined && j !== undefined) c[i][j]++;
  }
  return c;
}

function resolve(o: PrfOptions, fn: string): Required<Omit<PrfOptions, 'labels'>> & { labels?: number[] } {
  if (o === null || typeof o !== 'object') throw new HyperParameterError(fn, `options must be an object, got ${show(o)}`);
  onlyKeys(fn, o, ['average', 'labels', 'posLabel', 'zeroDivision', 'beta']);
  const average = o.average ?? 'binary';
  if (!['binary', 'micro', 'macro', 'weighted', 'none'].includes(average)) {
    throw new HyperParameterError(`${fn}.average`, `must be 'binary', 'micro', 'macro', 'weighted' or 'none', got ${show(average)}`);
  }
  const zeroDivision = o.zeroDivision ?? 0;
  if (zeroDivision !== 0 && zeroDivision !== 1) throw new HyperParameterError(`${fn}.zeroDivision`, `must be 0 or 1, got ${show(zeroDivision)}`);
  const beta = o.beta ?? 1;
  if (typeof beta !== 'number' || !(beta >= 0) || !Number.isFinite(beta)) throw new HyperParameterError(`${fn}.beta`, `must be a finite number ≥ 0, got ${show(beta)}`);
  const posLabel = o.posLabel ?? 1;
  return { average, zeroDivision, beta, posLabel, labels: checkLabels(o.labels) };
}

/** Per-class counts: true positives, predicted and true rows of each label. */
function counts(t: ArrayLike<number>, p: ArrayLike<number>, labels: number[]): { tp: number[]; pred: number[]; truth: number[] } {
  const at = new Map(labels.map((l, i) => [l, i]));
  const tp = labels.map(() => 0), pred = labels.map(() => 0), truth = labels.map(() => 0);
  for (let r = 0; r < t.length; r++) {
    const i = at.get(t[r]), j = at.get(p[r]);
    if (i !== undefined) truth[i]++;
    if (j !== undefined) pred[j]++;
    if (i !== undefined && t[r] === p[r]) tp[i]++;
  }
  return { tp, pred, truth };
}

/**
 * scikit-learn's precision_recall_fscore_support: per class (`average: 'none'`), or one figure per measure
 * (`support` is then the total of true rows, as scikit-learn's None). Ill-defined ratios are `zeroDivision`.
 */
export function precisionRecallFscoreSupport(yTrue: ArrayLike<number>, yPred: ArrayLike<number>, options: PrfOptions = {}):
  PrfSupport | { precision: number; recall: number; fScore: number; support: number } {
  const [t, p] = pair(yTrue, yPred);
  const o = resolve(options, 'precisionRecallFscoreSupport');
  const present = uniqueLabels(t, p);
  let labels = o.labels ?? present;
  if (o.average === 'binary') {
    if (present.length > 2) {
      throw new HyperParameterError('average', `the target is multiclass (${present.length} labels) but average is 'binary'; choose 'micro', 'macro', 'weighted' or 'none'`);
    }
    // As scikit-learn: a positive label absent from the data scores 0 (it is checked against the labels seen).
    if (!present.includes(o.posLabel) && present.length === 2) {
      throw new HyperParameterError('posLabel', `${o.posLabel} is not a label of the data (${present.join(', ')})`);
    }
    labels = [o.posLabel];
  }
  let { tp, pred, truth } = counts(t, p, labels);
  if (o.average === 'micro') {
    tp = [sumOf(tp.length, (i) => tp[i])]; pred = [sumOf(pred.length, (i) => pred[i])]; truth = [sumOf(truth.length, (i) => truth[i])];
  }
  const ratio = (a: number, b: number) => (b === 0 ? o.zeroDivision : a / b);
  const precision = tp.map((v, i) => ratio(v, pred[i]));
  const recall = tp.map((v, i) => ratio(v, truth[i]));
  const b2 = o.beta * o.beta;
  const fScore = precision.map((pr, i) => {
    const denom = b2 * pr + recall[i];
    return ((1 + b2) * pr * recall[i]) / (denom === 0 ? 1 : denom);
  });
  if (o.average === 'none') return { labels, precision, recall, fScore, support: truth };
  const support = sumOf(truth.length, (i) => truth[i]);
  let avg: (v: number[]) => number;
  if (o.average === 'weighted') {
    if (support === 0) return { precision: o.zeroDivision, recall: o.zeroDivision, fScore: o.zeroDivision, support };
    avg = (v) => sumOf(v.length, (i) => v[i] * truth[i]) / support;
  } else {
    avg = (v) => sumOf(v.length, (i) => v[i]) / v.length;
  }
  return { precision: avg(precision), recall: avg(recall), fScore: avg(fScore), support };
}

function one(fn: string, yTrue: ArrayLike<number>, yPred: ArrayLike<number>, o: PrfOptions, key: 'precision' | 'recall' | 'fScore'): number | number[] {
  const r = precisionRecallFscoreSupport(yTrue, yPred, o);
  if ((o.average ?? 'binary') === 'none') return (r as PrfSupport)[key];
  return (r as Record<typeof key, number>)[key];
}

/** Precision tp / (tp + fp): scikit-learn's precision_score (default `average: 'binary'`; `'none'` gives one per class). */
export function precisionScore(yTrue: ArrayLike<number>, yPred: ArrayLike<number>, options: PrfOptions = {}): number | number[] {
  return one('precisionScore', yTrue, yPred, options, 'precision');
}

/** Recall tp / (tp + fn): scikit-learn's recall_score. */
export function recallScore(yTrue: ArrayLike<number>, yPred: ArrayLike<number>, options: PrfOptions = {}): number | number[] {
  return one('recallScore', yTrue, yPred, options, 'recall');
}

/** F1, the harmonic mean of precision and recall (F-beta with `beta`): scikit-learn's f1_score. */
export function f1Score(yTrue: ArrayLike<number>, yPred: ArrayLike<number>, options: PrfOptions = {}): number | number[] {
  return one('f1Score', yTrue, yPred, options, 'fScore');
}

