// descent train: read data, split and standardize, train one model with progress, report the metrics,
// and optionally save the model (with its standardization) and plot the loss curve.
import { train, type TrainOptions, type TrainResult } from '../training/train.js';
import { DataError } from '../errors.js';
import type { CSVTable } from '../data/csv/options.js';
import { modelToJSON } from '../models/io.js';
import { lossChart } from '../plot/svg.js';
import type { Evaluation } from '../models/linear/model.js';
import { isRegression, type CliModel } from './kinds.js';
import { helpText, numberFlag, parseCommand, EXIT, UsageError, type Flags, type Parsed } from './args.js';
import {
  CSV_FLAGS, RUN_FLAGS, TRAIN_FLAGS, batchFromFlag, checkNetworkFlags, checkOutputs, checkWritable, chooseModel, describeEval, duration,
  expectPositionals, lossFromFlags, makeModel, optimizerFromFlags, Progress, progressMode, round, startBackend,
  summariseLabels, writeOutput, type ProgressMode, modelFlag } from './common.js';
import { checkBatch, defaultEpochs, prepare, standardizeFlag, type Prepared } from './preprocess.js';
import { TOOLKIT_FLAGS, toolkitFromFlags } from './toolkit.js';
import { DIVERGED_HINT, EPOCH_LOSS, finite, jsonNumber } from './format.js';
import { writeChart } from './output.js';
import { loadData, mapIntegerLabels } from './data.js';
import { printHeader, referenceLine, summaryOf, type TrainRun } from './report.js';
import { TEXT_FLAGS } from './text-flags.js';
import { THREADS_FLAGS, threadsFromFlags, threadsUsed } from './threads.js';
import { METRICS_FLAGS, metricsOptions, metricsText } from './metrics.js';
import { CHECKPOINT_FLAGS, checkpointFromFlags } from './checkpoint.js';
import type { EvaluateOptions } from '../metrics/report.js';

const FLAGS: Flags = {
  ...TRAIN_FLAGS,
  ...TOOLKIT_FLAGS,
  plot: { type: 'string', value: 'FILE.svg|FILE.png', help: 'write the loss curve (against epoch, samples seen and time): PNG when FILE ends in .png, else SVG' },
  save: { type: 'string', value: 'FILE.json', help: 'save the model, with its standardization and names, for descent predict' },
  stream: { type: 'boolean', help: 'out of core: read the CSV in chunks every epoch instead of loading it (for files larger than memory; rows in file order unless --shuffle-buffer)' },
  'read-rows': { type: 'string', value: 'ROWS', help: 'rows read from the file at a time with --stream (rounded up to a multiple of --batch)', def: '4096' },
  'shuffle-buffer': { type: 'string', value: 'ROWS', help: 'with --stream: shuffle the rows through a seeded buffer of ROWS rows (new order each epoch, --seed); use it when the file is sorted, e.g. by label', def: 'off' },
  ...CSV_FLAGS,
  ...RUN_FLAGS,
  ...TEXT_FLAGS,
  ...THREADS_FLAGS,
  ...METRICS_FLAGS,
  ...CHECKPOINT_FLAGS,
};

/** Help of `descent train`. */
export const TRAIN_HELP = helpText(
  'descent train <DATA> [options]',
  'Trains a model by gradient descent on DATA: a CSV file (target in the last column unless --target; a first row\n' +
  'of numbers is data, not a header) or a built-in dataset (see descent datasets). The model is linear, logistic or\n' +
  'softmax (chosen from the target by default), or a network: --model mlp, --model cnn, or --layers FILE.\n' +
  "By default the test set is the rows whose index is divisible by 5, and features (and a regression target) are\n" +
  "standardized with the training set's statistics.\n" +
  'Stopping early: --early-stopping PATIENCE holds out a validation set and keeps the best epoch (the usual choice);\n' +
  '--early-stop N stops when the training loss stops improving by --tol.\n' +
  'With --stream the file is never loaded whole: one pass computes the statistics, then every epoch reads it again\n' +
  'in chunks; memory stays bounded by a chunk, and the model is the one --no-shuffle would give in memory (with\n' +
  '--missing drop the test rows are every 5th row of the file rather than of the rows kept).\n' +
  'A file in non-random order (e.g. sorted by label) needs --shuffle-buffer ROWS: rows pass through a seeded buffer\n' +
  'of that many rows (memory ROWS × features floats), as tf.data shuffle(buffer_size); the larger, the better mixed.',
  FLAGS,
  'Examples:\n  descent train digits --model softmax --optimizer adam --lr 0.01 --batch 32 --epochs 50 --seed 1 \\\n' +
  '    --early-stopping 5 --plot loss.svg --save model.json\n' +
  '  descent train digits --model mlp --hidden 128,64 --dropout 0.1\n' +
  '  descent train big.csv --stream --target price',
);

