// Embedding lookup (torch.nn.Embedding): a row holds T token ids as f32 values (validated in TypeScript
// before any call: integers in [0, vocab)); step t's output is row id of the table W (vocab × D).
import { L_X, L_Y, L_DY, EMBEDDING_W, EMBEDDING_STEPS, EMBEDDING_VOCAB, EMBEDDING_DIM, EMBEDDING_PAD_ID, EMBEDDING_STEP_MASK } from "./abi.generated";
import { int, wsAt, wsOpt, paramAt } from "./slots";

/**
 * y (n × T × D) = W[ids]; mask (n × T, or 0 = none) = 1 for a token, 0 for the pad id (−1 = none). An id
 * outside [0, vocab) — which validation rules out — gives zeros rather than a read outside the table.
 */
export function embeddingForward(y: usize, mask: usize, x: usize, W: usize, n: i32, T: i32, D: i32, vocab: i32, padId: i32): void {
  const bytes = <usize>D << 2;
  for (let i = 0, m = n * T; i < m; i++) {
    const id = <i32>load<f32>(x + (<usize>i << 2));
    const dst = y + <usize>i * bytes;
    if (id >= 0 && id < vocab) memory.copy(dst, W + <usize>id * bytes, bytes);
    else memory.fill(dst, 0, bytes);
    if (mask != 0) store<f32>(mask + (<usize>i << 2), id == padId ? 0 : 1);
  }
}

/**
 * gW (vocab × D, overwritten) = Σ over steps of dy[step] into row id, in step order; the pad id's row gets
 * no gradient (torch's padding_idx).
 */
export function embeddingBackward(gW: usize, dy: usize, x: usize, n: i32, T: i32, D: i32, vocab: i32, padId: i32): void {
  memory.fill(gW, 0, <usize>(vocab * D) << 2);
  const bytes = <usize>D << 2;
  for (let i = 0, m = n * T; i < m; i++) {
    const id = <i32>load<f32>(x + (<usize>i << 2));
    if (id < 0 || id >= vocab || id == padId) continue;
    const g = gW + <usize>id * bytes, d = dy + <usize>i * bytes;
    for (let j = 0; j < D; j++) {
      const o = <usize>j << 2;
      store<f32>(g + o, load<f32>(g + o) + load<f32>(d + o));
    }
  }
}

// The embedding layer over a network record (abi.json layerKinds `embedding`).

/** x is (n, T) token ids: y (n, T, D) = W[ids], and the step mask when the layer has a pad id. */
export function embeddingLayerForward(L: usize, ws: usize, params: usize, stats: usize, n: i32, training: bool, pack: usize, rng: usize): void {
  embeddingForward(wsAt(ws, L, L_Y), wsOpt(ws, L, EMBEDDING_STEP_MASK), wsAt(ws, L, L_X), paramAt(params, L, EMBEDDING_W), n,
    int(L, EMBEDDING_STEPS), int(L, EMBEDDING_DIM), int(L, EMBEDDING_VOCAB), int(L, EMBEDDING_PAD_ID));
}

/** dW (vocab, D) = dy (n, T, D) scattered to the rows' ids (the pad's row gets none); ids have no gradient. */
export function embeddingLayerBackward(L: usize, ws: usize, params: usize, g: usize, n: i32, training: bool, pack: usize): void {
  embeddingBackward(paramAt(g, L, EMBEDDING_W), wsAt(ws, L, L_DY), wsAt(ws, L, L_X), n, int(L, EMBEDDING_STEPS),
    int(L, EMBEDDING_DIM), int(L, EMBEDDING_VOCAB), int(L, EMBEDDING_PAD_ID));
}
