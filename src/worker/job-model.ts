// The model of a trainInWorker job (client.ts), validated without allocating, and the targets checked against it:
// one per row, or, for a network with a label at each position (outputs [T, classes] under 'softmax') or several
// regression outputs, the number per row the network takes.
import { toRowTargets, toTargets } from '../data/matrix.js';
import { ShapeError, HyperParameterError } from '../errors.js';
import type { ModelKind } from '../models/linear/model.js';
import type { SequentialOptions } from '../models/network/network.js';
import { mlpOptions } from '../models/network/mlp.js';
import { validateSequential } from '../models/network/sequential-options.js';
import type { Job, ModelSpec } from './protocol.js';

const KINDS: readonly ModelKind[] = ['linear', 'logistic', 'softmax'];

/** A job's model, its parameter count, and the targets per row it takes (as the network's own check counts them). */
export interface JobModel {
  model: Job['model'];
  size: number;
  perRow: number;
}

/** Validates the model spec (a network's layers included) without allocating. */
export function prepareModel(given: ModelSpec, features: number): JobModel {
  const spec = typeof given === 'string' ? { kind: given } : given;
  if (spec && typeof spec === 'object' && (spec.kind === 'sequential' || spec.kind === 'mlp')) {
    let options: SequentialOptions;
    if (spec.kind === 'mlp') {
      const { kind: _k, ...rest } = spec;
      options = mlpOptions({ ...rest, features });
    } else {
      const { kind: _k, ...rest } = spec;
      options = { ...rest, inputShape: rest.inputShape ?? [features] };
      const product = options.inputShape.reduce((a, b) => a * b, 1);
      if (product !== features) throw new ShapeError(`model.inputShape [${options.inputShape.join(', ')}] holds ${product} values but the data has ${features} features`);
    }
    const v = validateSequential(options);
    const out = v.layers[v.layers.length - 1].outShape;
    const outputs = out.reduce((a, b) => a * b, 1);
    const perRow = options.loss === 'softmax' ? (out.length === 2 ? out[0] : 1) : outputs;
    return { model: { kind: 'sequential', options }, size: v.nParams, perRow };
  }
  if (!spec || !KINDS.includes((spec as { kind: ModelKind }).kind)) {
    throw new HyperParameterError('model', `must be one of ${KINDS.join(', ')}, { kind, classes }, { kind: 'mlp', hidden, … } or { kind: 'sequential', layers, loss }, got ${JSON.stringify(given)}`);
  }
  const kind = (spec as { kind: ModelKind }).kind;
  const classes = kind === 'softmax' ? (spec as { classes?: number }).classes : undefined;
  if (kind === 'softmax' && !(Number.isInteger(classes) && (classes as number) >= 2)) {
    throw new ShapeError(`softmax: classes must be an integer ≥ 2, got ${classes}`);
  }
  const size = (classes ?? 1) * (features + 1);
  return { model: classes === undefined ? { kind } : { kind, classes }, size, perRow: 1 };
}

/**
 * The targets, checked by the rule of Dataset.fromArrays (the worker would otherwise see coerced values): one per
 * row, or `perRow` per row (flat rows·perRow, or one array per row) for a model that takes several.
 */
export function jobTargets(y: ArrayLike<number>, rows: number, column: number, what: string, perRow: number): Float32Array {
  let checked: Float32Array;
  if (perRow === 1) checked = toTargets(y, rows, column, what);
  else {
    const t = toRowTargets(y, rows, column, what);
    if (t.perRow !== perRow) {
      throw new ShapeError(`${what} has ${t.perRow} target(s) per row (${t.y.length} for ${rows} rows) but the network takes ${perRow} per row: give rows × ${perRow} values`);
    }
    checked = t.y;
  }
  // Keep the caller's own Float32Array so that it can be transferred rather than copied.
  return y instanceof Float32Array ? y : checked;
}
