// What the CLI does to the data between reading and training: the split (every 5th row, a seeded fraction,
// or none), and the statistics of feature standardization and, for regression, target scaling, fitted on
// the training rows only. The data stay raw: train() gets the statistics (its `standardize` option), the
// model carries them (model.preprocessing) into evaluate, predict and the saved file, so `descent predict`
// applies the same transform to raw rows and maps predictions back to the target's units.
import { DataError } from '../errors.js';
import { Dataset } from '../data/dataset.js';
import type { CSVTable } from '../data/csv/options.js';
import type { BuiltinInfo } from '../data/catalog.js';
import type { BatchOption } from '../training/train.js';
import { defaultEpochs as trainDefaultEpochs } from '../training/options.js';
import { Preprocessing } from '../models/preprocessing.js';
import { numberFlag, UsageError, type Parsed } from './args.js';

/** Mean and standard deviation of the regression target over the training rows. */
export interface TargetScale {
  mean: number;
  std: number;
}

/** Train and test sets (raw) and the preprocessing the flags ask for. */
export interface Prepared {
  train: Dataset;
  test?: Dataset;
  /** The model's preprocessing, fitted on the training rows (null: --no-standardize, or mnist's default); train()'s `standardize`. */
  pre: Preprocessing | null;
  /** Feature standardization, when on. */
  stats?: { mean: Float64Array; std: Float64Array };
  /** Target scaling (regression with standardization on): the model learns (y − mean) / std. */
  targetScale?: TargetScale;
  /** One line on how the data were split and scaled. */
  note: string;
}

/**
 * Whether features are standardized: on unless --no-standardize, except for built-ins whose reference
 * figures use their own preprocessing (mnist's pixels are already in [0, 1]), where --standardize turns it on.
 */
export function standardizeFlag(command: string, v: Parsed['values'], builtin?: BuiltinInfo): boolean {
  if (v.standardize && v['no-standardize']) throw new UsageError(`descent ${command}: --standardize and --no-standardize contradict each other`);
  if (v.standardize) return true;
  if (v['no-standardize']) return false;
  return builtin?.referencePreprocessing === undefined;
}

/** The default number of epochs, train()'s rule (about 2000 gradient steps, within 10..1000 epochs). */
export function defaultEpochs(rows: number, batch: BatchOption | undefined): number {
  return trainDefaultEpochs(rows, batch === 'full' ? rows : batch === 'stochastic' ? 1 : batch ?? Math.min(32, rows));
}

/** The same rule as train(): a mini-batch larger than the training set is a mistake, named by its flag. */
export function checkBatch(command: string, batch: BatchOption | undefined, rows: number, flag = '--batch'): void {
  if (typeof batch === 'number' && batch > rows) {
    throw new UsageError(`descent ${command}: ${flag} ${batch} is larger than the training set (${rows} rows); give at most ${rows}, or 'full'`);
  }
}

/** Splits, then fits the standardization of features and (regression) the target on the training rows. */
export function prepare(command: string, t: CSVTable, v: Parsed['values'], regression: boolean, builtin?: BuiltinInfo): Prepared {
  const standardize = standardizeFlag(command, v, builtin);
  const meta = { features: t.features, featureNames: t.featureNames, targetName: t.target ?? undefined, classes: t.classes };
  const fixed = builtin?.testRows !== undefined && !v['no-split'] && v['test-fraction'] === undefined ? builtin.testRows : 0;
  // A published test set (the last rows): two datasets made straight from the table, without a copy of all rows.
  const all = fixed ? undefined : Dataset.fromArrays(t.x, t.y, meta);
  let train: Dataset, test: Dataset | undefined, note: string;
  try {
    if (!all) {
      const n = t.rows - fixed, d = t.features;
      train = Dataset.fromArrays(t.x.subarray(0, n * d), t.y.subarray(0, n), meta);
      try {
        test = Dataset.fromArrays(t.x.subarray(n * d), t.y.subarray(n), meta);
      } catch (e) {
        train.dispose();
        throw e;
      }
      note = `train ${n} rows, test ${fixed} rows (the published test set)`;
    } else if (v['no-split']) {
      if (v['test-fraction'] !== undefined) throw new UsageError(`descent ${command}: --no-split and --test-fraction contradict each other`);
      train = all;
      note = `all ${t.rows} rows (no split)`;
    } else {
      if (t.rows < 2) throw new DataError(`${t.rows} row: too few to split; pass --no-split`);
      let split;
      if (v['test-fraction'] !== undefined) {
        const f = numberFlag(command, 'test-fraction', v['test-fraction'], 0.2, { gt: 0, max: 0.99 });
        const seed = numberFlag(command, 'seed', v.seed, 0, { integer: true, min: 0 });
        split = all.split({ testFraction: f, seed });
        note = `train ${split.train.rows} rows, test ${split.test.rows} rows (seeded random split, seed ${seed})`;
      } else {
        split = all.split({ every: 5 });
        note = `train ${split.train.rows} rows, test ${split.test.rows} rows (test = rows whose index is divisible by 5)`;
      }
      all.dispose();
      ({ train, test } = split);
    }
  } catch (e) {
    all?.dispose();
    throw e;
  }
  let pre: Preprocessing | null = null;
  if (standardize) {
    // Adam moves each weight by about lr per step: an unscaled target (diabetes: 25–346) needs thousands of steps.
    pre = Preprocessing.fit(train, { target: regression });
    note += v['no-split'] ? ', standardized' : ", standardized with the training set's mean and std";
    if (pre.scalesTarget) note += `; target scaled (mean ${fmt(pre.yMean!)}, std ${fmt(pre.yStd!)}), losses in those units`;
  }
  const stats = pre ? { mean: pre.mean, std: pre.std } : undefined;
  const targetScale = pre?.scalesTarget ? { mean: pre.yMean!, std: pre.yStd! } : undefined;
  return { train, test, pre, stats, targetScale, note };
}

function fmt(x: number): string {
  return Number(x.toPrecision(4)).toString();
}
