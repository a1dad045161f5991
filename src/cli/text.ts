// `descent train FILE.csv --text COLUMN --target LABEL`: text classification on hashed features. The text column's
// cells go through Dataset.fromText (HashingVectorizer: words, 2^18 columns by default, signed, l2 rows) into a
// sparse dataset, and a linear model trains on it. Without optimizer flags the run is scikit-learn's
// SGDClassifier: plain SGD with the 'optimal' schedule, L2 α = 1e-4, one row per step, up to 1000 epochs with
// tol 1e-3 over 5 epochs, which trains in O(stored entries) per row (the lazily scaled weights of
// assembly/sparse.ts); other optimizers work too but update all 2^18 weights per step.
import { DataError, HyperParameterError } from '../errors.js';
import { HashingVectorizer, type HashingOptions } from '../text/hashing.js';
import { vectorizerToJSON } from '../text/saved.js';
import { Dataset } from '../data/dataset.js';
import { csvRecords } from '../data/csv/read.js';
import { train, type TrainOptions, type TrainResult } from '../training/train.js';
import { choiceFlag, numberFlag, UsageError, type Parsed } from './args.js';
import {
  chooseModel, classesFlag, delimiterFlag, lossFromFlags, makeModel, modelFlag, Progress, readData, type ProgressMode,
} from './common.js';
import { printHeader, type TrainRun } from './report.js';
import { checkBatch, type Prepared } from './preprocess.js';


/** A column reference (name, or 0-based index, negative from the end) resolved against the header. */
function column(command: string, flag: string, ref: string, header: readonly string[]): number {
  const byName = header.indexOf(ref);
  if (byName >= 0) return byName;
  if (/^-?\d+$/.test(ref)) {
    const i = Number(ref);
    const c = i < 0 ? header.length + i : i;
    if (c >= 0 && c < header.length) return c;
  }
  throw new UsageError(`descent ${command}: --${flag} ${JSON.stringify(ref.slice(0, 60))} is not a column (the header has ${header.slice(0, 8).map((h) => JSON.stringify(h.slice(0, 30))).join(', ')}${header.length > 8 ? ', …' : ''})`);
}

/** The vectorizer options of the text flags (checked here, before any data is read). */
export function vectorizerFlags(command: string, v: Parsed['values'], features: number): HashingOptions {
  const o: HashingOptions = { features };
  if (v.analyzer !== undefined) o.analyzer = choiceFlag(command, 'analyzer', v.analyzer, ['word', 'char', 'char_wb'] as const, 'word');
  if (v.ngrams !== undefined) {
    const m = /^\s*(\d+)\s*(?:,\s*(\d+)\s*)?$/.exec(String(v.ngrams));
    const lo = m ? Number(m[1]) : NaN, hi = m ? Number(m[2] ?? m[1]) : NaN;
    if (!(lo >= 1 && hi >= lo && hi <= 16)) throw new UsageError(`descent ${command}: --ngrams expects MIN,MAX with 1 ≤ MIN ≤ MAX ≤ 16, got ${JSON.stringify(String(v.ngrams))}`);
    o.ngramRange = [lo, hi];
  }
  if (v['stop-words'] !== undefined) {
    if (v['stop-words'] !== 'english') throw new UsageError(`descent ${command}: --stop-words takes english, got ${JSON.stringify(String(v['stop-words']))}`);
    o.stopWords = 'english';
  }
  if (v['no-lowercase']) o.lowercase = false;
  if (v.tfidf) o.tfidf = true;
  if (v['sublinear-tf']) o.sublinearTf = true;
  try {
    new HashingVectorizer(o); // rejects combinations such as --stop-words with --analyzer char
  } catch (e) {
    if (e instanceof HyperParameterError) throw new UsageError(`descent ${command}: ${e.message.replace(/^stopWords/, '--stop-words')}`);
    throw e;
  }
  return o;
}

/** scikit-learn's SGDClassifier settings for whatever the flags leave open. */
function textDefaults(v: Parsed['values'], o: TrainOptions): TrainOptions {
  const r: TrainOptions = { ...o };
  if (v.optimizer === undefined && v.lr === undefined) r.optimizer = { name: 'sgd', lr: 1 };
  if (v.schedule === undefined && v.optimizer === undefined && v.lr === undefined) r.schedule = { name: 'optimal' };
  if (v.l2 === undefined && v.l1 === undefined && v['elastic-net'] === undefined) {
    r.penalty = 'l2';
    r.alpha = 1e-4;
    delete r.l2;
  }
  if (v.batch === undefined) r.batch = 1;
  if (v.epochs === undefined && v['early-stop'] === undefined) {
    r.epochs = 1000;
    r.tol = 1e-3;
    r.nIterNoChange = 5;
  }
  return r;
}

