// The metrics descent reports, in f64: one definition shared by Model.evaluate, the trainer's
// validation and the command line.

/** Coefficient of determination 1 − SS_res/SS_tot of predictions against targets; 0 when the targets are constant. */
export function r2Score(pred: ArrayLike<number>, y: ArrayLike<number>): number {
  const n = y.length;
  let mean = 0;
  for (let i = 0; i < n; i++) mean += y[i];
  mean /= n;
  let ssRes = 0, ssTot = 0;
  for (let i = 0; i < n; i++) {
    ssRes += (y[i] - pred[i]) ** 2;
    ssTot += (y[i] - mean) ** 2;
  }
  return ssTot > 0 ? 1 - ssRes / ssTot : 0;
}

/** Fraction of predictions equal to their label. */
export function accuracyScore(pred: ArrayLike<number>, y: ArrayLike<number>): number {
  const n = y.length;
  let correct = 0;
  for (let i = 0; i < n; i++) if (pred[i] === y[i]) correct++;
  return correct / n;
}
