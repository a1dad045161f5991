// descent: gradient descent with SIMD WebAssembly kernels. The core entry ('descent-ml' in browsers and bundlers):
// what the README teaches, browser-safe, re-exports only. The rest has its own entry, so a newcomer reads one page:
// data generators in descent-ml/synthetic (synthetic.ts), charts in descent-ml/plot (plot/index.ts), files and
// streams in descent-ml/node (node.ts, which Node also gets for 'descent-ml'), workers in descent-ml/worker.

// Backends.
export { init, backendInfo, type BackendInfo, type InitOptions, type BackendName } from './runtime/index.js';

// Data in memory.
export { Dataset, type Matrix, type FromArraysOptions, type FromCSVOptions, type DatasetMeta } from './data/dataset.js';
export type { SplitOptions } from './data/split-rows.js';
export type { CSVOptions, ColumnRef, LabelMode, MissingPolicy } from './data/csv/options.js';
export type { BuiltinName } from './data/catalog.js';
export { SparseDataset } from './data/dataset.js';
export { ByteDataset, type FromBytesOptions } from './data/bytes.js';
export type { AugmentOptions } from './training/augment.js';
export type { SparseRows, FromSparseOptions, FromTextOptions, CheckedCsr } from './data/sparse.js';
export { imageToRow, type ImageSource, type CanvasLike, type ImageRowOptions, type RgbaImage, type ImageFolderOptions } from './data/image.js';

// Models, and the one way to save and load them: model.toJSON() and Model.fromJSON(json | text).
export {
  Model, type ModelKind, type Evaluation, type ModelJSON, type RegressionLoss, type ClassifierLoss,
} from './models/linear/model.js';
export { linear, logistic, softmax, type LinearOptions, type LogisticOptions } from './models/linear/families.js';
export {
  Network, sequential, type SequentialOptions, type LayerSpec, type NetworkLoss, type InitName,
  type LayerWeights, type LayerWeightsInput, type LayerPath, type NetworkJSON,
} from './models/network/network.js';
export { mlp, type MlpOptions } from './models/network/mlp.js';
export { gpt, gptLayers, type GptOptions } from './models/network/gpt.js';
export { NetworkSummary, type SummaryLayer } from './models/network/summary.js';
export type { Trainable } from './models/trainable.js';
export { Preprocessing, type PreprocessingStats, type PreprocessingJSON, type SavedPreprocessing } from './models/preprocessing.js';

// Metrics on plain arrays (scikit-learn's definitions, f64); evaluate(ds, { metrics }) reports them for a model.
export {
  accuracyScore, confusionMatrix, precisionRecallFscoreSupport, precisionScore, recallScore, f1Score, rocAuc, logLoss,
  topKAccuracy, meanAbsoluteError, meanSquaredError, rootMeanSquaredError, r2Score, classificationMetrics, regressionMetrics,
  type Average, type PrfOptions, type PrfSupport, type RocAucOptions, type MetricName, type EvaluateOptions, type ClassScores,
  type MetricsReport, type ScoreMatrix,
} from './metrics/index.js';

// Training, saving and resuming a run.
export {
  train, Trainer, type TrainOptions, type TrainResult, type EpochRecord, type StopReason, type BatchOption,
  type PenaltyName, type GradNoiseOptions, type EpochContext,
} from './training/train.js';
export type { TrainState, JsonNumber } from './training/state.js';
export type { TrainerView } from './training/options.js';
// What a saved run holds as its model (TrainState.model, Checkpoint.model): Model.fromJSON or Network.fromJSON reads it.
export type { TrainableJSON } from './models/trainable.js';
export type { Checkpoint, CheckpointOptions } from './training/checkpoint-options.js';
// train({ threads }) keeps its worker threads for the next run; they end after THREAD_IDLE_MS idle, or now.
export { disposeThreads, THREAD_IDLE_MS } from './threads/idle.js';

// Online and out-of-core training.
export {
  partialFit, resetPartialFit, trainStream,
  type Batch, type BatchSource, type PartialFitOptions, type PartialFitResult, type TrainStreamOptions,
  type TrainStreamResult, type StreamEpochRecord, type StreamBatchInfo,
} from './training/partial.js';
export { evaluateStream, type StreamEvaluation } from './training/evaluate-stream.js';
export { shuffleBatches, type ShuffleBufferOptions, type ShuffledBatch } from './data/shuffle.js';

// Optimizers and learning-rate schedules.
export {
  optimizer, optimizerNames, optimizerDefaults, Optimizer,
  type OptimizerOptions, type OptimizerName, type SgdOptions, type AdamOptions, type AdamWOptions,
  type AdagradOptions, type AdadeltaOptions, type RmspropOptions, type AdamaxOptions, type NadamOptions,
  type RadamOptions, type LionOptions,
} from './optim/index.js';
export type { SparseAdamOptions } from './optim/sparseAdam.js';
export { createSchedule, Schedule } from './optim/schedules.js';
export {
  scheduleNames, type ScheduleOptions, type ScheduleName, type ScheduleContext, type ScheduleUnit, type WarmupOptions,
  type EpochMetrics, type ConstantSchedule, type StepSchedule, type MultiStepSchedule, type ExponentialSchedule,
  type InvScalingSchedule, type OptimalSchedule, type CosineSchedule, type OneCycleSchedule, type PlateauSchedule,
  type ScheduleState,
} from './optim/schedule-options.js';

// Any objective.
export {
  minimize, type ObjectiveFn, type MinimizeOptions, type MinimizeResult, type MinimizeStopReason, type StepRecord,
} from './minimize.js';

// Errors.
export { DescentError, ShapeError, DataError, HyperParameterError, BackendError, DisposedError } from './errors.js';

// Sequences: the stated length limit of recurrent inputs, and left padding of token-id sequences.
export { MAX_SEQUENCE_STEPS } from './models/layers/embedding.js';
export { padSequences } from './models/network/tokens.js';
// Interchange: safetensors files with PyTorch's state_dict names (ONNX export, built on protobufjs, is in the Node entry).
export { toSafetensors, networkFromSafetensors, loadSafetensors, type LoadSafetensorsOptions } from './interchange/torch-state.js';
export { encodeSafetensors, decodeSafetensors, type SafeTensor, type TensorToWrite, type DecodedSafetensors, type WritableDtype } from './interchange/safetensors.js';
