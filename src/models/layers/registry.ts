// The layer registry: one line per layer module. Adding a layer adds its module and its line here (see
// CONTRIBUTING.md, "Adding a layer"); ./index.ts derives the lookup by type and the spec union from it.
export { dense } from './dense.js';
export { relu, leakyRelu, tanh, sigmoid, gelu } from './activation.js';
export { dropout } from './dropout.js';
export { flatten } from './flatten.js';
export { reshape } from './reshape.js';
export { conv2d } from './conv2d.js';
export { maxPool2d, avgPool2d } from './pool2d.js';
export { batchNorm } from './batchNorm.js';
export { embedding } from './embedding.js';
export { gru, lstm } from './recurrent.js';
export { layerNorm } from './layerNorm.js';
export { residual } from './residual.js';
export { positionalEmbedding } from './positionalEmbedding.js';
export { attention } from './attention.js';
