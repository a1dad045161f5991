// descent train --stream: out-of-core training for CSV files larger than memory. One pass computes the
// standardization over the training rows (csvStats), every epoch reads the file again in chunks
// (csvBatches → trainStream), and two more passes evaluate the training and test rows. Only a chunk is
// in memory at a time. The test set is every 5th row (as in memory), picked by row index as the file
// streams by; rows stay in file order, so the model equals the in-memory one with --no-shuffle, unless
// --shuffle-buffer passes them through trainStream's seeded shuffle buffer (for files sorted by label).
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { DataError } from '../errors.js';
import { csvBatches, csvStats, type CSVBatchOptions } from '../data/stream.js';
import { builtinCatalog, isBuiltinName } from '../data/catalog.js';
import { evaluateStream, trainStream } from '../partial.js';
import type { TrainOptions } from '../train.js';
import { numberFlag, UsageError, type Parsed } from './args.js';
import { chooseModel, classesFlag, delimiterFlag, lossFromFlags, makeModel, Progress, type ProgressMode, modelFlag } from './common.js';
import { printHeader, type DataSummary, type TrainRun } from './report.js';
import { checkBatch, defaultEpochs, standardizeFlag } from './preprocess.js';

/** The file to stream: a path, or a built-in dataset's file in the package's data/ folder. */
function streamPath(arg: string): { path: string; name: string } {
  if (existsSync(arg)) return { path: arg, name: arg };
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
  if (v.labels === 'integer' && v.classes === undefined) {
    throw new UsageError('descent train: with --stream, class names need --classes (the file cannot be read ahead to collect them)');
  }
  // Flags that need the whole file (or a rewrite of it) are refused by name rather than ignored.
  for (const flag of ['schedule', 'l1', 'elastic-net', 'clip-norm', 'validation', 'early-stopping', 'columns', 'drop', 'onehot']) {
    if (v[flag] !== undefined) throw new UsageError(`descent train: --${flag} needs the data in memory; drop --stream`);
  }
  const batch = options.batch === 'stochastic' ? 1 : options.batch ?? 32;
  // Chunks hold whole mini-batches, so the steps are those of the in-memory run in file order.
  const want = numberFlag('train', 'chunk', v.chunk, 4096, { integer: true, min: 1 });
  const chunk = batch * Math.max(1, Math.ceil(want / batch));
  const shuffleBuffer = v['shuffle-buffer'] === undefined ? undefined
    : numberFlag('train', 'shuffle-buffer', v['shuffle-buffer'], 0, { integer: true, min: 1 });
  const { path, name } = streamPath(arg);
  const split = !v['no-split'];
  const csv: CSVBatchOptions = {
    target: v.target as string | undefined, header: !v['no-header'], delimiter: delimiterFlag(v),
    missing: (v.missing as 'error' | 'drop' | undefined) ?? 'error', classes: classesFlag(v), batch: chunk, source: name,
  };
  if (v.labels === 'none') csv.labels = 'none';
  const trainRows = split ? (r: number) => r % 5 !== 0 : undefined;
  const testRows = (r: number) => r % 5 === 0;

  const stats = await csvStats(path, { ...csv, filter: trainRows });
  const { kind, classes } = chooseModel('train', modelFlag(v), {
    classes: stats.classes, integer: stats.yIntegers, min: stats.yMin, max: stats.yMax, target: null,
  });
  const standardize = standardizeFlag('train', v) ? { mean: stats.mean, std: stats.std } : undefined;
  const data: DataSummary = {
    name: `${name} (streamed, ${chunk} rows at a time)`, features: stats.mean.length, target: stats.target,
    classNames: stats.classes, featureNames: stats.featureNames, builtin: isBuiltinName(arg) && !existsSync(arg) ? builtinCatalog[arg] : undefined,
  };
  if (v.batch !== undefined) checkBatch('train', options.batch, stats.rows);
  const opts: TrainOptions = { ...options, batch, shuffle: shuffleBuffer !== undefined, schedule: undefined, epochs: options.epochs ?? defaultEpochs(stats.rows, batch) };
  const note = `${split ? `train ${stats.rows} rows, test = rows whose index is divisible by 5` : `all ${stats.rows} rows (no split)`}` +
    `${standardize ? ", standardized with the training set's mean and std" : ''}; ` +
    `${shuffleBuffer === undefined ? 'rows in file order' : `rows shuffled through a ${shuffleBuffer}-row buffer (seed ${opts.seed})`}`;
  const model = makeModel('train', kind, data.features, classes, lossFromFlags('train', v), v);
  try {
    printHeader(out, data, note, model, classes, opts, backend);
    const progress = new Progress(mode, opts.epochs!);
    let best = Infinity, noChange = 0, stoppedEarly = false;
    let result;
    try {
      result = await trainStream(model, () => csvBatches(path, { ...csv, filter: trainRows, standardize }), {
        optimizer: opts.optimizer, l2: opts.l2, batch, epochs: opts.epochs, shuffleBuffer, seed: opts.seed,
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
    const trainEval = await evaluateStream(model, csvBatches(path, { ...csv, filter: trainRows, standardize }));
    const testEval = split ? await evaluateStream(model, csvBatches(path, { ...csv, filter: testRows, standardize })) : undefined;
    return {
      data: { ...data, rows: trainEval.rows + (testEval?.rows ?? 0) }, model, kind, classes, options: opts,
      trainRows: trainEval.rows, testRows: testEval?.rows ?? 0,
      history: result.history, stopReason: stoppedEarly ? 'tol' : result.stopReason,
      divergedAt: result.stopReason === 'diverged' ? result.history.length + 1 : undefined,
      steps: result.steps, ms: result.ms, trainEval, testEval, stats: standardize, yRange: [stats.yMin, stats.yMax],
    };
  } catch (e) {
    model.dispose();
    throw e;
  }
}
