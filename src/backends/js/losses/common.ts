// What every loss twin shares, as assembly/losses/common.ts: the last step (mean, L2 penalty) that turns
// the summed row losses and gradients into the kernel's result. (Rows are read inline: idx[r] * d.)
import { dotF32, axpbyF32 } from '../linalg.js';

/** Every kernel's last step: scales the gradient by 1/m, adds l2·W, returns the mean loss plus (l2/2)‖W‖². */
export function finish(grad: Float32Array, params: Float32Array, nW: number, nB: number, count: number, l2: number, lossSum: number): number {
  const inv = count > 0 ? 1 / count : 0;
  axpbyF32(grad, inv, l2, params, nW);
  for (let c = nW; c < nW + nB; c++) grad[c] *= inv;
  const pen = l2 !== 0 ? 0.5 * l2 * dotF32(params, 0, params, 0, nW) : 0;
  return (count > 0 ? lossSum / count : 0) + pen;
}
