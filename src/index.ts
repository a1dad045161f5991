// descent: gradient descent with SIMD WebAssembly kernels. Public API, re-exports only.
export { init, backendInfo, type BackendInfo, type InitOptions, type BackendName } from './runtime/index.js';
export { Dataset, type Matrix, type FromArraysOptions } from './data/dataset.js';
export { parseNumericCSV, type NumericTable } from './data/csv.js';
export { Model, type ModelKind, type Evaluation } from './models/model.js';
export { linear } from './models/linear.js';
export { logistic } from './models/logistic.js';
export { softmax } from './models/softmax.js';
export { train, type TrainOptions, type TrainResult, type EpochRecord, type StopReason, type BatchOption } from './train.js';
export {
  optimizer, optimizerNames, Optimizer,
  type OptimizerOptions, type OptimizerName, type SgdOptions, type AdamOptions, type AdamWOptions,
} from './optim/index.js';
export { Rng } from './rng.js';
export { DescentError, ShapeError, DataError, HyperParameterError, BackendError, DisposedError } from './errors.js';
