// descent train --stream: out-of-core training for CSV files larger than memory. One pass computes the
// standardization over the training rows (csvStats), every epoch reads the file again, --read-rows rows at a time
// (csvBatches → trainStream), and two more passes evaluate the training and test rows. Only those rows are
// in memory at a time. The layout, labels, split, standardization, target scaling, batching, epochs and
// learning-rate schedule are the in-memory run's: the test set is every 5th row, picked by row index as
// the file streams by; rows stay in file order, so the model equals the in-memory one with --no-shuffle,
// unless --shuffle-buffer passes them through trainStream's seeded shuffle buffer (for files sorted by label).
// One stated difference: with --missing drop, the test rows are picked by their index in the file, in memory
// by their index among the rows kept.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { DataError } from '../errors.js';
import { csvBatches, csvStats, type CSVBatchOptions } from '../data/csv/stream.js';
import { builtinCatalog, isBuiltinName } from '../data/catalog.js';
import { trainStream } from '../training/partial.js';
import { evaluateStream } from '../training/evaluate-stream.js';
import type { TrainOptions } from '../training/train.js';
import { choiceFlag, numberFlag, UsageError, type Parsed } from './args.js';
import { checkRegularFile, chooseModel, classesFlag, delimiterFlag, lossFromFlags, makeModel, Progress, type LabelSummary, type ProgressMode, modelFlag } from './common.js';
import { headerFlag, integerClasses, sayLayout } from './data.js';
import { isRegression } from './kinds.js';
import type { LabelMode } from '../data/csv/options.js';
import { printHeader, type DataSummary, type TrainRun } from './report.js';
import { checkBatch, defaultEpochs, standardizeFlag } from './preprocess.js';

/** The file to stream: a path, or a built-in dataset's file in the package's data/ folder. */
function streamPath(arg: string): { path: string; name: string } {
  if (existsSync(arg)) {
    checkRegularFile(arg);
    return { path: arg, name: arg };
  }
  if (isBuiltinName(arg) && builtinCatalog[arg].format) {
    throw new UsageError(`descent train: --stream reads CSV files; the built-in ${arg} is binary and fits in memory, drop --stream`);
  }
  if (isBuiltinName(arg)) return { path: fileURLToPath(new URL(`../../data/${arg}.csv`, import.meta.url)), name: arg };
  throw new DataError(`cannot read ${arg}: no such file`);
}

