// Residual blocks y = x + f(x) in a network program: a residualOpen record before f's records and a
// residualClose record after them (abi.json layerKinds). The open record's output is its input (f reads
// the block's input in place); its backward runs after f's and adds the two paths' gradients. Elementwise
// f32 additions: both builds give the same bits, and x + f equals PyTorch's f + x (addition commutes).
import { L_X, L_Y, L_DX, L_DY, L_OUT_SIZE, RESIDUAL_OPEN_OUT_GRAD, RESIDUAL_CLOSE_SKIP } from "./abi.generated";
import { int, wsAt, wsOpt } from "./slots";

/** out[i] = a[i] + b[i] for i < n. */
export function addF32(out: usize, a: usize, b: usize, n: i32): void {
  for (let i = 0; i < n; i++) {
    const o = <usize>i << 2;
    store<f32>(out + o, load<f32>(a + o) + load<f32>(b + o));
  }
}

/** Forward: nothing to do (the record's y is its x). */
export function residualOpenLayerForward(L: usize, ws: usize, params: usize, stats: usize, n: i32, training: bool, pack: usize, rng: usize): void {}

/** dx (n, size) = dy (the gradient through f, written by f's first layer) + the gradient of the block's output. */
export function residualOpenLayerBackward(L: usize, ws: usize, params: usize, g: usize, n: i32, training: bool, pack: usize): void {
  const dx = wsOpt(ws, L, L_DX);
  if (dx != 0) addF32(dx, wsAt(ws, L, L_DY), wsAt(ws, L, RESIDUAL_OPEN_OUT_GRAD), n * int(L, L_OUT_SIZE));
}

/** y (n, size) = skip + x, x being f's output. */
export function residualCloseLayerForward(L: usize, ws: usize, params: usize, stats: usize, n: i32, training: bool, pack: usize, rng: usize): void {
  addF32(wsAt(ws, L, L_Y), wsAt(ws, L, RESIDUAL_CLOSE_SKIP), wsAt(ws, L, L_X), n * int(L, L_OUT_SIZE));
}

/** The gradient of f's output is the block's: dx = dy. */
export function residualCloseLayerBackward(L: usize, ws: usize, params: usize, g: usize, n: i32, training: bool, pack: usize): void {
  const dx = wsOpt(ws, L, L_DX);
  if (dx != 0) memory.copy(dx, wsAt(ws, L, L_DY), <usize>(n * int(L, L_OUT_SIZE)) << 2);
}
