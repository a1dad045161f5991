// The checks a dataset passes before a model trains on it or is evaluated on it: shape, liveness, the
// same backend, and targets the loss can use. Shared by the linear models and the networks.
import { DataError, DisposedError, ShapeError } from '../errors.js';
import type { Backend } from '../backends/backend.js';
import type { Dataset } from '../data/dataset.js';

/** What the targets must be: class indices in [0, k), 0/1 labels, or any finite value. */
export type LabelRule = number | 'binary' | 'values';

/**
 * Throws a typed error when `ds` does not suit a model of `features` inputs on `backend` whose loss needs
 * `rule` targets, `perRow` of them per row (a sequence model's T positions). Labels are scanned once per
 * dataset and rule (targets never change after construction).
 */
export function checkLabels(ds: Dataset, backend: Backend, features: number, who: string, rule: LabelRule, perRow = 1): void {
  if (ds.features !== features) {
    throw new ShapeError(`the dataset has ${ds.features} features but the ${who} model expects ${features}`);
  }
  if (ds.targetsPerRow !== perRow) {
    const want = perRow === 1 ? 'one target per row' : `${perRow} targets per row (a label at each of its ${perRow} positions)`;
    throw new ShapeError(`the dataset has ${ds.targetsPerRow} targets per row but the ${who} model takes ${want}`);
  }
  if (ds.xBlock.disposed) throw new DisposedError('the dataset was disposed');
  if (ds.sparse && who === 'network') throw new ShapeError('a network takes dense rows; sparse (CSR) datasets train the linear models');
  if (ds.xBlock.backend !== backend) {
    throw new DisposedError(`the dataset lives on backend ${ds.xBlock.backend.name} but the model on ${backend.name}; create both after the same init()`);
  }
  if (rule === 'values') return;
  const key = rule === 'binary' ? 'logistic' : `classes:${rule}`;
  if (ds.labelsChecked.has(key)) return;
  const y = ds.yBlock.view;
  for (let r = 0; r < y.length; r++) {
    const v = y[r];
    if (rule === 'binary' ? v !== 0 && v !== 1 : !(Number.isInteger(v) && v >= 0 && v < rule)) {
      const want = rule === 'binary' ? '0 or 1' : `an integer class in [0, ${rule - 1}]`;
      const row = Math.floor(r / perRow), at = perRow > 1 ? `row ${row}, position ${r - row * perRow}` : `row ${r}`;
      throw new DataError(`label at ${at} is ${v}; a ${who} model needs ${want}`, { row, column: ds.features });
    }
  }
  ds.labelsChecked.add(key);
}
