// Sparse data for trainInWorker (client.ts): CSR rows or a sparse Dataset, checked as Dataset.fromSparse checks
// them and copied into fresh typed arrays that the job transfers (the worker rebuilds them with Dataset.fromSparse).
import { toTargets, type Dataset } from '../data/dataset.js';
import { checkCsr, isSparseRows, type SparseRows } from '../data/sparse.js';
import { ShapeError } from '../errors.js';

/** A sparse Dataset (it has CSR rows to copy out). */
export function isSparseDataset(d: unknown): d is Dataset & { csr: { indptr: Int32Array; indices: Int32Array; values: Float32Array; rows: number } } {
  return d !== null && typeof d === 'object' && (d as { sparse?: unknown }).sparse === true && 'csr' in (d as object);
}

/**
 * A sparse set (CSR rows, or a sparse Dataset) checked as Dataset.fromSparse checks it and copied into fresh typed
 * arrays, which are then transferred (the caller's arrays are never detached). Null for dense data.
 */
export function sparseSet(set: unknown, features: number | undefined, what: string): { x: Float32Array; y: Float32Array; csr: { indptr: Int32Array; indices: Int32Array }; rows: number; features: number } | null {
  if (isSparseDataset(set)) {
    const c = set.csr;
    return { x: c.values, y: set.y.slice(), csr: { indptr: c.indptr, indices: c.indices }, rows: c.rows, features: set.features };
  }
  const s = set as { x?: unknown; y?: ArrayLike<number>; features?: number };
  if (!isSparseRows(s.x)) return null;
  const d = features ?? s.features;
  if (d === undefined) throw new ShapeError(`${what}.features is needed with CSR rows (the number of columns)`);
  const c = checkCsr(s.x as SparseRows, d, `${what}.x`);
  return { x: c.values, y: toTargets(s.y as ArrayLike<number>, c.rows, d, `${what}.y`).slice(), csr: { indptr: c.indptr, indices: c.indices }, rows: c.rows, features: d };
}

