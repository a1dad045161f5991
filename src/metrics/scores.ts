// Metrics of scores and probabilities with scikit-learn's definitions (sklearn.metrics 1.2): ROC AUC (binary,
// and one-vs-rest averaged over classes), log loss and top-k accuracy, in f64.
import { DataError, HyperParameterError } from '../errors.js';
import { onlyKeys, show } from '../validate.js';
import { labelVector, scoreMatrix, sumOf, uniqueLabels, vector, type ScoreMatrix } from './arrays.js';

/** Area under the ROC curve of scores against 0/1 truth (`isPos(i)`), by the trapezoids of scikit-learn's roc_curve. */
function binaryAuc(n: number, isPos: (i: number) => boolean, score: (i: number) => number, what: string): number {
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => score(b) - score(a));
  let P = 0;
  for (let i = 0; i < n; i++) if (isPos(i)) P++;
  const N = n - P;
  if (P === 0 || N === 0) throw new DataError(`${what}: only one class present in yTrue; ROC AUC is not defined`);
  let tp = 0, fp = 0, prevTpr = 0, prevFpr = 0;
  const parts: number[] = [];
  for (let i = 0; i < n; i++) {
    if (isPos(order[i])) tp++; else fp++;
    // One ROC point per distinct score (tied scores move together).
    if (i + 1 < n && score(order[i + 1]) === score(order[i])) continue;
    const tpr = tp / P, fpr = fp / N;
    parts.push((fpr - prevFpr) * (tpr + prevTpr) / 2);
    prevTpr = tpr;
    prevFpr = fpr;
  }
  return sumOf(parts.length, (i) => parts[i]);
}

/** Options of {@link rocAuc}. */
export interface RocAucOptions {
  /** How one-vs-rest AUCs combine: `'macro'` (default, the mean) or `'weighted'` (by each class's true rows). */
  average?: 'macro' | 'weighted';
  /** The classes of the score columns, in order; default every label in yTrue, sorted (scikit-learn's rule). */
  labels?: readonly number[];
}

/**
 * ROC AUC, scikit-learn's roc_auc_score. Binary: `scores` one per row (the positive class's probability or
 * decision value; yTrue has two labels, the larger positive), or rows × 2 (column 1 is used). Multiclass:
 * rows × k probabilities, one-vs-rest, averaged. A class without true rows makes it undefined: a DataError.
 */
export function rocAuc(yTrue: ArrayLike<number>, scores: ScoreMatrix, options: RocAucOptions = {}): number {
  const t = labelVector('yTrue', yTrue);
  const n = t.length;
  onlyKeys('rocAuc', options, ['average', 'labels']);
  const average = options.average ?? 'macro';
  if (average !== 'macro' && average !== 'weighted') throw new HyperParameterError('rocAuc.average', `must be 'macro' or 'weighted', got ${show(average)}`);
  const { s, k } = scoreMatrix('scores', scores, n);
  const present = uniqueLabels(t);
  if (k <= 2 && (options.labels ?? present).length <= 2) {
    const labels = options.labels ? [...options.labels] : present;
    const pos = labels[labels.length - 1];
    return binaryAuc(n, (i) => t[i] === pos, k === 1 ? (i) => s[i] : (i) => s[i * 2 + 1], 'rocAuc');
  }
  const labels = options.labels ? Array.from(labelVector('labels', options.labels)) : present;
  if (labels.length !== k) {
    throw new DataError(`rocAuc: ${labels.length} classes in ${options.labels ? 'labels' : 'yTrue'} but ${k} score columns; pass { labels } naming the columns' classes`);
  }
  const aucs = labels.map((l, c) => binaryAuc(n, (i) => t[i] === l, (i) => s[i * k + c], `rocAuc (class ${l} against the rest)`));
  if (average === 'macro') return sumOf(k, (c) => aucs[c]) / k;
  const support = labels.map((l) => { let m = 0; for (let i = 0; i < n; i++) if (t[i] === l) m++; return m; });
  return sumOf(k, (c) => aucs[c] * support[c]) / sumOf(k, (c) => support[c]);
}

/**
 * Mean cross-entropy −log p(true class), scikit-learn's log_loss: probabilities clipped to [ε, 1 − ε] (ε the
 * f64 machine epsilon) and each row renormalized. `proba` is rows × k (label c is column c) or, binary, one
 * P(y = 1) per row.
 */
export function logLoss(yTrue: ArrayLike<number>, proba: ScoreMatrix, options: { eps?: number } = {}): number {
  const t = labelVector('yTrue', yTrue);
  const n = t.length;
  onlyKeys('logLoss', options, ['eps']);
  const eps = options.eps ?? 2 ** -52;
  if (typeof eps !== 'number' || !(eps > 0 && eps < 0.5)) throw new HyperParameterError('logLoss.eps', `must be in (0, 0.5), got ${show(eps)}`);
  const { s, k } = scoreMatrix('proba', proba, n);
  const width = k === 1 ? 2 : k;
  const clip = (v: number) => Math.min(1 - eps, Math.max(eps, v));
  return sumOf(n, (r) => {
    if (t[r] >= width) throw new DataError(`logLoss: label ${t[r]} of row ${r} has no probability column (${width} classes)`, { row: r });
    let row: number[];
    if (k === 1) { const p = clip(s[r]); row = [1 - p, p]; } else row = Array.from(s.subarray(r * k, r * k + k), clip);
    let sum = 0;
    for (const v of row) sum += v;
    return -Math.log(row[t[r]] / sum);
  }) / n;
}

/**
 * Fraction of rows whose true class is among the k highest scores (scikit-learn's top_k_accuracy_score; ties
 * go to the higher class index, as its stable sort). `scores` is rows × classes; label c is column c. Binary
 * scores (one per row) with k = 1: score > 0.5 (probabilities) or > 0 (decision values) predicts 1.
 */
export function topKAccuracy(yTrue: ArrayLike<number>, scores: ScoreMatrix, k = 2): number {
  const t = labelVector('yTrue', yTrue);
  const n = t.length;
  if (!Number.isInteger(k) || k < 1) throw new HyperParameterError('k', `must be an integer ≥ 1, got ${show(k)}`);
  const { s, k: m } = scoreMatrix('scores', scores, n);
  let hits = 0;
  if (m === 1) {
    const v = vector('scores', s);
    let lo = Infinity, hi = -Infinity;
    for (let i = 0; i < n; i++) { lo = Math.min(lo, v[i]); hi = Math.max(hi, v[i]); }
    const threshold = lo >= 0 && hi <= 1 ? 0.5 : 0;
    for (let i = 0; i < n; i++) if (k > 1 || (v[i] > threshold ? 1 : 0) === t[i]) hits++;
    return hits / n;
  }
  for (let r = 0; r < n; r++) {
    const c = t[r];
    if (c >= m) throw new DataError(`topKAccuracy: label ${c} of row ${r} has no score column (${m} classes)`, { row: r });
    const sc = s[r * m + c];
    let above = 0;
    for (let j = 0; j < m; j++) if (s[r * m + j] > sc || (s[r * m + j] === sc && j > c)) above++;
    if (above < k) hits++;
  }
  return hits / n;
}
