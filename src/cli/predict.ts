// descent predict: apply a saved model to raw CSV rows. The saved standardization is applied first,
// columns are matched by name when the file has the model's feature names, and when the file holds
// the target the metric is reported (computed by Model.evaluate, as train reports it).
import { DataError } from '../errors.js';
import { Dataset } from '../data/dataset.js';
import { csvHeader, csvLayout } from '../data/csv/read.js';
import { f32Text } from '../data/csv/format.js';
import { readTextFile } from '../data/node.js';
import { modelFromJSON, parseSavedModel, type SavedModel } from '../models/io.js';
import { helpText, parseCommand, EXIT, UsageError, type Flags } from './args.js';
import { CSV_FLAGS, RUN_FLAGS, checkRegularFile, delimiterFlag, describeEval, expectPositionals, readData, startBackend } from './common.js';
import { headerFlag, loadData } from './data.js';
import type { OneHotColumn } from '../data/csv/onehot.js';

const FLAGS: Flags = {
  target: CSV_FLAGS.target,
  delimiter: CSV_FLAGS.delimiter,
  header: CSV_FLAGS.header,
  'no-header': CSV_FLAGS['no-header'],
  missing: CSV_FLAGS.missing,
  backend: RUN_FLAGS.backend,
  json: { type: 'boolean', help: 'print one JSON object: predictions and, with a target column, the metrics' },
  quiet: { type: 'boolean', short: 'q', help: 'do not print the metric line on stderr' },
  text: { type: 'string', value: 'COLUMN', help: 'a model trained with --text: the column holding the texts', def: 'the column name it was trained on' },
};

/** Help of `descent predict`. */
export const PREDICT_HELP = helpText(
  'descent predict <MODEL.json> <DATA> [options]',
  'Prints one prediction per row of DATA (a CSV file or a built-in dataset) with a model saved by descent train --save:\n' +
  'a value (linear), or a class (its name when the model was trained on class names). Features are standardized\n' +
  "with the training set's statistics saved in the model. When DATA has the target column (by the saved name, or\n" +
  'one column more than the features), the loss and accuracy or R² follow on stderr. When DATA is the data the model\n' +
  'was trained on, every row is still predicted, and the metric line says so and adds the figures of the test rows alone.',
  FLAGS,
);

/** Reads and checks a saved model file. */
function readModel(path: string): SavedModel {
  checkRegularFile(path);
  const text = readTextFile(path);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new DataError(`${path}: not valid JSON (${(e as Error).message})`);
  }
  return parseSavedModel(json, path);
}

/**
 * Which column of DATA is the target (null: none) and which are the features: by the saved names
 * when the header has them all, else by position (features, then optionally the target last).
 */
function layout(header: string[], hasHeader: boolean, s: SavedModel, targetFlag: string | undefined, data: string): { target: string | number | null; features?: string[] } {
  const byName = hasHeader && s.featureNames !== undefined && s.featureNames.every((n) => header.includes(n));
  let target: string | number | null;
  if (targetFlag !== undefined) target = targetFlag;
  else if (hasHeader && s.target !== undefined && header.includes(s.target)) target = s.target;
  else if (byName) target = null; // every feature found by name, and no target column among the rest
  else if (header.length === s.features + 1) target = -1;
  else if (header.length === s.features) target = null;
  else throw new DataError(`${data} has ${header.length} columns, but the model takes ${s.features} features (plus, optionally, the target)`);
  return byName ? { target, features: s.featureNames } : { target };
}

/** The --onehot encoding a model was trained with (kept in its training notes). */
function savedOneHot(s: SavedModel, source: string): OneHotColumn[] | undefined {
  const o = s.training?.onehot;
  if (o === undefined) return undefined;
  const ok = Array.isArray(o) && o.every((c) => c && typeof c.column === 'string' && Array.isArray(c.categories) && c.categories.every((k: unknown) => typeof k === 'string'));
  if (!ok) throw new DataError(`${source}: not a descent model: training.onehot must be a list of { column, categories }`);
  return o as OneHotColumn[];
}

/** When DATA is the data a model was trained on: how many of its rows were training rows, and the test rows' figures. */
interface TrainedOn {
  trainingRows?: number;
  test?: { rows: number; loss: number; accuracy?: number; r2?: number };
  note: string;
}

/**
 * Whether DATA is the model's own training data (by the name saved in training.data), and if so what its
 * figures mean: with the default split the test rows (index divisible by 5) are scored apart.
 */