/** What one training run produced (shared with compare). */
export interface RunOutcome {
  model: CliModel;
  result: TrainResult;
  trainEval: Evaluation;
  testEval?: Evaluation;
}

/** Trains one model on prepared data with progress; evaluates on train and test. */
export function runOnce(model: CliModel, p: Prepared, options: TrainOptions, progress: Progress, extra: Record<string, unknown> = {},
  metrics?: EvaluateOptions): RunOutcome {
  const rows = p.train.rows;
  let result: TrainResult;
  try {
    result = train(model, p.train, {
      ...options, standardize: p.pre ?? false, // the model carries the statistics into evaluate, predict and --save
      onEpoch: (rec) => progress.epoch({ ...rec, samples: rec.epoch * rows }, extra),
    });
  } finally {
    progress.done();
  }
  // --metrics: on the test set, or the training set when there is none.
  return { model, result, trainEval: model.evaluate(p.train, p.test ? undefined : metrics), testEval: p.test ? model.evaluate(p.test, metrics) : undefined };
}

/** The options of train() from the flags. */
export function trainOptionsFromFlags(command: string, v: Parsed['values']): TrainOptions {
  const o: TrainOptions = {
    shuffle: !v['no-shuffle'],
    optimizer: optimizerFromFlags(command, v),
    batch: batchFromFlag(command, v.batch),
    seed: numberFlag(command, 'seed', v.seed, 0, { integer: true, min: 0, max: 0xffffffff }),
    l2: numberFlag(command, 'l2', v.l2, 0, { min: 0 }),
    ...toolkitFromFlags(command, v),
    ...checkpointFromFlags(command, v),
  };
  const threads = threadsFromFlags(command, v);
  if (threads !== undefined) o.threads = threads;
  // Without --epochs the run gets a budget of steps (defaultEpochs), known once the data are read.
  if (v.epochs !== undefined) o.epochs = numberFlag(command, 'epochs', v.epochs, 50, { integer: true, min: 1 });
  // --validation alone scores every epoch; only --early-stopping stops on it.
  if (o.validationFraction !== undefined && o.patience === undefined) o.patience = 1_000_000;
  if (v['early-stop'] !== undefined) {
    o.nIterNoChange = numberFlag(command, 'early-stop', v['early-stop'], 5, { integer: true, min: 1 });
    o.tol = numberFlag(command, 'tol', v.tol, 1e-4, { min: 0 });
  }
  return o;
}

/**
 * The options for a training set of `rows` rows: the default epoch budget filled in, and a mini-batch larger
 * than the set rejected (train()'s rule) with the flag that set it.
 */
export function fitBatch(command: string, o: TrainOptions, rows: number, flag = '--batch'): TrainOptions {
  // With --validation the trainer holds out part of the training rows.
  const fitRows = o.validationFraction ? Math.max(1, rows - Math.round(rows * o.validationFraction)) : rows;
  checkBatch(command, o.batch, fitRows, flag);
  const batch = o.batch ?? Math.min(32, fitRows);
  return { ...o, batch, epochs: o.epochs ?? defaultEpochs(fitRows, batch) };
}

