// Evaluation metrics on plain arrays, with scikit-learn's definitions, in f64: label metrics, score metrics
// and regression metrics, and the report evaluate(ds, { metrics }) builds from them.
export {
  accuracyScore, confusionMatrix, precisionRecallFscoreSupport, precisionScore, recallScore, f1Score,
  type Average, type PrfOptions, type PrfSupport,
} from './classification.js';
export { rocAuc, logLoss, topKAccuracy, type RocAucOptions } from './scores.js';
export { meanAbsoluteError, meanSquaredError, rootMeanSquaredError, r2Score } from './regression.js';
export {
  classificationMetrics, regressionMetrics, type MetricName, type EvaluateOptions, type ClassScores, type MetricsReport,
} from './report.js';
export type { ScoreMatrix } from './arrays.js';
