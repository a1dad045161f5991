// Evaluation over a stream of batches with bounded memory (the streaming twin of Model.evaluate).
import { DataError } from '../errors.js';
import { Dataset } from '../data/dataset.js';
import type { BatchSource } from '../data/batch.js';
import type { Evaluation, Trainable } from '../models/trainable.js';

/** What {@link evaluateStream} returns: Model.evaluate's figures over every row of the stream. */
export interface StreamEvaluation extends Evaluation {
  /** Rows evaluated. */
  rows: number;
}

/**
 * Evaluates `model` on a stream of batches with bounded memory: the mean loss (as Model.evaluate,
 * without penalty), and accuracy (classifiers) or R² (regression) over all rows, accumulated batch by
 * batch. Equal to Model.evaluate on the concatenated rows up to the order of summation.
 */
export async function evaluateStream(model: Trainable, source: BatchSource): Promise<StreamEvaluation> {
  let rows = 0, labels = 0, lossSum = 0, correct = 0, ssRes = 0, ySum = 0, ySq = 0;
  for await (const batch of source) {
    const ds = batch instanceof Dataset ? batch : Dataset.fromArraysOn(model.paramsBlock.backend, batch?.x, batch?.y, { features: model.features });
    try {
      const e = model.evaluate(ds);
      const n = ds.rows;
      rows += n;
      lossSum += e.loss * n;
      const y = ds.y;
      if (model.task === 'regression') {
        const pred = model.predict(ds.x);
        for (let i = 0; i < n; i++) {
          ssRes += (y[i] - pred[i]) ** 2;
          ySum += y[i];
          ySq += y[i] * y[i];
        }
      } else correct += Math.round(e.accuracy! * y.length); // over labels: one per position of a sequence model
      labels += y.length;
    } finally {
      if (ds !== batch) ds.dispose();
    }
  }
  if (rows === 0) throw new DataError('evaluateStream: the stream held no rows');
  const out: StreamEvaluation = { loss: lossSum / rows, rows };
  if (model.task === 'regression') {
    const ssTot = ySq - (ySum * ySum) / rows;
    out.r2 = ssTot > 0 ? 1 - ssRes / ssTot : 0;
  } else out.accuracy = correct / labels;
  return out;
}
