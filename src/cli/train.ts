// descent train: read data, split and standardize, train one model with progress, report the metrics,
// and optionally save the model (with its standardization) and plot the loss curve.
import { train, type TrainOptions, type TrainResult } from '../train.js';
import { modelToJSON } from '../models/io.js';
import { lossChart } from '../plot/svg.js';
import type { Evaluation, Model } from '../models/model.js';
import { helpText, numberFlag, parse, EXIT, type Flags, type Parsed } from './args.js';
import {
  CSV_FLAGS, RUN_FLAGS, TRAIN_FLAGS, batchFromFlag, checkWritable, chooseModel, describeEval, duration,
  expectPositionals, loadData, makeModel, optimizerFromFlags, prepare, Progress, progressMode, round, startBackend,
  writeOutput, type LoadedData, type Prepared,
} from './common.js';

const FLAGS: Flags = {
  ...TRAIN_FLAGS,
  plot: { type: 'string', value: 'FILE.svg', help: 'write the loss curve (against epoch, samples seen and time) as SVG' },
  save: { type: 'string', value: 'FILE.json', help: 'save the model, with its standardization and names, for descent predict' },
  ...CSV_FLAGS,
  ...RUN_FLAGS,
};

/** Help of `descent train`. */
export const TRAIN_HELP = helpText(
  'descent train <DATA> [options]',
  'Trains a linear, logistic or softmax model by gradient descent on DATA: a CSV file (header row, target in the\n' +
  'last column unless --target) or a built-in dataset (see descent datasets). By default the test set is the rows\n' +
  "whose index is divisible by 5 and features are standardized with the training set's statistics.",
  FLAGS,
  'Example:\n  descent train digits --model softmax --optimizer adam --lr 0.01 --batch 32 --epochs 50 --seed 1 \\\n' +
  '    --early-stop 5 --plot loss.svg --save model.json',
);

/** What one training run produced (shared with compare). */
export interface RunOutcome {
  model: Model;
  result: TrainResult;
  trainEval: Evaluation;
  testEval?: Evaluation;
}

/** Trains one model on prepared data with progress; evaluates on train and test. */
export function runOnce(model: Model, p: Prepared, options: TrainOptions, progress: Progress, extra: Record<string, unknown> = {}): RunOutcome {
  const rows = p.train.rows;
  let result: TrainResult;
  try {
    result = train(model, p.train, {
      ...options,
      onEpoch: (rec) => progress.epoch({ ...rec, samples: rec.epoch * rows }, extra),
    });
  } finally {
    progress.done();
  }
  return { model, result, trainEval: model.evaluate(p.train), testEval: p.test ? model.evaluate(p.test) : undefined };
}

/** The options of train() from the flags. */
export function trainOptionsFromFlags(command: string, v: Parsed['values']): TrainOptions {
  const o: TrainOptions = {
    optimizer: optimizerFromFlags(command, v),
    batch: batchFromFlag(command, v.batch),
    epochs: numberFlag(command, 'epochs', v.epochs, 50, { integer: true, min: 1 }),
    seed: numberFlag(command, 'seed', v.seed, 0, { integer: true, min: 0, max: 0xffffffff }),
    l2: numberFlag(command, 'l2', v.l2, 0, { min: 0 }),
  };
  if (v['early-stop'] !== undefined) {
    o.nIterNoChange = numberFlag(command, 'early-stop', v['early-stop'], 5, { integer: true, min: 1 });
    o.tol = numberFlag(command, 'tol', v.tol, 1e-4, { min: 0 });
  }
  return o;
}

/** A batch option that fits the training set (a mini-batch larger than the set becomes the full set). */
export function fitBatch(o: TrainOptions, rows: number): TrainOptions {
  return typeof o.batch === 'number' && o.batch > rows ? { ...o, batch: 'full' } : o;
}

/** One line describing the data. */
export function dataLine(d: LoadedData, kind: string, classes: number): string {
  const t = d.table;
  const target = t.target === null ? '' : `, target "${t.target}"`;
  const task = kind === 'linear' ? 'regression' : `${classes} classes${t.classes ? ` (${t.classes.slice(0, 6).join(', ')}${t.classes.length > 6 ? ', …' : ''})` : ''}`;
  const extra = [t.dropped ? `${t.dropped} rows dropped for missing values` : '', t.imputed ? `${t.imputed} cells filled with column means` : ''].filter(Boolean).join(', ');
  return `${d.name}: ${t.rows} rows × ${t.features} features${target}, ${task}${extra ? `; ${extra}` : ''}`;
}

/** scikit-learn's figures for a built-in, as one line. */
export function referenceLine(d: LoadedData): string | undefined {
  const b = d.builtin;
  if (!b) return undefined;
  const r = b.reference;
  const m = b.metric === 'r2' ? 'R²' : 'accuracy';
  const parts = [r.logistic !== undefined ? `logistic regression ${r.logistic.toFixed(4)}` : '', `SGD ${r.sgd.toFixed(4)}`,
    r.mlp !== undefined ? `MLP ${r.mlp.toFixed(4)}` : '', r.leastSquares !== undefined ? `least squares ${r.leastSquares.toFixed(4)}` : ''].filter(Boolean);
  return `scikit-learn 1.2.1 test ${m} on this split: ${parts.join(', ')}`;
}