/** The text run: read the CSV's text and target columns, vectorize, split (every 5th row by default), train. */
export function textRun(command: string, v: Parsed['values'], positional: string, options: TrainOptions, mode: ProgressMode, out: (s: string) => void, backend: string): TrainRun {
  for (const f of ['stream', 'columns', 'drop', 'onehot', 'standardize', 'layers']) {
    if (v[f] !== undefined) throw new UsageError(`descent ${command}: --${f} does not apply to --text (the features are the hashed words of one column)`);
  }
  const hashFeatures = numberFlag(command, 'hash-features', v['hash-features'], 2 ** 18, { integer: true, min: 1, max: 2 ** 30 });
  if ((hashFeatures & (hashFeatures - 1)) !== 0) throw new UsageError(`descent ${command}: --hash-features must be a power of two, got ${hashFeatures}`);
  const vecOptions = vectorizerFlags(command, v, hashFeatures);
  const data = readData(command, positional);
  const records = csvRecords(data.text, { delimiter: delimiterFlag(v), source: data.name });
  if (records.length < 2) throw new DataError(`${data.name}: a header row and at least one data row are needed for --text`);
  const header = records[0];
  const ti = column(command, 'text', String(v.text), header);
  const yi = column(command, 'target', v.target === undefined ? String(header.length - 1) : String(v.target), header);
  if (ti === yi) throw new UsageError(`descent ${command}: --text and --target name the same column ${JSON.stringify(header[ti])}`);
  const rows = records.slice(1);
  rows.forEach((r, i) => {
    if (r.length !== header.length) throw new DataError(`${data.name}: row ${i + 1} has ${r.length} cells, the header ${header.length}`, { row: i + 1 });
  });
  const texts = rows.map((r) => r[ti]);
  const cells = rows.map((r) => r[yi]);
  const numeric = cells.every((c) => c !== '' && Number.isFinite(Number(c)));
  const kindFlag = modelFlag(v);
  // Numbers are values for --model linear and class indices otherwise; anything else is a class name.
  const labels: number[] | string[] = numeric && (kindFlag === 'linear' || cells.every((c) => Number.isInteger(Number(c)))) ? cells.map(Number) : cells;
  const names = typeof labels[0] === 'string' ? classesFlag(v) ?? [...new Set(labels as string[])].sort() : undefined;
  const nums = labels.filter((l): l is number => typeof l === 'number');
  let lo = Infinity, hi = -Infinity;
  for (const y of nums) (lo = Math.min(lo, y)), (hi = Math.max(hi, y));
  const { kind, classes } = chooseModel(command, kindFlag, {
    target: header[yi], classes: names, integer: !names && nums.every(Number.isInteger), min: names ? 0 : lo, max: names ? 0 : hi,
  });
  const all = Dataset.fromText(texts, labels, { ...vecOptions, targetName: header[yi], ...(names ? { classes: names } : {}) });
  // The vectorizer as JSON (its fitted idf included) goes into a --save'd model, so predict vectorizes the same way.
  const text = { column: header[ti], vectorizer: vectorizerToJSON(vecOptions, all.vectorizer) as unknown as Record<string, unknown> };
  let prepared: Prepared;
  try {
    if (v['no-split']) prepared = { train: all, pre: null, note: `none: training and evaluating on all ${all.rows} rows` };
    else if (v['test-fraction'] !== undefined) {
      const f = numberFlag(command, 'test-fraction', v['test-fraction'], 0.2, { gt: 0 });
      if (f >= 1) throw new UsageError(`descent ${command}: --test-fraction must be below 1, got ${f}`);
      const s = all.split({ testFraction: f, seed: options.seed ?? 0 });
      prepared = { ...s, pre: null, note: `seeded random ${f} of the rows as test set (seed ${options.seed ?? 0}): ${s.train.rows} training, ${s.test.rows} test rows` };
    } else {
      const s = all.split({ every: 5 });
      prepared = { ...s, pre: null, note: `rows whose index is divisible by 5 are the test set: ${s.train.rows} training, ${s.test.rows} test rows` };
    }
  } finally {
    if (!v['no-split']) all.dispose();
  }
  const unit = vecOptions.analyzer && vecOptions.analyzer !== 'word' ? 'character n-grams' : 'words';
  prepared.note += `; the ${unit} of "${header[ti].slice(0, 30)}" hashed into ${hashFeatures} columns (signed ${vecOptions.tfidf ? 'tf-idf' : 'counts'}, l2 rows), sparse`;
  const model = makeModel(command, kind, hashFeatures, classes, lossFromFlags(command, v), v);
  try {
    const opts = textDefaults(v, options);
    checkBatch(command, opts.batch, prepared.train.rows);
    const summary = {
      name: data.name, rows: texts.length, features: hashFeatures, target: header[yi], classNames: names,
      featureNames: [`hash(words of "${header[ti]}")`],
    };
    printHeader(out, summary, prepared.note, model, classes, opts, backend);
    const trainRows = prepared.train.rows;
    const progress = new Progress(mode, opts.epochs!);
    let r: TrainResult;
    try {
      r = train(model, prepared.train, { ...opts, onEpoch: (rec) => progress.epoch({ ...rec, samples: rec.epoch * trainRows }, {}) });
    } finally {
      progress.done();
    }
    const run = { trainEval: model.evaluate(prepared.train), testEval: prepared.test ? model.evaluate(prepared.test) : undefined };
    return {
      data: summary, model, kind, classes, options: opts, trainRows, testRows: prepared.test?.rows ?? 0,
      history: r.history.map((h) => ({ ...h, samples: h.epoch * trainRows })), stopReason: r.stopReason, divergedAt: r.divergedAt,
      steps: r.steps, ms: r.ms, trainEval: run.trainEval, testEval: run.testEval, yRange: names ? [0, names.length - 1] : [lo, hi], text,
    };
  } catch (e) {
    model.dispose();
    throw e;
  } finally {
    prepared.train.dispose();
    prepared.test?.dispose();
  }
}
