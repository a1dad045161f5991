// descent train --metrics: scikit-learn's metrics on the test set (the training set with --no-split), printed
// as a per-class table and a confusion matrix, or carried in the --json result.
import type { EvaluateOptions, MetricName, MetricsReport } from '../metrics/report.js';
import type { CliModel } from './kinds.js';
import type { Flags, Parsed } from './args.js';
import { table } from './common.js';

/** The --metrics flag. */
export const METRICS_FLAGS: Flags = {
  metrics: { type: 'boolean', help: 'after training, print precision, recall and F1 per class, their averages, log loss, ROC AUC and the confusion matrix on the test set (regression: MAE, RMSE, R²); --json carries them' },
};

/** evaluate()'s options for --metrics (undefined without the flag): every metric the model supports. */
export function metricsOptions(v: Parsed['values'], model: CliModel): EvaluateOptions | undefined {
  if (!v.metrics) return undefined;
  if (model.task === 'regression') return { metrics: ['mae', 'rmse', 'r2'] };
  const labels: MetricName[] = ['accuracy', 'precision', 'recall', 'f1', 'confusionMatrix'];
  const hinge = model.loss === 'hinge' || model.loss === 'squaredHinge';
  return { metrics: hinge ? labels : [...labels, 'logLoss', 'rocAuc'] };
}

const f4 = (v: number | null | undefined) => (v === null || v === undefined ? 'n/a' : v.toFixed(4));

/** The report as text lines: the per-class table, the scores, the confusion matrix. */
export function metricsText(m: MetricsReport, where: string, classNames?: readonly string[]): string {
  if (m.mae !== undefined) return `metrics (${where})  MAE ${f4(m.mae)} · RMSE ${f4(m.rmse)} · R² ${f4(m.r2)}`;
  const labels = m.labels ?? [];
  const name = (l: number) => classNames?.[l] ?? String(l);
  const lines = [`metrics (${where})`];
  const p = m.precision!, r = m.recall!, f = m.f1!;
  const total = (m.support ?? []).reduce((a, b) => a + b, 0);
  lines.push(table(['class', 'precision', 'recall', 'f1', 'support'], [
    ...labels.map((l, i) => [name(l), f4(p.perClass[i]), f4(r.perClass[i]), f4(f.perClass[i]), String(m.support![i])]),
    ...(['macro', 'micro', 'weighted'] as const).map((a) => [`${a} avg`, f4(p[a]), f4(r[a]), f4(f[a]), String(total)]),
  ]));
  const scores = [`accuracy ${f4(m.accuracy)}`];
  if (m.logLoss !== undefined) scores.push(`log loss ${f4(m.logLoss)}`);
  if (m.rocAuc !== undefined) {
    scores.push(labels.length > 2 ? `ROC AUC one-vs-rest macro ${f4(m.rocAuc)}, weighted ${f4(m.rocAucWeighted)}` : `ROC AUC ${f4(m.rocAuc)}`);
    if (m.rocAuc === null) scores.push('(n/a: a class has no rows)');
  }
  lines.push(scores.join(' · '));
  if (m.confusionMatrix) {
    lines.push('confusion matrix (rows: true class, columns: predicted class)');
    lines.push(table(['', ...labels.map(name)], m.confusionMatrix.map((row, i) => [name(labels[i]), ...row.map(String)])));
  }
  return lines.join('\n');
}