function evalJSON(e: Evaluation | undefined): Record<string, number> | undefined {
  if (!e) return undefined;
  const o: Record<string, number> = { loss: e.loss };
  if (e.accuracy !== undefined) o.accuracy = e.accuracy;
  if (e.r2 !== undefined) o.r2 = e.r2;
  return o;
}

/** `descent train`. Returns the exit code. */
export async function trainCommand(argv: string[]): Promise<number> {
  const { values: v, positionals } = parse('train', argv, FLAGS);
  if (v.help) {
    process.stdout.write(TRAIN_HELP);
    return EXIT.ok;
  }
  expectPositionals('train', positionals, 1, 1, 'DATA (a CSV file or a built-in dataset)');
  // Everything the flags can get wrong is checked before any data is read or any epoch runs.
  const savePath = checkWritable('train', 'save', v.save);
  const plotPath = checkWritable('train', 'plot', v.plot);
  const options = trainOptionsFromFlags('train', v);
  const backend = await startBackend('train', v.backend);
  const data = loadData('train', positionals[0], v);
  const t = data.table;
  const { kind, classes } = chooseModel('train', v.model, t);
  const prepared = prepare('train', t, v);
  const mode = progressMode(v);
  const out = (s: string) => { if (mode !== 'json') process.stdout.write(s + '\n'); };
  let model: Model | undefined;
  try {
    const opts = fitBatch(options, prepared.train.rows);
    const opt = opts.optimizer!;
    out(`data    ${dataLine(data, kind, classes)}`);
    out(`split   ${prepared.note}`);
    out(`model   ${kind}${kind === 'softmax' ? ` (${classes} classes)` : ''} · ${opt.name} lr ${opt.lr} · batch ${opts.batch} · ` +
      `up to ${opts.epochs} epochs${opts.nIterNoChange ? ` (early stop after ${opts.nIterNoChange} without improvement of ${opts.tol})` : ''} · seed ${opts.seed} · ${backend}`);
    model = makeModel(kind, t.features, classes);
    const run = runOnce(model, prepared, opts, new Progress(mode, opts.epochs!));
    const r = run.result;
    const stop = r.stopReason === 'tol' ? `stopped early: no improvement of ${opts.tol} for ${opts.nIterNoChange} epochs`
      : r.stopReason === 'diverged' ? `DIVERGED at epoch ${r.divergedAt}` : r.stopReason === 'epochs' ? 'all epochs run' : r.stopReason;
    out(`result  ${r.epochs} epochs (${stop}), ${r.steps} steps, ${duration(r.ms)}`);
    out(`        training ${describeEval(run.trainEval)}`);
    if (run.testEval) out(`        test     ${describeEval(run.testEval)}`);
    const r2 = (run.testEval ?? run.trainEval).r2;
    if (r2 !== undefined && r2 < 0) {
      // The common trap: an unscaled regression target (diabetes: 25–346) with Adam, whose steps are about lr in size.
      let lo = Infinity, hi = -Infinity;
      for (const y of t.y) { lo = Math.min(lo, y); hi = Math.max(hi, y); }
      out(`hint    R² below 0: the model is worse than predicting the mean. The target spans ${lo}–${hi} and is not scaled; ` +
        `${opt.name === 'sgd' ? 'try more --epochs or a larger --lr' : `${opt.name} moves each weight by about --lr per step, so try --optimizer sgd, a larger --lr or more --epochs`}.`);
    }
    const ref = referenceLine(data);
    if (ref && !v['no-split'] && v['test-fraction'] === undefined && !v['no-standardize']) out(`        (${ref})`);
    if (savePath) {
      const saved = modelToJSON(model, {
        featureNames: t.featureNames, target: t.target ?? undefined, classes: t.classes, standardize: prepared.stats,
        training: { data: data.name, optimizer: opts.optimizer, batch: opts.batch, epochs: r.epochs, seed: opts.seed, l2: opts.l2, backend },
      });
      writeOutput(savePath, JSON.stringify(saved, null, 1) + '\n');
      out(`saved   ${savePath}`);
    }
    if (plotPath) {
      const rows = prepared.train.rows;
      writeOutput(plotPath, lossChart([{ name: `${kind} · ${opt.name} lr ${opt.lr} · batch ${opts.batch}`, history: r.history.map((h) => ({ ...h, samples: h.epoch * rows })) }],
        { title: `${data.name}: training loss (${backend})` }));
      out(`plot    ${plotPath}`);
    }
    if (mode === 'json') {
      process.stdout.write(JSON.stringify({
        event: 'result', data: data.name, rows: t.rows, features: t.features, target: t.target, classes: t.classes,
        model: kind, outputs: model.outputs, optimizer: opts.optimizer, batch: opts.batch, seed: opts.seed, backend,
        trainRows: prepared.train.rows, testRows: prepared.test?.rows ?? 0,
        stopReason: r.stopReason, epochs: r.epochs, steps: r.steps, ms: round(r.ms),
        train: evalJSON(run.trainEval), test: evalJSON(run.testEval), saved: savePath, plot: plotPath,
      }) + '\n');
    }
    if (r.stopReason === 'diverged') {
      process.stderr.write(`descent train: training diverged at epoch ${r.divergedAt} (the loss or a parameter stopped being finite); ` +
        `kept the parameters of the last finite epoch${savePath ? ' (and saved them)' : ''}. Try a smaller --lr.\n`);
      return EXIT.diverged;
    }
    return EXIT.ok;
  } finally {
    model?.dispose();
    prepared.train.dispose();
    prepared.test?.dispose();
  }
}
