// What `descent train` prints about a run and its data, shared by the in-memory run (train.ts), the streaming run
// (stream.ts) and `descent compare`. Its own module so that train.ts can load stream.ts lazily without the two
// importing each other.
import type { TrainOptions, TrainResult } from '../training/train.js';
import type { BuiltinInfo } from '../data/catalog.js';
import type { Evaluation } from '../models/linear/model.js';
import { isRegression, type CliKind, type CliModel } from './kinds.js';
import type { LoadedData } from './data.js';

/** What the data summary line needs. */
export interface DataSummary {
  name: string;
  /** Rows (all of them; undefined when streaming and not counted yet). */
  rows?: number;
  features: number;
  target: string | null;
  classNames?: readonly string[];
  featureNames: readonly string[];
  dropped?: number;
  imputed?: number;
  builtin?: BuiltinInfo;
  /** Columns one-hot encoded by --onehot, with their categories. */
  onehot?: { column: string; categories: string[] }[];
}

/** The summary of parsed data. */
export function summaryOf(data: LoadedData): DataSummary {
  const t = data.table;
  return {
    name: data.name, rows: t.rows, features: t.features, target: t.target, classNames: t.classes, featureNames: t.featureNames,
    dropped: t.dropped, imputed: t.imputed, builtin: data.builtin, ...(data.onehot ? { onehot: data.onehot } : {}),
  };
}

/** One line describing the data. */
export function dataLine(d: DataSummary, kind: string, classes: number): string {
  const target = d.target === null ? '' : `, target "${d.target}"`;
  const names = d.classNames;
  const task = classes < 2 ? 'regression' : `${classes} classes${names ? ` (${names.slice(0, 6).join(', ')}${names.length > 6 ? ', …' : ''})` : ''}`;
  const extra = [d.dropped ? `${d.dropped} rows dropped for missing values` : '', d.imputed ? `${d.imputed} cells filled with column means` : ''].filter(Boolean).join(', ');
  return `${d.name}: ${d.rows !== undefined ? `${d.rows} rows × ` : ''}${d.features} features${target}, ${task}${extra ? `; ${extra}` : ''}`;
}

/** scikit-learn's figures for a built-in, as one line. */
export function referenceLine(d: DataSummary): string | undefined {
  const b = d.builtin;
  if (!b) return undefined;
  const r = b.reference;
  const m = b.metric === 'r2' ? 'R²' : 'accuracy';
  const parts = [r.logistic !== undefined ? `logistic regression ${r.logistic.toFixed(4)}` : '', r.sgd !== undefined ? `SGD ${r.sgd.toFixed(4)}` : '',
    r.mlp !== undefined ? `MLP ${r.mlp.toFixed(4)}` : '', r.leastSquares !== undefined ? `least squares ${r.leastSquares.toFixed(4)}` : ''].filter(Boolean);
  if (!parts.length) return undefined;
  return `scikit-learn 1.2.1 test ${m} on this split: ${parts.join(', ')}`;
}

/** One training run, however the data were read: what the report, --save and --plot need. */
export interface TrainRun {
  data: DataSummary;
  model: CliModel;
  kind: CliKind;
  classes: number;
  options: TrainOptions;
  trainRows: number;
  testRows: number;
  history: { epoch: number; loss: number; ms: number; lr: number; samples: number; valLoss?: number }[];
  /** Training rows held out by --validation (scored every epoch), when any. */
  validationRows?: number;
  /** With --validation: the epoch of the best validation loss (its parameters restored with --early-stopping). */
  bestEpoch?: number;
  stopReason: TrainResult['stopReason'];
  divergedAt?: number;
  steps: number;
  ms: number;
  trainEval: Evaluation;
  testEval?: Evaluation;
  stats?: { mean: ArrayLike<number>; std: ArrayLike<number> };
  /** The regression target's scaling, when the model learnt (y − mean) / std. */
  targetScale?: { mean: number; std: number };
  /** The target's range, for the hint on unscaled regression targets. */
  yRange: [number, number];
  /** A text run (--text): the column and the vectorizer, saved with the model (training.text) for descent predict. */
  text?: { column: string; vectorizer: Record<string, unknown> };
}

/** Prints the header lines of a run. */
export function printHeader(out: (s: string) => void, d: DataSummary, note: string, model: CliModel, classes: number, o: TrainOptions, backend: string): void {
  const opt = o.optimizer!;
  const kind = model.kind === 'sequential'
    ? `network (${model.layers.map((l) => l.type).join(' → ')}; ${model.size} parameters, ${model.loss} loss)` : model.kind;
  const loss = model.kind === 'sequential' || model.loss === 'squared' || model.loss === 'logistic' || model.loss === 'softmax' ? '' : ` (${model.loss} loss${model.epsilon ? `, ε ${model.epsilon}` : ''})`;
  out(`data    ${dataLine(d, kind, classes)}`);
  out(`split   ${note}`);
  out(`model   ${kind}${kind === 'softmax' ? ` (${classes} classes)` : ''}${loss} · ${opt.name} lr ${opt.lr}${o.schedule && o.schedule.name !== 'constant' ? ` (${o.schedule.name} schedule)` : ''} · batch ${o.batch} · ` +
    `up to ${o.epochs} epochs${o.nIterNoChange ? ` (early stop after ${o.nIterNoChange} without improvement of ${o.tol})` : ''} · ` +
    `${o.shuffle === false ? 'file order' : `seed ${o.seed}`} · ${backend}`);
}
