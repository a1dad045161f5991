// descent compare: the same model trained several ways on the same split (batching strategies and/or
// optimizers), a table of the outcomes and one SVG with every run's loss curve overlaid against epoch,
// samples seen and wall time.
import type { TrainOptions, BatchOption } from '../training/train.js';
import { lossChart, type RunHistory } from '../plot/svg.js';
import { optimizerNames } from '../optim/index.js';
import { helpText, parseCommand, EXIT, UsageError, type Flags } from './args.js';
import { isRegression } from './kinds.js';
import {
  CSV_FLAGS, RUN_FLAGS, TRAIN_FLAGS, batchFromFlag, checkNetworkFlags, checkOutputs, checkWritable, chooseModel, duration, expectPositionals,
  lossFromFlags, makeModel, optimizerFromFlags, Progress, progressMode, round, startBackend, summariseLabels, table, modelFlag } from './common.js';
import { prepare, standardizeFlag } from './preprocess.js';
import { TOOLKIT_FLAGS } from './toolkit.js';
import { EPOCH_LOSS, finite } from './format.js';
import { writeChart } from './output.js';
import { fitBatch, runOnce, trainOptionsFromFlags } from './train.js';
import { loadData, mapIntegerLabels } from './data.js';
import { dataLine, referenceLine, summaryOf } from './report.js';

const FLAGS: Flags = {
  variants: { type: 'string', value: 'LIST', help: "batching strategies to compare, e.g. full,stochastic,32", def: 'full,stochastic,32 unless --optimizers' },
  optimizers: { type: 'string', value: 'LIST', help: `optimizers to compare, e.g. ${optimizerNames.join(',')}` },
  ...TRAIN_FLAGS,
  ...TOOLKIT_FLAGS,
  plot: { type: 'string', value: 'FILE.svg|FILE.png', help: 'where to write the chart: PNG when FILE ends in .png, else SVG', def: 'compare.svg' },
  ...CSV_FLAGS,
  ...RUN_FLAGS,
};

/** Help of `descent compare`. */
export const COMPARE_HELP = helpText(
  'descent compare <DATA> [--variants full,stochastic,32 | --optimizers sgd,adam,...] [options]',
  'Trains the same model on the same split once per variant (batching strategy) and/or optimizer, every run from\n' +
  'the same starting point and seed, then prints a table and writes one SVG overlaying the loss curves against\n' +
  'epoch, samples seen and wall time. Both lists together run every combination. A run that diverges is reported\n' +
  'in the table; the command still succeeds.',
  FLAGS,
  'Example:\n  descent compare digits --optimizers sgd,adam,adamw --lr 0.01 --epochs 30 --plot optimizers.svg',
);

function batchName(b: BatchOption | undefined): string {
  return b === 'full' ? 'full batch' : b === 'stochastic' ? 'stochastic' : `mini-batch ${b}`;
}

function list(command: string, flag: string, v: unknown): string[] | undefined {
  if (v === undefined) return undefined;
  const items = String(v).split(',').map((s) => s.trim()).filter(Boolean);
  if (!items.length) throw new UsageError(`descent ${command}: --${flag} needs a comma-separated list`);
  if (new Set(items).size !== items.length) throw new UsageError(`descent ${command}: --${flag} lists a value twice`);
  return items;
}

/** One entry of --variants: its mistakes name --variants, not --batch. */
function variantBatch(s: string): BatchOption {
  if (s === 'full' || s === 'stochastic') return s;
  if (!/^\d+$/.test(s) || Number(s) < 1) {
    throw new UsageError(`descent compare: --variants entries are full, stochastic or a mini-batch size (a positive integer), got ${JSON.stringify(s.length > 40 ? s.slice(0, 37) + '…' : s)}`);
  }
  return Number(s);
}

