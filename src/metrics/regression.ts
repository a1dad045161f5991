// Regression metrics with scikit-learn's definitions (sklearn.metrics 1.2), in f64.
import { vector, sumOf } from './arrays.js';

function pair(yTrue: ArrayLike<number>, yPred: ArrayLike<number>): [ArrayLike<number>, ArrayLike<number>] {
  const t = vector('yTrue', yTrue);
  return [t, vector('yPred', yPred, t.length)];
}

/** Mean absolute error, mean |y − ŷ|. */
export function meanAbsoluteError(yTrue: ArrayLike<number>, yPred: ArrayLike<number>): number {
  const [t, p] = pair(yTrue, yPred);
  return sumOf(t.length, (i) => Math.abs(p[i] - t[i])) / t.length;
}

/** Mean squared error, mean (y − ŷ)². */
export function meanSquaredError(yTrue: ArrayLike<number>, yPred: ArrayLike<number>): number {
  const [t, p] = pair(yTrue, yPred);
  return sumOf(t.length, (i) => (t[i] - p[i]) ** 2) / t.length;
}

/** Root mean squared error, √MSE (in the target's units). */
export function rootMeanSquaredError(yTrue: ArrayLike<number>, yPred: ArrayLike<number>): number {
  return Math.sqrt(meanSquaredError(yTrue, yPred));
}

/**
 * Coefficient of determination 1 − SS_res / SS_tot (scikit-learn's r2_score). Constant targets: 1 when the
 * predictions are exact, else 0.
 */
export function r2Score(yTrue: ArrayLike<number>, yPred: ArrayLike<number>): number {
  const [t, p] = pair(yTrue, yPred);
  const n = t.length;
  const mean = sumOf(n, (i) => t[i]) / n;
  const res = sumOf(n, (i) => (t[i] - p[i]) ** 2);
  const tot = sumOf(n, (i) => (t[i] - mean) ** 2);
  if (tot === 0) return res === 0 ? 1 : 0;
  return 1 - res / tot;
}
