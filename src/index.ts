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
  optimizer, optimizerNames, optimizerDefaults, Optimizer,
  type OptimizerOptions, type OptimizerName, type SgdOptions, type AdamOptions, type AdamWOptions,
  type AdagradOptions, type AdadeltaOptions, type RmspropOptions, type AdamaxOptions, type NadamOptions,
  type RadamOptions, type LionOptions,
} from './optim/index.js';
export { Rng } from './rng.js';
export { DescentError, ShapeError, DataError, HyperParameterError, BackendError, DisposedError } from './errors.js';
// The training toolkit: schedules, the Trainer and its saved state, minimize, model save/load and loss options.
export { loadModel, type ModelJSON, type RegressionLoss, type ClassifierLoss } from './models/model.js';
export type { LinearOptions } from './models/linear.js';
export type { LogisticOptions } from './models/logistic.js';
export { Trainer, type PenaltyName, type GradNoiseOptions, type EpochContext } from './train.js';
export type { TrainState } from './state.js';
export {
  createSchedule, scheduleNames, Schedule, type ScheduleOptions, type ScheduleName, type ScheduleContext,
  type ScheduleUnit, type WarmupOptions, type EpochMetrics, type ConstantSchedule, type StepSchedule,
  type MultiStepSchedule, type ExponentialSchedule, type InvScalingSchedule, type OptimalSchedule, type CosineSchedule,
  type OneCycleSchedule, type PlateauSchedule,
} from './optim/schedules.js';
export {
  minimize, type ObjectiveFn, type MinimizeOptions, type MinimizeResult, type MinimizeStopReason, type StepRecord,
} from './minimize.js';

// Data, online training and charts (browser-safe; the Node entry adds files and streams: src/node.ts).
export { type DatasetMeta, type FromCSVOptions } from './data/dataset.js';
export {
  parseCSV, formatCSV, DEFAULT_MISSING_VALUES,
  type CSVOptions, type CSVTable, type ColumnRef, type LabelMode, type MissingPolicy,
} from './data/csv.js';
export { builtinNames, builtinCatalog, type BuiltinName, type BuiltinInfo, type ReferenceScores } from './data/catalog.js';
export {
  makeRegression, makeClassification, regressionChunks, classificationChunks, csvChunks,
  type SyntheticData, type RegressionData, type RegressionOptions, type ClassificationOptions,
} from './data/synthetic.js';
export {
  PartialFitter, partialFit, resetPartialFit, trainStream, evaluateStream,
  type Batch, type BatchSource, type PartialFitOptions, type PartialFitResult, type TrainStreamOptions,
  type TrainStreamResult, type StreamEpochRecord, type StreamBatchInfo, type StreamEvaluation,
} from './partial.js';
export { shuffleBatches, ShuffleBuffer, shuffleRng, type ShuffleBufferOptions, type ShuffledBatch } from './data/shuffle.js';
export { modelToJSON, modelFromJSON, parseSavedModel, MODEL_FORMAT, type SavedModel, type ModelExtras } from './models/io.js';
export {
  renderChart, lossChart, convergenceChart, PALETTE,
  type Panel, type Series, type ChartOptions, type RunHistory, type LossAxis, type LossChartOptions,
} from './plot/svg.js';
