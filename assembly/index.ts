// The exports of the descent kernels, nothing else: what src/backends/wasm.ts adapts to the Backend
// interface. Everything else is internal to the binary.
export { dotF32, axpyF32, iotaI32 } from "./linalg";
export { clipGradNorm, clipGradValue, addGradNoise } from "./gradtools";
export { optimStep } from "./optim/index.generated";
export { lossGrad, runBatches, forward } from "./train";

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
export { headSoftmax, headLogistic, headSquared, headSoftmaxSeq } from "./heads";
export { attentionForward, attentionBackward } from "./attention";
export { positionalForward, positionalBackward } from "./positional";
export { convPackFloats, conv2dForward, conv2dBackwardWeights, conv2dBackwardInput, conv2dDirectForward } from "./conv";
export { maxPool2dForward, maxPool2dBackward, avgPool2dForward, avgPool2dBackward } from "./pooling";
export { batchNormForward, batchNormBackward } from "./batchnorm";
export { poolWork } from "./threads";
export { spinPolls } from "./barrier";
export { hogwildBatches } from "./hogwild";
export { colMoments, standardizeF32 } from "./preprocess";
export { gemmPart } from "./gemm";
export { gatherInput } from "./rowgather";