function evalJSON(e: Evaluation | undefined): Record<string, number | null> | undefined {
  if (!e) return undefined;
  const o: Record<string, number | null> = { loss: jsonNumber(e.loss) };
  if (e.accuracy !== undefined) o.accuracy = jsonNumber(e.accuracy);
  if (e.r2 !== undefined) o.r2 = jsonNumber(e.r2);
  if (e.metrics) (o as Record<string, unknown>).metrics = e.metrics;
  return o;
}

/**
 * A network from --layers (or --model cnn) whose last layer has fewer outputs than the target has classes
 * cannot be trained: said as what it is, the output layer's size, with the first row of the file (not of the
 * training split) whose label does not fit.
 */
function checkOutputLayer(model: CliModel, classes: number, t: CSVTable, name: string, v: Parsed['values']): void {
  if (model.kind !== 'sequential' || classes < 3 || model.outputs >= classes) return;
  let row = 0;
  while (row < t.rows && t.y[row] < model.outputs) row++;
  const label = t.classes ? JSON.stringify(t.classes[t.y[row]]) : String(t.y[row]);
  const source = v.layers !== undefined ? `--layers ${v.layers}` : `--model ${v.model}`;
  throw new DataError(`${source}: the network's last layer has ${model.outputs} output${model.outputs === 1 ? '' : 's'}, but the target ` +
    `${t.target !== null ? `"${t.target}" ` : ''}of ${name} has ${classes} classes (data row ${row + 1} of the file, label ${label}, is the first that does not fit); ` +
    `give the last dense layer ${classes} units`);
}

/** The in-memory run: the whole CSV parsed, split and standardized, then train(). */
function memoryRun(v: Parsed['values'], positional: string, options: TrainOptions, mode: ProgressMode, out: (s: string) => void, backend: string): TrainRun {
  const data = loadData('train', positional, v);
  const t = data.table;
  mapIntegerLabels('train', t, v.model);
  const { kind, classes } = chooseModel('train', modelFlag(v), summariseLabels(t));
  const prepared: Prepared = prepare('train', t, v, isRegression(kind, classes), data.builtin);
  let model: CliModel | undefined;
  try {
    const opts = fitBatch('train', options, prepared.train.rows);
    const summary = summaryOf(data);
    model = makeModel('train', kind, t.features, classes, lossFromFlags('train', v), v, data.builtin?.imageShape);
    checkOutputLayer(model, classes, t, data.name, v);
    const valRows = opts.validationFraction ? Math.round(prepared.train.rows * opts.validationFraction) : undefined;
    // The validation rows come out of the training rows: said on the split line.
    const note = valRows === undefined ? prepared.note : prepared.note +
      `; validation ${valRows} of the ${prepared.train.rows} training rows (drawn with seed ${opts.seed}), scored every epoch` +
      (opts.restoreBest ? `, stopping after ${opts.patience} epochs without improvement` : '');
    printHeader(out, summary, note, model, classes, opts, backend);
    const run = runOnce(model, prepared, opts, new Progress(mode, opts.epochs!), {}, metricsOptions(v, model));
    const r = run.result;
    let lo = Infinity, hi = -Infinity;
    for (const y of t.y) { lo = Math.min(lo, y); hi = Math.max(hi, y); }
    const rows = prepared.train.rows;
    return {
      data: summary, model, kind, classes, options: opts, trainRows: rows, testRows: prepared.test?.rows ?? 0,
      history: r.history.map((h) => ({ ...h, samples: h.epoch * rows })), stopReason: r.stopReason, divergedAt: r.divergedAt,
      steps: r.steps, ms: r.ms, trainEval: run.trainEval, testEval: run.testEval, stats: prepared.stats, targetScale: prepared.targetScale, yRange: [lo, hi],
      validationRows: valRows, bestEpoch: r.bestEpoch,
    };
  } catch (e) {
    model?.dispose();
    throw e;
  } finally {
    prepared.train.dispose();
    prepared.test?.dispose();
  }
}

/** How the rows were split, kept in the saved model so that `descent predict` can tell training rows from test rows. */
function splitNote(v: Parsed['values']): Record<string, unknown> {
  if (v['no-split']) return { test: 'none' };
  if (v['test-fraction'] !== undefined) return { test: 'fraction', fraction: Number(v['test-fraction']), seed: Number(v.seed ?? 0) };
  return { test: 'every', every: 5 };
}

