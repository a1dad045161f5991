// descent: gradient descent with SIMD WebAssembly kernels. Public API, re-exports only.
export { init, backendInfo, type BackendInfo, type InitOptions, type BackendName } from './runtime/index.js';
export { Dataset, type Matrix, type FromArraysOptions } from './data/dataset.js';
export {
  Model, loadModel, type ModelKind, type Evaluation, type ModelJSON, type RegressionLoss, type ClassifierLoss,
} from './models/model.js';
export { linear, type LinearOptions } from './models/linear.js';
export { logistic, type LogisticOptions } from './models/logistic.js';
export { softmax } from './models/softmax.js';
export {
  train, Trainer, type TrainOptions, type TrainResult, type EpochRecord, type StopReason, type BatchOption,
  type PenaltyName, type GradNoiseOptions, type EpochContext,
} from './train.js';
export type { TrainState } from './state.js';
export {
  createSchedule, scheduleNames, Schedule, type ScheduleOptions, type ScheduleName, type ScheduleContext,
  type ScheduleUnit, type WarmupOptions, type ConstantSchedule, type StepSchedule, type MultiStepSchedule,
  type ExponentialSchedule, type InvScalingSchedule, type OptimalSchedule, type CosineSchedule, type OneCycleSchedule,
  type PlateauSchedule,
} from './optim/schedules.js';
export {
  minimize, type ObjectiveFn, type MinimizeOptions, type MinimizeResult, type MinimizeStopReason, type StepRecord,
} from './minimize.js';
export {
  optimizer, optimizerNames, Optimizer,
  type OptimizerOptions, type OptimizerName, type SgdOptions, type AdamOptions, type AdamWOptions,
} from './optim/index.js';
export { Rng } from './rng.js';
export { DescentError, ShapeError, DataError, HyperParameterError, BackendError, DisposedError } from './errors.js';
