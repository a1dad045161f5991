// The dense layer over a network record (abi.json layerKinds `dense`): y = act(x·Wᵀ + b) on the last axis,
// the activation fused into the product's epilogue when the next layer's derivative needs only its output.
import { L_IN_SIZE, L_OUT_SIZE, L_X, L_Y, L_DX, L_DY, DENSE_W, DENSE_B, DENSE_ACT, DENSE_SLOPE } from "./abi.generated";
import { colSum } from "./gemm";
import { parGemmNT, parGemmNN, parGemmTN } from "./pargemm";
import { int, slot, wsAt, wsOpt, paramAt } from "./slots";

/** x is (n, inSize), W is (outSize, inSize), b is (outSize): y (n, outSize) = act(x·Wᵀ + b). */
export function denseLayerForward(L: usize, ws: usize, params: usize, stats: usize, n: i32, training: bool, pack: usize, rng: usize): void {
  const inSize = int(L, L_IN_SIZE), outSize = int(L, L_OUT_SIZE);
  parGemmNT(wsAt(ws, L, L_Y), wsAt(ws, L, L_X), paramAt(params, L, DENSE_W), n, outSize, inSize, inSize, inSize, outSize, 0,
    paramAt(params, L, DENSE_B), int(L, DENSE_ACT), <f32>slot(L, DENSE_SLOPE), pack);
}

/**
 * dy is (n, outSize), the gradient of the pre-activation (a fused activation's record ran before, in place):
 * dW (outSize, inSize) = dyᵀ·x, db (outSize) = column sums of dy, dx (n, inSize) = dy·W.
 */
export function denseLayerBackward(L: usize, ws: usize, params: usize, g: usize, n: i32, training: bool, pack: usize): void {
  const inSize = int(L, L_IN_SIZE), outSize = int(L, L_OUT_SIZE);
  const dy = wsAt(ws, L, L_DY), dx = wsOpt(ws, L, L_DX), gb = paramAt(g, L, DENSE_B);
  parGemmTN(paramAt(g, L, DENSE_W), dy, wsAt(ws, L, L_X), outSize, inSize, n, outSize, inSize, inSize, 0, pack);
  if (gb != 0) colSum(gb, dy, n, outSize, outSize, 0);
  if (dx != 0) parGemmNN(dx, dy, paramAt(params, L, DENSE_W), n, inSize, outSize, outSize, inSize, inSize, 0, pack);
}
