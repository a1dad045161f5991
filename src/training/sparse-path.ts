// Which update path a run on sparse (CSR) rows takes, and the one-time warning when it is the slow one. Text rows
// store a few hundred of 2^18 columns: plain SGD (assembly/sparse.ts), SparseAdam and Adagrad without weight decay
// (assembly/sparse-adaptive.ts) update only the batch's stored entries, in O(stored entries); every other rule, and
// those with an L2 term or a tool of the batch loop (clipping, L1, averaging, gradient noise) that needs the whole
// gradient, take the dense-update path: O(features) per batch — 2^18 weights, moments and all, for every row at
// batch 1, which is ~10× slower than scikit-learn on the spam corpus and nothing would say why.
import { HYPER_SLOTS } from '../backends/abi.generated.js';
import type { Trainable } from '../models/trainable.js';
import type { Plan } from './options.js';

/** Features of sparse data above which a dense-update run warns. */
export const DENSE_UPDATE_WARN_FEATURES = 2 ** 16;

/** The update path of a run: 'sgd' (lazily scaled plain SGD), 'adaptive' (SparseAdam, Adagrad) or 'dense'. */
export type SparsePath = 'sgd' | 'adaptive' | 'dense';

/** What would force the dense path whatever the rule: the batch loop's tools that need the whole gradient. */
function loopTools(p: Plan): string | null {
  if (p.clipNorm > 0 || p.clipValue > 0) return 'gradient clipping';
  if (p.l1Mode !== 0) return 'an L1 penalty';
  if (p.avgStart > 0) return 'averaging';
  if (p.noise !== null) return 'gradient noise';
  return null;
}

/** The path a run on sparse rows takes (the conditions of assembly/train.ts sparseLazy and sparseAdaptive). */
export function sparsePath(p: Plan, model: Trainable): SparsePath {
  if (model.runFields().net || loopTools(p) !== null) return 'dense';
  const h = p.resolved.hyper, name = p.resolved.spec.name;
  if (name === 'sgd') return h[HYPER_SLOTS.sgd.momentum] === 0 && h[HYPER_SLOTS.sgd.weightDecay] === 0 ? 'sgd' : 'dense';
  if (p.l2 !== 0) return 'dense';
  if (name === 'sparseAdam' || (name === 'adagrad' && h[HYPER_SLOTS.adagrad.weightDecay] === 0)) return 'adaptive';
  return 'dense';
}

let warned = false;

/** @internal Tests: the warning may be printed again. */
export function resetDenseUpdateWarning(): void {
  warned = false;
}

/**
 * Warns once per process when a run on sparse rows with more than 2^16 features takes the dense-update path:
 * what it costs and what to use instead. Async runs (Hogwild!) are plain SGD, never dense.
 */
export function warnDenseUpdate(p: Plan, model: Trainable, sparse: boolean): void {
  if (warned || !sparse || p.async || model.features <= DENSE_UPDATE_WARN_FEATURES || sparsePath(p, model) !== 'dense') return;
  warned = true;
  const name = p.resolved.spec.name;
  const h = p.resolved.hyper;
  const why = loopTools(p) ?? (name === 'sgd' ? (h[HYPER_SLOTS.sgd.momentum] !== 0 ? 'momentum' : 'weight decay')
    : p.l2 !== 0 ? 'an L2 term' : name === 'adagrad' ? 'weight decay' : null);
  console.warn(`descent: '${name}'${why ? ` with ${why}` : ''} on sparse data updates all ${model.size.toLocaleString('en-US')} ` +
    `parameters at every step (O(features) per batch, where the rows store a few hundred entries each; tens of times ` +
    `slower at batch 1). { name: 'sparseAdam' }, { name: 'adagrad' } or plain { name: 'sgd' }${why ? ` without ${why}` : ''} ` +
    'update only the rows\' stored entries; train() picks sparseAdam when no optimizer is given.');
}
