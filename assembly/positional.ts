// A learned positional embedding (GPT-2's wpe): a table P of T × d parameters added to every row of a
// chunk, position by position. Elementwise adds, so the f32x4 loop and the scalar loop compute the same
// values and both builds agree bit for bit.
import { colSum } from "./gemm";
import { L_X, L_Y, L_DX, L_DY, POSITIONAL_EMBEDDING_W, POSITIONAL_EMBEDDING_STEPS, POSITIONAL_EMBEDDING_DIM } from "./abi.generated";
import { int, wsAt, paramAt } from "./slots";

/** y (n,T,d) = x (n,T,d) + P (T,d) broadcast over the n rows; y may be x. */
export function positionalForward(y: usize, x: usize, P: usize, n: i32, T: i32, d: i32): void {
  const m = T * d;
  for (let i = 0; i < n; i++) {
    const xi = x + (<usize>(i * m) << 2), yi = y + (<usize>(i * m) << 2);
    let j = 0;
    if (ASC_FEATURE_SIMD) {
      for (; j + 4 <= m; j += 4) {
        const o = <usize>j << 2;
        v128.store(yi + o, f32x4.add(v128.load(xi + o), v128.load(P + o)));
      }
    }
    for (; j < m; j++) {
      const o = <usize>j << 2;
      store<f32>(yi + o, load<f32>(xi + o) + load<f32>(P + o));
    }
  }
}

/**
 * gP (T,d) = Σ_i dy[i] over the n rows of dy (n,T,d), in row order (overwritten): the table's gradient.
 * The input's gradient is dy itself.
 */
export function positionalBackward(gP: usize, dy: usize, n: i32, T: i32, d: i32): void {
  colSum(gP, dy, n, T * d, T * d, 0);
}

// The positionalEmbedding layer over a network record (abi.json layerKinds `positionalEmbedding`).

/** x, y are (n, T, d): y = x + P. */
export function positionalEmbeddingLayerForward(L: usize, ws: usize, params: usize, stats: usize, n: i32, training: bool, pack: usize, rng: usize): void {
  positionalForward(wsAt(ws, L, L_Y), wsAt(ws, L, L_X), paramAt(params, L, POSITIONAL_EMBEDDING_W), n,
    int(L, POSITIONAL_EMBEDDING_STEPS), int(L, POSITIONAL_EMBEDDING_DIM));
}

/** dP (T, d) = Σ_rows dy; dx = dy. */
export function positionalEmbeddingLayerBackward(L: usize, ws: usize, params: usize, g: usize, n: i32, training: bool, pack: usize): void {
  const T = int(L, POSITIONAL_EMBEDDING_STEPS), d = int(L, POSITIONAL_EMBEDDING_DIM), dy = wsAt(ws, L, L_DY);
  positionalBackward(paramAt(g, L, POSITIONAL_EMBEDDING_W), dy, n, T, d);
  const dxo = int(L, L_DX);
  if (dxo >= 0) memory.copy(ws + (<usize>dxo << 2), dy, <usize>(n * T * d) << 2);
}