/** `descent train`. Returns the exit code. */
export async function trainCommand(argv: string[]): Promise<number> {
  const parsed = parseCommand('train', argv, FLAGS, TRAIN_HELP);
  if (!parsed) return EXIT.ok;
  const { values: v, positionals } = parsed;
  expectPositionals('train', positionals, 1, 1, 'DATA (a CSV file or a built-in dataset)');
  // Everything the flags can get wrong is checked before any data is read or any epoch runs.
  const savePath = checkWritable('train', 'save', v.save);
  const plotPath = checkWritable('train', 'plot', v.plot);
  checkOutputs('train', [{ flag: 'save', path: savePath }, { flag: 'plot', path: plotPath }],
    [{ what: 'the data file', path: positionals[0] }, { what: 'the layers file', path: v.layers as string | undefined }]);
  checkNetworkFlags('train', v);
  const options = trainOptionsFromFlags('train', v);
  if (v['shuffle-buffer'] !== undefined) {
    if (!v.stream) throw new UsageError('descent train: --shuffle-buffer applies to --stream; in memory the rows are reshuffled each epoch already');
    if (v['no-shuffle']) throw new UsageError('descent train: --shuffle-buffer and --no-shuffle contradict each other');
    numberFlag('train', 'shuffle-buffer', v['shuffle-buffer'], 0, { integer: true, min: 1 });
  }
  if (v.stream && ['checkpoint', 'resume', 'log-file'].some((f) => v[f] !== undefined)) throw new UsageError('descent train: --checkpoint, --resume and --log-file apply to in-memory runs, not --stream');
  if (v.metrics && (v.stream || v.text !== undefined)) throw new UsageError(`descent train: --metrics applies to in-memory runs, not --${v.stream ? 'stream' : 'text'}`);
  if (v.text === undefined) {
    const textOnly = ['hash-features', 'analyzer', 'ngrams', 'stop-words', 'no-lowercase', 'tfidf', 'sublinear-tf'].find((f) => v[f] !== undefined);
    if (textOnly) throw new UsageError(`descent train: --${textOnly} applies to --text COLUMN only`);
  }
  const mode = progressMode(v);
  const out = (s: string) => { if (mode !== 'json') process.stdout.write(s + '\n'); };
  const stream = v.stream ? (await import('./stream.js')).streamRun : undefined;
  const backend = await startBackend('train', v.backend);
  const text = v.text !== undefined ? (await import('./text.js')).textRun : undefined;
  const run = text ? text('train', v, positionals[0], options, mode, out, backend) : stream ? await stream(v, positionals[0], options, mode, out, backend) : memoryRun(v, positionals[0], options, mode, out, backend);
  const { model, options: opts, data: d } = run;
  try {
    const opt = opts.optimizer!;
    const stop = run.stopReason === 'tol' ? `stopped early: no improvement of ${opts.tol} in the training loss for ${opts.nIterNoChange} epochs`
      : run.stopReason === 'early-stopping' ? `stopped early: no improvement in the validation loss for ${opts.patience} epochs`
      : run.stopReason === 'diverged' ? `DIVERGED at epoch ${run.divergedAt}` : run.stopReason === 'epochs' ? 'all epochs run' : run.stopReason;
    out(`result  ${run.history.length} epochs (${stop}), ${run.steps} steps, ${duration(run.ms)}`);
    const threads = opts.threads === undefined ? undefined
      : { requested: opts.threads, ...threadsUsed(model, opts.threads, opts.batch, run.trainRows, v.text !== undefined) };
    if (threads) out(`threads ${threads.used} of ${threads.requested}${threads.reason ? ` (${threads.reason})` : ''}`);
    const last = run.history[run.history.length - 1];
    if (last) out(`        ${EPOCH_LOSS} of the last epoch ${finite(last.loss)} (the chart's last point)`);
    if (run.bestEpoch !== undefined) {
      const best = run.history[run.bestEpoch - 1]?.valLoss;
      const restored = opts.restoreBest && run.bestEpoch < run.history.length;
      out(`        validation loss ${finite(best ?? NaN)} at epoch ${run.bestEpoch}, the best of ${run.history.length}` +
        (restored ? `: epoch ${run.bestEpoch}'s parameters were restored (the model below${savePath ? ' and saved' : ''})` : ''));
    }
    out(`        training ${describeEval(run.trainEval)} (evaluated after training)`);
    if (run.testEval) out(`        test     ${describeEval(run.testEval)}`);
    const m = run.testEval?.metrics ?? run.trainEval.metrics;
    if (m) out(metricsText(m, run.testEval ? `test set, ${run.testRows} rows` : `training set, ${run.trainRows} rows`, d.classNames));
    const r2 = (run.testEval ?? run.trainEval).r2;
    if (run.stopReason === 'diverged') out(`hint    training diverged: ${DIVERGED_HINT}.`);
    else if (r2 !== undefined && r2 < 0) {
      // Only a flag the user passed is named: --no-standardize when given, else --standardize (off by default for some built-ins).
      const scale = run.targetScale ? '' : v['no-standardize'] ? ' or drop --no-standardize' : ' or pass --standardize';
      out(`hint    R² below 0: the model is worse than predicting the mean${run.targetScale ? '' : ` (the target spans ${run.yRange[0]}–${run.yRange[1]} and is not scaled)`}; ` +
        `try more --epochs${scale}.`);
    }
    const ref = referenceLine(d);
    if (ref && !v['no-split'] && v['test-fraction'] === undefined && standardizeFlag('train', v, d.builtin) === (d.builtin?.referencePreprocessing === undefined)) out(`        (${ref})`);
    if (savePath) {
      const saved = modelToJSON(model, {
        featureNames: run.text ? undefined : d.featureNames, target: d.target ?? undefined, classes: d.classNames, standardize: run.stats, targetScale: run.targetScale,
        training: { ...(run.text ? { text: run.text } : {}), data: d.name, split: splitNote(v), optimizer: opts.optimizer, batch: opts.batch, epochs: run.history.length, seed: opts.seed, shuffle: opts.shuffle, l2: opts.l2, stream: !!v.stream, backend, ...(d.onehot ? { onehot: d.onehot } : {}) },
      });
      writeOutput(savePath, JSON.stringify(saved, null, 1) + '\n');
      out(`saved   ${savePath}`);
    }
    if (plotPath) {
      await writeChart(plotPath, lossChart([{ name: `${run.kind} · ${opt.name} lr ${opt.lr} · batch ${opts.batch}`, history: run.history }],
        { title: `${d.name}: training loss (${backend})`, yLabel: EPOCH_LOSS }));
      out(`plot    ${plotPath}`);
    }
    if (mode === 'json') {
      process.stdout.write(JSON.stringify({
        event: 'result', data: d.name, rows: run.trainRows + run.testRows, features: d.features, featureNames: d.featureNames, target: d.target, classes: d.classNames,
        model: run.kind, outputs: model.outputs, optimizer: opts.optimizer, batch: opts.batch, seed: opts.seed, shuffle: opts.shuffle,
        stream: !!v.stream, backend, trainRows: run.trainRows, testRows: run.testRows,
        ...(run.validationRows !== undefined ? { validationRows: run.validationRows, bestEpoch: run.bestEpoch } : {}),
        stopReason: run.stopReason, epochs: run.history.length, steps: run.steps, ms: round(run.ms),
        train: evalJSON(run.trainEval), test: evalJSON(run.testEval), saved: savePath, plot: plotPath, ...(threads ? { threads } : {}),
      }) + '\n');
    }
    if (run.stopReason === 'diverged') {
      process.stderr.write(`descent train: training diverged at epoch ${run.divergedAt}: ${DIVERGED_HINT}; ` +
        `kept the parameters ${v.stream ? 'from before the diverging batch' : 'of the last finite epoch'}${savePath ? ' (and saved them)' : ''}.\n`);
      return EXIT.diverged;
    }
    return EXIT.ok;
  } finally {
    model.dispose();
  }
}