/** Trains by streaming the CSV file; see the module comment. */
export async function streamRun(v: Parsed['values'], arg: string, options: TrainOptions, mode: ProgressMode,
  out: (s: string) => void, backend: string): Promise<TrainRun> {
  if (v['test-fraction'] !== undefined) {
    throw new UsageError('descent train: --test-fraction needs the data in memory; with --stream the test set is every 5th row, or use --no-split');
  }
  if (options.batch === 'full') throw new UsageError("descent train: --batch full needs every row at once; with --stream give a mini-batch size");
  if (v.missing === 'mean') throw new UsageError("descent train: --missing mean needs the whole file first; with --stream use --missing drop");
  // Flags that need the whole file (or a rewrite of it) are refused by name rather than ignored.
  for (const flag of ['l1', 'elastic-net', 'clip-norm', 'validation', 'early-stopping', 'columns', 'drop', 'onehot', 'threads']) {
    if (v[flag] !== undefined) throw new UsageError(`descent train: --${flag} needs the data in memory; drop --stream`);
  }
  const want = numberFlag('train', 'read-rows', v['read-rows'], 4096, { integer: true, min: 1 });
  const shuffleBuffer = v['shuffle-buffer'] === undefined ? undefined
    : numberFlag('train', 'shuffle-buffer', v['shuffle-buffer'], 0, { integer: true, min: 1 });
  const { path, name } = streamPath(arg);
  const builtin = isBuiltinName(arg) && !existsSync(arg) ? builtinCatalog[arg] : undefined;
  const split = !v['no-split'];
  const header = headerFlag('train', v, !!builtin);
  const csv: CSVBatchOptions = {
    target: v.target as string | undefined, header, delimiter: delimiterFlag(v),
    missing: choiceFlag<'error' | 'drop'>('train', 'missing', v.missing, ['error', 'drop'], 'error'),
    labels: choiceFlag<LabelMode>('train', 'labels', v.labels, ['auto', 'none', 'integer'], 'auto'), classes: classesFlag(v), source: name,
  };
  const trainRows = split ? (r: number) => r % 5 !== 0 : undefined;
  const testRows = (r: number) => r % 5 === 0;

  // The first pass: the layout, the class names (from every row, as in memory) and the training rows' statistics.
  const stats = await csvStats(path, { ...csv, filter: trainRows, batch: want });
  sayLayout('train', name, stats, v, header);
  csv.header = stats.header;
  csv.delimiter = stats.delimiter;
  let classNames = stats.classes;
  let summary: LabelSummary = { classes: classNames, integer: stats.yIntegers, min: stats.yMin, max: stats.yMax, target: stats.target };
  const mapped = !classNames && stats.labels ? integerClasses('train', stats.labels, stats.fileRows, stats.target, v.model) : undefined;
  if (mapped) {
    classNames = mapped;
    summary = { classes: mapped, integer: true, min: 0, max: mapped.length - 1, target: stats.target };
  }
  if (classNames) csv.classes = [...classNames];
  const { kind, classes } = chooseModel('train', modelFlag(v), summary);
  const regression = isRegression(kind, classes);
  // As in memory: the features standardized and a regression target scaled with the training rows' statistics.
  const standardize = standardizeFlag('train', v, builtin) ? {
    mean: stats.mean, std: stats.std,
    ...(regression ? { yMean: stats.yMean, yStd: stats.yStd > 0 && Number.isFinite(stats.yStd) ? stats.yStd : 1 } : {}),
  } : undefined;
  // The in-memory run's batching: min(32, training rows) unless --batch, and about 2000 steps unless --epochs.
  if (v.batch !== undefined) checkBatch('train', options.batch, stats.rows);
  const batch = options.batch === 'stochastic' ? 1 : typeof options.batch === 'number' ? options.batch : Math.min(32, stats.rows);
  // Chunks hold whole mini-batches, so the steps are those of the in-memory run in file order.
  const readRows = batch * Math.max(1, Math.ceil(want / batch));
  const data: DataSummary = {
    name: `${name} (streamed, ${readRows} rows at a time)`, rows: stats.fileRows, features: stats.mean.length, target: stats.target,
    classNames, featureNames: stats.featureNames, builtin,
  };
  const opts: TrainOptions = { ...options, batch, shuffle: shuffleBuffer !== undefined, epochs: options.epochs ?? defaultEpochs(stats.rows, batch) };
  const testCount = split ? Math.ceil(stats.fileRows / 5) : 0;
  const note = `${split ? `train ${stats.rows} rows, test ${testCount} rows (test = rows whose index is divisible by 5)` : `all ${stats.rows} rows (no split)`}` +
    `${standardize ? (split ? ", standardized with the training set's mean and std" : ', standardized') : ''}` +
    `${standardize?.yMean !== undefined ? `; target scaled (mean ${fmt(standardize.yMean)}, std ${fmt(standardize.yStd!)}), losses in those units` : ''}; ` +
    `${shuffleBuffer === undefined ? 'rows in file order' : `rows shuffled through a ${shuffleBuffer}-row buffer (seed ${opts.seed})`}`;
  const model = makeModel('train', kind, data.features, classes, lossFromFlags('train', v), v, builtin?.imageShape);
  const batches = (filter: ((r: number) => boolean) | undefined) => csvBatches(path, { ...csv, batch: readRows, filter });
  try {
    printHeader(out, data, note, model, classes, opts, backend);
    const progress = new Progress(mode, opts.epochs!);
    let best = Infinity, noChange = 0, stoppedEarly = false;
    let result;
    try {
      result = await trainStream(model, () => batches(trainRows), {
        optimizer: opts.optimizer, l2: opts.l2, batch, epochs: opts.epochs, shuffleBuffer, seed: opts.seed, standardize: standardize ?? false,
        schedule: opts.schedule, stepsPerEpoch: Math.ceil(stats.rows / batch),
        onEpoch: (rec) => {
          progress.epoch(rec);
          // train()'s rule: an epoch counts as no change unless it beats the best loss by tol.
          if (opts.tol === undefined) return;
          if (rec.loss > best - opts.tol) noChange++;
          else noChange = 0;
          if (rec.loss < best) best = rec.loss;
          if (noChange >= opts.nIterNoChange!) {
            stoppedEarly = true;
            return false;
          }
        },
      });
    } finally {
      progress.done();
    }
    // Raw rows: the model carries the statistics, as in memory.
    const trainEval = await evaluateStream(model, batches(trainRows));
    const testEval = split ? await evaluateStream(model, batches(testRows)) : undefined;
    return {
      data: { ...data, rows: trainEval.rows + (testEval?.rows ?? 0) }, model, kind, classes, options: opts,
      trainRows: trainEval.rows, testRows: testEval?.rows ?? 0,
      history: result.history, stopReason: stoppedEarly ? 'tol' : result.stopReason,
      divergedAt: result.stopReason === 'diverged' ? result.history.length + 1 : undefined,
      steps: result.steps, ms: result.ms, trainEval, testEval,
      stats: standardize ? { mean: standardize.mean, std: standardize.std } : undefined,
      targetScale: standardize?.yMean !== undefined ? { mean: standardize.yMean, std: standardize.yStd! } : undefined,
      yRange: [stats.yMin, stats.yMax],
    };
  } catch (e) {
    model.dispose();
    throw e;
  }
}

function fmt(x: number): string {
  return Number(x.toPrecision(4)).toString();
}