/** `descent compare`. Returns the exit code. */
export async function compareCommand(argv: string[]): Promise<number> {
  const parsed = parseCommand('compare', argv, FLAGS, COMPARE_HELP);
  if (!parsed) return EXIT.ok;
  const { values: v, positionals } = parsed;
  expectPositionals('compare', positionals, 1, 1, 'DATA (a CSV file or a built-in dataset)');
  const plotPath = checkWritable('compare', 'plot', v.plot ?? 'compare.svg')!;
  checkOutputs('compare', [{ flag: 'plot', path: plotPath }], [{ what: 'the data file', path: positionals[0] }, { what: 'the layers file', path: v.layers as string | undefined }]);
  checkNetworkFlags('compare', v);
  const optimizers = list('compare', 'optimizers', v.optimizers);
  const variantList = list('compare', 'variants', v.variants) ?? (optimizers ? undefined : ['full', 'stochastic', '32']);
  const batches: (BatchOption | undefined)[] = variantList ? variantList.map((s) => variantBatch(s)) : [batchFromFlag('compare', v.batch)];
  const base = trainOptionsFromFlags('compare', v);
  const runs: { name: string; options: TrainOptions }[] = [];
  for (const opt of optimizers ?? [undefined]) {
    const optimizer = opt === undefined ? base.optimizer : optimizerFromFlags('compare', v, opt);
    for (const batch of batches) {
      const name = [optimizers && optimizers.length > 1 || !variantList ? optimizer!.name : '', variantList ? batchName(batch) : ''].filter(Boolean).join(' · ');
      runs.push({ name: name || optimizer!.name, options: { ...base, optimizer, batch } });
    }
  }
  const backend = await startBackend('compare', v.backend);
  const data = loadData('compare', positionals[0], v);
  const t = data.table;
  mapIntegerLabels('compare', t, v.model);
  const { kind, classes } = chooseModel('compare', modelFlag(v), summariseLabels(t));
  const prepared = prepare('compare', t, v, isRegression(kind, classes), data.builtin);
  const mode = progressMode(v);
  const out = (s: string) => { if (mode !== 'json') process.stdout.write(s + '\n'); };
  try {
    const rows = prepared.train.rows;
    // Every run's options are checked before the first one trains: a bad variant fails at once, not after the others.
    const fitted = runs.map((r) => fitBatch('compare', r.options, rows, variantList ? '--variants' : '--batch'));
    out(`data    ${dataLine(summaryOf(data), kind, classes)}`);
    out(`split   ${prepared.note}`);
    out(`model   ${kind}${kind === 'softmax' ? ` (${classes} classes)` : ''} · ${base.epochs ? `up to ${base.epochs} epochs` : 'about 2000 steps per run'} · seed ${base.seed} · ${backend}\n`);
    const results: { name: string; options: TrainOptions; outcome: ReturnType<typeof runOnce> }[] = [];
    for (const [i, r] of runs.entries()) {
      const opts = fitted[i];
      const model = makeModel('compare', kind, t.features, classes, lossFromFlags('compare', v), v, data.builtin?.imageShape);
      try {
        const outcome = runOnce(model, prepared, opts, new Progress(mode, opts.epochs!, r.name), { run: r.name });
        results.push({ name: r.name, options: opts, outcome });
        if (mode === 'json') {
          const o = outcome;
          process.stdout.write(JSON.stringify({
            event: 'run', run: r.name, optimizer: opts.optimizer, batch: opts.batch, stopReason: o.result.stopReason,
            epochs: o.result.epochs, steps: o.result.steps, ms: round(o.result.ms), train: o.trainEval, test: o.testEval,
          }) + '\n');
        }
      } finally {
        model.dispose();
      }
    }
    const metric = isRegression(kind, classes) ? 'R²' : 'accuracy';
    const where = prepared.test ? 'test' : 'training';
    out(table(
      ['run', 'optimizer', 'batch', 'epochs', 'stop', 'last epoch loss', `${where} ${metric}`, 'time'],
      results.map(({ name, options, outcome: o }) => {
        const e = o.testEval ?? o.trainEval;
        const m = isRegression(kind, classes) ? e.r2 : e.accuracy;
        const stop = o.result.stopReason === 'diverged' ? `diverged @${o.result.divergedAt}` : o.result.stopReason === 'tol' ? 'early stop' : o.result.stopReason;
        return [name, `${options.optimizer!.name} lr ${options.optimizer!.lr}`, String(options.batch), String(o.result.epochs), stop,
          finite(o.result.history.at(-1)?.loss ?? NaN), m === undefined ? '' : finite(m, 4), duration(o.result.ms)];
      }),
    ));
    const ref = referenceLine(summaryOf(data));
    if (ref && !v['no-split'] && v['test-fraction'] === undefined && standardizeFlag('compare', v, data.builtin) === (data.builtin?.referencePreprocessing === undefined)) out(`\n(${ref})`);
    out(`\n'last epoch loss' is the ${EPOCH_LOSS}, the last point of each curve in the chart.`);
    const curves: RunHistory[] = results.map(({ name, outcome }) => ({
      name, history: outcome.result.history.map((h) => ({ ...h, samples: h.epoch * rows })),
    }));
    await writeChart(plotPath, lossChart(curves, { title: `${data.name}: ${kind === 'mlp' ? 'neural network' : `${kind} regression`}, ${runs.length} runs (${backend})`, yLabel: EPOCH_LOSS }));
    out(`\nplot    ${plotPath}`);
    if (mode === 'json') process.stdout.write(JSON.stringify({ event: 'result', data: data.name, model: kind, runs: results.length, plot: plotPath }) + '\n');
    return EXIT.ok;
  } finally {
    prepared.train.dispose();
    prepared.test?.dispose();
  }
}
