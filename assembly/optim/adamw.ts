// AdamW, as torch.optim.AdamW: decoupled weight decay p ← p·(1 − lr·λ), then the Adam step on the
// unchanged gradient. Hyper-parameter block and state as Adam (adam.ts); PyTorch's default λ is 0.01.
import { adamCore } from "./adam";

/** One AdamW step over parameters [lo, hi) of n (a thread's range, or 0..n); increments the step count (slot t). State as Adam. */
export function adamwStep(params: usize, grads: usize, state: usize, n: i32, h: usize, lo: i32, hi: i32): void {
  adamCore(params, grads, state, n, h, lo, hi, true);
}
