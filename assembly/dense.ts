// The dense layer over a network record (abi.json layerKinds `dense`): y = act(x·Wᵀ + b) on the last axis,
// the activation fused into the product's epilogue when the next layer's derivative needs only its output.
import { L_X, L_Y, L_DX, L_DY, DENSE_W, DENSE_B, DENSE_ACT, DENSE_SLOPE, DENSE_INPUTS, DENSE_POSITIONS, DENSE_UNITS } from "./abi.generated";
import { colSum } from "./gemm";
import { parGemmNT, parGemmNN, parGemmTN } from "./pargemm";
import { int, slot, wsAt, wsOpt, paramAt } from "./slots";

/** x is (n·P, inSize) for P positions per row, W is (outSize, inSize), b is (outSize): y (n·P, outSize) = act(x·Wᵀ + b). */
export function denseLayerForward(L: usize, ws: usize, params: usize, stats: usize, n: i32, training: bool, pack: usize, rng: usize): void {
  const inSize = int(L, DENSE_INPUTS), outSize = int(L, DENSE_UNITS), m = n * int(L, DENSE_POSITIONS);
  parGemmNT(wsAt(ws, L, L_Y), wsAt(ws, L, L_X), paramAt(params, L, DENSE_W), m, outSize, inSize, inSize, inSize, outSize, 0,
    paramAt(params, L, DENSE_B), int(L, DENSE_ACT), <f32>slot(L, DENSE_SLOPE), pack);
}

/**
 * dy is (n·P, outSize), the gradient of the pre-activation (a fused activation's record ran before, in place):
 * dW (outSize, inSize) = dyᵀ·x, db (outSize) = column sums of dy, dx (n·P, inSize) = dy·W.
 */
export function denseLayerBackward(L: usize, ws: usize, params: usize, g: usize, n: i32, training: bool, pack: usize): void {
  const inSize = int(L, DENSE_INPUTS), outSize = int(L, DENSE_UNITS), m = n * int(L, DENSE_POSITIONS);
  const dy = wsAt(ws, L, L_DY), dx = wsOpt(ws, L, L_DX), gb = paramAt(g, L, DENSE_B);
  parGemmTN(paramAt(g, L, DENSE_W), dy, wsAt(ws, L, L_X), outSize, inSize, m, outSize, inSize, inSize, 0, pack);
  if (gb != 0) colSum(gb, dy, m, outSize, outSize, 0);
  if (dx != 0) parGemmNN(dx, dy, paramAt(params, L, DENSE_W), m, inSize, outSize, outSize, inSize, inSize, 0, pack);
}