function trainedOn(saved: SavedModel, dataArg: string, ds: Dataset, model: { evaluate(d: Dataset): { loss: number; accuracy?: number; r2?: number } }): TrainedOn | undefined {
  const name = saved.training?.data;
  if (typeof name !== 'string' || name.replace(/ \(streamed, .*\)$/, '') !== dataArg) return undefined;
  const split = saved.training?.split as { test?: string; every?: number } | undefined;
  if (split?.test === 'none') return { trainingRows: ds.rows, note: 'every row was a training row (the model was trained with --no-split)' };
  if (split?.test === 'every' && split.every === 5 && ds.rows >= 2) {
    const parts = ds.split({ every: 5 });
    try {
      const e = model.evaluate(parts.test);
      return {
        trainingRows: parts.train.rows, test: { rows: parts.test.rows, ...e },
        note: `${parts.train.rows} of these rows trained the model; on the ${parts.test.rows} test rows alone (index divisible by 5): ${describeEval(e)}`,
      };
    } finally {
      parts.train.dispose();
      parts.test.dispose();
    }
  }
  return { note: `${dataArg} is the data the model was trained on: these figures include its training rows` };
}

/** `descent predict`. Returns the exit code. */
export async function predictCommand(argv: string[]): Promise<number> {
  const parsed = parseCommand('predict', argv, FLAGS, PREDICT_HELP);
  if (!parsed) return EXIT.ok;
  const { values: v, positionals } = parsed;
  expectPositionals('predict', positionals, 2, 2, positionals.length === 1 ? 'DATA (a CSV file or a built-in dataset)' : 'MODEL.json and DATA');
  const [modelPath, dataArg] = positionals;
  if (!modelPath.endsWith('.json') && dataArg.endsWith('.json')) {
    throw new UsageError('descent predict: the model comes first: descent predict MODEL.json DATA');
  }
  const saved = readModel(modelPath);
  await startBackend('predict', v.backend);
  // A text model carries its vectorizer: the texts are hashed as in training (src/cli/text-predict.ts).
  if (saved.training?.text !== undefined) return (await import('./text-predict.js')).textPredict(saved, modelPath, dataArg, v);
  if (v.text !== undefined) throw new UsageError(`descent predict: --text applies to models trained with descent train --text; ${modelPath} was trained on numeric columns`);
  const src = readData('predict', dataArg);
  // The same layout guesses as train (and Dataset.fromCSV): the delimiter from the first line, a first row of numbers is data.
  const { delimiter, header: hasHeader } = csvLayout(src.text, { delimiter: delimiterFlag(v), header: headerFlag('predict', v, !!src.builtin), source: dataArg });
  let header = csvHeader(src.text, { delimiter, source: dataArg });
  const onehot = savedOneHot(saved, modelPath);
  if (onehot) header = header.flatMap((h) => onehot.find((o) => o.column === h)?.categories.map((k) => `${h}=${k}`) ?? [h]);
  const { target, features } = layout(header, hasHeader, saved, v.target as string | undefined, dataArg);
  const { table: t } = loadData('predict', src, { ...v, header: hasHeader, 'no-header': !hasHeader, labels: saved.classes ? 'integer' : 'auto' },
    { target, features, classes: saved.classes, onehot });
  const x = t.x;
  if (t.features !== saved.features) {
    throw new DataError(`${dataArg} has ${t.features} feature columns, but the model takes ${saved.features}`);
  }
  // The model carries the saved standardization and target scale: raw rows in, the target's units out.
  const model = modelFromJSON(saved, modelPath);
  let ds: Dataset | undefined;
  try {
    const pred = model.predict(x);
    const label = (p: number) => (saved.classes ? saved.classes[p] : saved.kind === 'linear' || saved.loss === 'squared' ? f32Text(p) : String(p));
    let metrics: { loss: number; accuracy?: number; r2?: number } | undefined;
    let trained: TrainedOn | undefined;
    if (t.target !== null) {
      // A model of a scaled target is scored on the scaled target (R² is the same; the loss is in those units).
      ds = Dataset.fromArrays(x, t.y, { features: t.features });
      metrics = model.evaluate(ds);
      trained = trainedOn(saved, dataArg, ds, model);
    }
    if (v.json) {
      process.stdout.write(JSON.stringify({
        event: 'predictions', model: modelPath, data: dataArg, rows: t.rows, target: t.target,
        predictions: Array.from(pred, (p) => (saved.classes ? saved.classes[p] : p)), ...(metrics ?? {}),
        ...(trained ? { trainedOn: true, trainingRows: trained.trainingRows, ...(trained.test ? { test: trained.test } : {}) } : {}),
      }) + '\n');
    } else {
      const lines: string[] = new Array(pred.length);
      for (let i = 0; i < pred.length; i++) lines[i] = label(pred[i]);
      process.stdout.write(lines.join('\n') + '\n');
      if (metrics && !v.quiet) process.stderr.write(`${describeEval(metrics)} on ${t.rows} rows (target "${t.target}")${trained ? `; ${trained.note}` : ''}\n`);
    }
    return EXIT.ok;
  } finally {
    ds?.dispose();
    model.dispose();
  }
}
