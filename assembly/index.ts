// The exports of the descent kernels, nothing else.
export { dotF32, axpyF32, axpbyF32, iotaI32 } from "./linalg";
export { lossGradSquared, lossGradLogistic, lossGradSoftmax } from "./losses";
export { lossGradHinge, lossGradSquaredHinge, lossGradModifiedHuber, lossGradHuber, lossGradEpsilonInsensitive } from "./losses";
export { clipGradNorm, clipGradValue, addGradNoise, lnPortable, norm1, l1Cumulative, l1PseudoGrad, l1Project, averageStep } from "./gradtools";
export { sgdStep } from "./optim/sgd";
export { adamStep } from "./optim/adam";
export { adamwStep } from "./optim/adamw";
export { adagradStep } from "./optim/adagrad";
export { adadeltaStep } from "./optim/adadelta";
export { rmspropStep } from "./optim/rmsprop";
export { adamaxStep } from "./optim/adamax";
export { nadamStep } from "./optim/nadam";
export { radamStep } from "./optim/radam";
export { lossGrad, optimStep, runBatches } from "./train";

/** Allocates n bytes, 16-byte aligned, from the runtime's TLSF heap. Memory may grow. */
export function alloc(n: usize): usize {
  return heap.alloc(n);
}

/** Frees a block returned by alloc. */
export function free(ptr: usize): void {
  heap.free(ptr);
}
export { gemmPackFloats, gemmNT, gemmNN, gemmTN, colSum } from "./gemm";
export { actForward, actBackward, mulF32, dropoutMask } from "./activations";
export { headSoftmax, headLogistic, headSquared } from "./heads";
