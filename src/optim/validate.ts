// Checks that only optimizers need (Adam-family betas). The neutral helpers live in src/validate.ts and are
// re-exported here so the optimizer specs keep one import line; code outside optim/ imports src/validate.ts.
import { HyperParameterError } from '../errors.js';
import { num, show } from '../validate.js';

export { bool, int, num, onlyKeys, show } from '../validate.js';

/**
 * Adam-family `betas`: a pair [β1, β2], each in [0, 1) as PyTorch requires; errors name
 * `optimizer.betas`, `optimizer.betas[0]` or `optimizer.betas[1]`.
 */
export function betas(path: string, v: unknown, def: readonly [number, number]): [number, number] {
  if (v === undefined) return [def[0], def[1]];
  if (!Array.isArray(v) || v.length !== 2) {
    throw new HyperParameterError(path, `must be a pair [beta1, beta2], got ${show(v)}`);
  }
  return [num(`${path}[0]`, v[0], def[0], { min: 0, lt: 1 }), num(`${path}[1]`, v[1], def[1], { min: 0, lt: 1 })];
}
