// The metrics evaluate(ds, { metrics }) reports, from a model's predictions and probabilities on a dataset:
// one function for linear models and networks, so both give the same figures for the same outputs.
import { HyperParameterError } from '../errors.js';
import { onlyKeys, show } from '../validate.js';
import { accuracyScore, confusionMatrix, precisionRecallFscoreSupport, type PrfSupport } from './classification.js';
import { logLoss, rocAuc, topKAccuracy } from './scores.js';
import { meanAbsoluteError, r2Score, rootMeanSquaredError } from './regression.js';

/** The metrics of classifiers. */
export const classificationMetrics = ['accuracy', 'precision', 'recall', 'f1', 'confusionMatrix', 'rocAuc', 'logLoss', 'topKAccuracy'] as const;
/** The metrics of regression. */
export const regressionMetrics = ['mae', 'rmse', 'r2'] as const;
/** A metric evaluate() can report. */
export type MetricName = (typeof classificationMetrics)[number] | (typeof regressionMetrics)[number];

/** Options of evaluate(ds, options). */
export interface EvaluateOptions {
  /** The metrics to report in `metrics` (see {@link MetricsReport}). */
  metrics?: readonly MetricName[];
  /** k of `'topKAccuracy'` (default 2, as scikit-learn). */
  k?: number;
}

/** One precision, recall or F1: each class's, and the three averages. */
export interface ClassScores {
  /** One per class, label 0 first. */
  perClass: number[];
  /** The unweighted mean over classes. */
  macro: number;
  /** From the total true positives, false positives and false negatives. */
  micro: number;
  /** The mean over classes weighted by their true rows (support). */
  weighted: number;
}

/**
 * What evaluate(ds, { metrics }) adds, in f64, with scikit-learn's definitions (labels 0..classes-1, a class
 * absent from the data included with zero scores, as sklearn.metrics with `labels=range(classes)`).
 */
export interface MetricsReport {
  /** The classes scored (0..classes-1), the rows and columns of the confusion matrix. */
  labels?: number[];
  /** True rows of each class. */
  support?: number[];
  accuracy?: number;
  precision?: ClassScores;
  recall?: ClassScores;
  f1?: ClassScores;
  /** Rows: true class; columns: predicted class. */
  confusionMatrix?: number[][];
  /** Binary ROC AUC, or one-vs-rest macro average; null when a class has no rows (undefined, as scikit-learn says). */
  rocAuc?: number | null;
  /** One-vs-rest ROC AUC weighted by support (multiclass only); null when undefined. */
  rocAucWeighted?: number | null;
  logLoss?: number;
  topKAccuracy?: { k: number; value: number };
  mae?: number;
  rmse?: number;
  r2?: number;
}

/** The outputs a report is computed from; probabilities only when a requested metric needs them. */
export interface ReportInputs {
  task: 'classification' | 'regression';
  /** Number of classes (2 for a binary classifier). */
  classes: number;
  yTrue: ArrayLike<number>;
  predict(): ArrayLike<number>;
  /** rows × classes, or rows × 1 (P(y = 1)) for a binary classifier; null when the model has none. */
  proba(): ArrayLike<number> | null;
}

/** Checks evaluate()'s options before anything is computed; returns the metric names (none: undefined). */
export function checkEvaluateOptions(options: EvaluateOptions | undefined, task: 'classification' | 'regression'): readonly MetricName[] | undefined {
  if (options === undefined) return undefined;
  if (options === null || typeof options !== 'object') throw new HyperParameterError('evaluate', `options must be an object, got ${show(options)}`);
  onlyKeys('evaluate', options, ['metrics', 'k']);
  const allowed: readonly string[] = task === 'regression' ? regressionMetrics : classificationMetrics;
  const m = options.metrics;
  if (m === undefined) return undefined;
  if (!Array.isArray(m)) throw new HyperParameterError('metrics', `must be an array of metric names, got ${show(m)}`);
  for (const name of m) {
    if (!allowed.includes(name)) {
      throw new HyperParameterError('metrics', `${show(name)} is not a ${task} metric; expected ${allowed.map((a) => `'${a}'`).join(', ')}`);
    }
  }
  if (options.k !== undefined && !(Number.isInteger(options.k) && options.k >= 1)) throw new HyperParameterError('k', `must be an integer ≥ 1, got ${show(options.k)}`);
  return m;
}

/** Computes the requested metrics. */
export function metricsReport(names: readonly MetricName[], inp: ReportInputs, k = 2): MetricsReport {
  const r: MetricsReport = {};
  const want = new Set<string>(names);
  const pred = inp.predict();
  if (inp.task === 'regression') {
    if (want.has('mae')) r.mae = meanAbsoluteError(inp.yTrue, pred);
    if (want.has('rmse')) r.rmse = rootMeanSquaredError(inp.yTrue, pred);
    if (want.has('r2')) r.r2 = r2Score(inp.yTrue, pred);
    return r;
  }
  const labels = Array.from({ length: inp.classes }, (_, i) => i);
  const perClass = ['precision', 'recall', 'f1'].some((n) => want.has(n));
  if (perClass || want.has('confusionMatrix')) r.labels = labels;
  if (want.has('accuracy')) r.accuracy = accuracyScore(inp.yTrue, pred);
  if (perClass) {
    const all = precisionRecallFscoreSupport(inp.yTrue, pred, { average: 'none', labels }) as PrfSupport;
    const avg = (a: 'micro' | 'macro' | 'weighted') => precisionRecallFscoreSupport(inp.yTrue, pred, { average: a, labels }) as
      { precision: number; recall: number; fScore: number };
    const m = { micro: avg('micro'), macro: avg('macro'), weighted: avg('weighted') };
    const scores = (key: 'precision' | 'recall' | 'fScore'): ClassScores =>
      ({ perClass: all[key], macro: m.macro[key], micro: m.micro[key], weighted: m.weighted[key] });
    r.support = all.support;
    if (want.has('precision')) r.precision = scores('precision');
    if (want.has('recall')) r.recall = scores('recall');
    if (want.has('f1')) r.f1 = scores('fScore');
  }
  if (want.has('confusionMatrix')) r.confusionMatrix = confusionMatrix(inp.yTrue, pred, { labels });
  if (want.has('rocAuc') || want.has('logLoss') || want.has('topKAccuracy')) {
    const p = inp.proba();
    if (!p) throw new HyperParameterError('metrics', 'rocAuc, logLoss and topKAccuracy need probabilities, and this model has none (a hinge loss)');
    if (want.has('rocAuc')) {
      const absent = labels.some((l) => !Array.prototype.some.call(inp.yTrue, (y: number) => y === l));
      const auc = (average: 'macro' | 'weighted') => (absent ? null : rocAuc(inp.yTrue, p, { average, labels }));
      r.rocAuc = auc('macro');
      if (inp.classes > 2) r.rocAucWeighted = auc('weighted');
    }
    if (want.has('logLoss')) r.logLoss = logLoss(inp.yTrue, p);
    if (want.has('topKAccuracy')) r.topKAccuracy = { k, value: topKAccuracy(inp.yTrue, p, k) };
  }
  return r;
}
