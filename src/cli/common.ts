// What the commands share: reading the data (a CSV file or a built-in), choosing the model, the
// optimizer flags, the split and standardization of the built-in datasets (data/README.md), progress output and tables.
import { existsSync, realpathSync, statSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import cliProgress from 'cli-progress';
import { DataError } from '../errors.js';
import { init, backendInfo, type BackendName } from '../runtime/index.js';
import { Dataset } from '../data/dataset.js';
import { parseCSV } from '../data/csv/read.js';
import type { CSVTable, LabelMode, MissingPolicy } from '../data/csv/options.js';
import { builtinCatalog, builtinNames, isBuiltinName, type BuiltinInfo } from '../data/catalog.js';
import { readTextFile } from '../data/node.js';
import { builtinText } from '../data/builtin.js';
import { optimizerNames, resolveOptimizer, type OptimizerOptions } from '../optim/index.js';
import { linear } from '../models/linear/families.js';
import { logistic } from '../models/linear/families.js';
import { softmax } from '../models/linear/families.js';
import type { Model, ModelKind, Evaluation } from '../models/linear/model.js';
import { sequential } from '../models/network/network.js';
import { mlp, type MlpOptions } from '../models/network/mlp.js';
import { networkSpec } from './networks.js';
import type { CliKind, CliModel } from './kinds.js';
import type { BatchOption } from '../training/train.js';
import { choiceFlag, numberFlag, UsageError, type Flags, type Parsed } from './args.js';
import { finite, HUGE } from './format.js';

/** Flags every data-reading command takes. */
export const CSV_FLAGS: Flags = {
  target: { type: 'string', value: 'NAME|INDEX', help: 'the target column, by header name or 0-based index (negative counts from the end)', def: 'the last column' },
  delimiter: { type: 'string', value: 'CHAR', help: "cell separator; 'tab' for tab", def: ", (or ; tab | when the first line has no comma)" },
  header: { type: 'boolean', help: 'the first row names the columns (default: it does, unless every cell of it is a number)' },
  'no-header': { type: 'boolean', help: 'the first row is data, not column names' },
  columns: { type: 'string', value: 'LIST', help: 'the feature columns to use, by name or 0-based index, e.g. age,income' },
  drop: { type: 'string', value: 'LIST', help: 'columns to leave out, by name or 0-based index (e.g. an id or a text column)' },
  onehot: { type: 'string', value: 'LIST', help: 'text columns to one-hot encode, e.g. city: one 0/1 feature "city=NAME" per value' },
  missing: { type: 'string', value: 'POLICY', help: "missing cells: 'error', 'drop' (skip the row) or 'mean' (fill features with the column mean)", def: 'error' },
  labels: { type: 'string', value: 'MODE', help: "target reading: 'auto', 'none' (numbers), 'integer' (class names → 0..k-1)", def: 'auto' },
  classes: { type: 'string', value: 'LIST', help: 'the class names in label order, e.g. setosa,versicolor,virginica (fixes the mapping; needed for names with --stream)' },
};

/** Flags of the run itself. */
export const RUN_FLAGS: Flags = {
  backend: { type: 'string', value: 'NAME', help: 'js, wasm-scalar, wasm-simd or wasm-relaxed', def: 'the fastest available' },
  json: { type: 'boolean', help: 'machine-readable output: JSON lines on stdout' },
  quiet: { type: 'boolean', short: 'q', help: 'no progress output' },
};

/** Flags of the optimizer and training loop. */
export const TRAIN_FLAGS: Flags = {
  model: { type: 'string', value: 'KIND', help: 'linear, logistic, softmax, mlp (a neural network: --hidden, --activation, --dropout), cnn (a small convolutional network for image rows: --image-shape), layers (a network from --layers FILE), or auto (from the target: class names or integer labels → logistic or softmax, else linear)', def: 'auto' },
  hidden: { type: 'string', value: 'SIZES', help: 'mlp: hidden layer sizes, e.g. 128,64', def: '64' },
  layers: { type: 'string', value: 'FILE', help: 'a network from a JSON file: an array of layer specs, or { inputShape, layers } (the loss follows the task)' },
  'image-shape': { type: 'string', value: 'C,H,W', help: 'cnn / --layers on a CSV: the shape of one row', def: "a built-in's image shape" },
  activation: { type: 'string', value: 'NAME', help: 'mlp: relu, leakyRelu, tanh, sigmoid, gelu', def: 'relu' },
  dropout: { type: 'string', value: 'RATE', help: 'mlp: dropout after each hidden layer, in [0, 1)', def: '0' },
  loss: { type: 'string', value: 'NAME', help: 'linear: squared, huber, epsilonInsensitive; logistic: logistic, hinge, squaredHinge, modifiedHuber', def: 'squared / logistic / softmax' },
  epsilon: { type: 'string', value: 'E', help: 'ε of the huber and epsilonInsensitive losses', def: '0.1' },
  optimizer: { type: 'string', value: 'NAME', help: `update rule: ${optimizerNames.join(', ')}`, def: 'adam' },
  lr: { type: 'string', value: 'RATE', help: 'learning rate', def: '0.01' },
  momentum: { type: 'string', value: 'M', help: 'momentum (sgd)' },
  'weight-decay': { type: 'string', value: 'W', help: 'weight decay, PyTorch semantics' },
  betas: { type: 'string', value: 'B1,B2', help: 'Adam betas' },
  eps: { type: 'string', value: 'E', help: 'Adam epsilon' },
  hp: { type: 'string', value: 'KEY=VALUE', help: 'any other hyper-parameter by its PyTorch name in camelCase (repeatable)', multiple: true },
  batch: { type: 'string', value: 'SIZE', help: "'full', 'stochastic' or a mini-batch size of at most the training rows", def: 'min(32, training rows)' },
  epochs: { type: 'string', value: 'N', help: 'passes over the training set', def: 'about 2000 steps: 2000 / batches per epoch, within 10..1000' },
  seed: { type: 'string', value: 'N', help: 'seed of shuffling (and of --test-fraction splits)', def: '0' },
  l2: { type: 'string', value: 'L', help: 'L2 penalty (l2/2)·‖W‖² on the weights', def: '0' },
  'early-stop': { type: 'string', value: 'N', help: "stop after N epochs without the TRAINING loss improving by --tol (scikit-learn's n_iter_no_change; no rows held out). To stop on held-out rows use --early-stopping" },
  tol: { type: 'string', value: 'T', help: 'improvement that counts for --early-stop', def: '1e-4' },
  'no-split': { type: 'boolean', help: 'train and evaluate on all rows (default: test = rows whose index is divisible by 5)' },
  'test-fraction': { type: 'string', value: 'F', help: 'a seeded random test split of this fraction instead of every 5th row' },
  standardize: { type: 'boolean', help: "standardize features with the training set's mean and std, and (regression) scale the target likewise; saved in the model and undone by descent predict", def: 'on (mnist: off, its pixels are already in [0, 1])' },
  'no-standardize': { type: 'boolean', help: 'keep raw features and target' },
  'no-shuffle': { type: 'boolean', help: 'keep the rows in file order every epoch (default: reshuffle each epoch)' },
};

/** Starts the backend named by --backend (or the fastest). */
export async function startBackend(command: string, v: Parsed['values'][string]): Promise<BackendName> {
  const name = choiceFlag(command, 'backend', v, ['js', 'wasm-scalar', 'wasm-simd', 'wasm-relaxed'] as const, 'wasm-simd');
  await init(v === undefined ? {} : { backend: name });
  return backendInfo().name;
}

/** DATA's text: an existing file, else a built-in dataset's name. */
export interface DataSource {
  text: string;
  name: string;
  builtin?: BuiltinInfo;
}

/** Reads DATA: an existing file, else a built-in dataset by name. */
export function readData(command: string, arg: string | undefined): DataSource {
  if (!arg) throw new UsageError(`descent ${command}: which data? Give a CSV file or a built-in dataset (${builtinNames.join(', ')})`);
  if (!existsSync(arg) && isBuiltinName(arg)) {
    // An image built-in's CSV text (70,000 rows for mnist-full) is made only if a command asks for it; loadData reads the table directly.
    if (builtinCatalog[arg].format) return { get text() { return builtinText(arg); }, name: arg, builtin: builtinCatalog[arg] };
    return { text: builtinText(arg), name: arg, builtin: builtinCatalog[arg] };
  }
  if (arg.length > 4096) throw new DataError(`cannot read a ${arg.length}-character argument as DATA: give a file path or a built-in dataset (${builtinNames.join(', ')})`);
  if (!existsSync(arg) && arg === 'moby-dick') {
    throw new UsageError(`descent ${command}: moby-dick is a text, not a table: train a character language model on it with descent charlm moby-dick`);
  }
  if (!existsSync(arg) && !/[\\/.]/.test(arg)) {
    throw new DataError(`cannot read ${arg.length > 80 ? arg.slice(0, 80) + '…' : arg}: no such file, and not a built-in dataset (${builtinNames.join(', ')})`);
  }
  checkRegularFile(arg);
  return { text: readTextFile(arg), name: arg };
}

/**
 * Refuses an input that is not a regular file before reading it: a device (/dev/zero never ends), a FIFO
 * (blocks until a writer comes) or a socket. A missing file is left to the reader's own message.
 */
/** The JSON a saved model file holds (a DataError naming the file when it is not JSON). */
export function readJSONFile(path: string): unknown {
  try {
    return JSON.parse(readTextFile(path));
  } catch (e) {
    if (e instanceof SyntaxError) throw new DataError(`${path}: not valid JSON (${e.message})`);
    throw e;
  }
}

export function checkRegularFile(path: string): void {
  let st;
  try {
    st = statSync(path);
  } catch {
    return;
  }
  if (st.isDirectory()) throw new DataError(`cannot read ${path}: it is a directory`);
  if (!st.isFile()) {
    const what = st.isFIFO() ? 'a FIFO (named pipe)' : st.isSocket() ? 'a socket' : st.isCharacterDevice() || st.isBlockDevice() ? 'a device' : 'not a regular file';
    throw new DataError(`cannot read ${path}: it is ${what}, not a regular file; save the data to a file first`);
  }
}

/** The CSV delimiter from --delimiter ('tab' spelled out, since a literal tab is awkward in a shell). */
export function delimiterFlag(v: Parsed['values']): string | undefined {
  return v.delimiter === 'tab' || v.delimiter === '\\t' ? '\t' : (v.delimiter as string | undefined);
}

/** --classes as a list. */
export function classesFlag(v: Parsed['values']): string[] | undefined {
  return v.classes === undefined ? undefined : String(v.classes).split(',').map((s) => s.trim());
}

/** What model choice needs to know about the target. */
export interface LabelSummary {
  /** Class names, when the labels were mapped from names. */
  classes?: readonly string[];
  /** Every target is a whole number. */
  integer: boolean;
  min: number;
  max: number;
  /** The target column's name, for messages. */
  target: string | null;
}

/** A table's labels, summarised for {@link chooseModel}. */
export function summariseLabels(t: CSVTable): LabelSummary {
  let integer = true, min = Infinity, max = -Infinity;
  for (const v of t.y) {
    if (!Number.isInteger(v)) integer = false;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  return { classes: t.classes, integer, min, max, target: t.target };
}

/** The model family and class count: explicit, or inferred from the labels. */
export function chooseModel(command: string, kindFlag: Parsed['values'][string], s: LabelSummary): { kind: CliKind; classes: number } {
  const kind = choiceFlag(command, 'model', kindFlag, ['auto', 'linear', 'logistic', 'softmax', 'mlp', 'cnn', 'layers'] as const, 'auto');
  const k = s.classes ? s.classes.length : s.integer && s.min >= 0 ? s.max + 1 : 0;
  if (kind === 'mlp' || kind === 'cnn' || kind === 'layers') {
    // The task as auto would choose it: class names or integer labels 0..k-1 are classes, anything else values.
    const classify = s.classes || (s.integer && s.min === 0 && s.max >= 1 && s.max < 100);
    return { kind, classes: classify ? Math.max(2, k) : 1 };
  }
  if (kind === 'linear') return { kind, classes: 1 };
  if (kind === 'logistic') {
    if (k > 2) throw new UsageError(`descent ${command}: --model logistic is for two classes, but the target ${s.target ? `"${s.target}" ` : ''}has ${k}; use --model softmax`);
    return { kind, classes: 2 };
  }
  if (kind === 'softmax') {
    if (k < 2) throw new DataError(`${s.target ?? 'the target'}: softmax needs integer class labels 0..k-1 (or class names)`);
    return { kind, classes: k };
  }
  // auto: class names, or integer labels 0..k-1 with a modest k, are a classification task.
  if (s.classes || (s.integer && s.min === 0 && s.max >= 1 && s.max < 100)) return k === 2 ? { kind: 'logistic', classes: 2 } : { kind: 'softmax', classes: k };
  return { kind: 'linear', classes: 1 };
}

/** --model, where --layers FILE alone means --model layers. */
export function modelFlag(v: Parsed['values']): Parsed['values'][string] {
  return v.layers !== undefined && (v.model === undefined || v.model === 'auto') ? 'layers' : v.model;
}

/** The model's loss from --loss and --epsilon (validated by the model factory). */
export interface LossFlags {
  loss?: string;
  epsilon?: number;
}

/** --loss and --epsilon. */
export function lossFromFlags(command: string, v: Parsed['values']): LossFlags {
  const o: LossFlags = {};
  if (v.loss !== undefined) o.loss = String(v.loss);
  if (v.epsilon !== undefined) o.epsilon = numberFlag(command, 'epsilon', v.epsilon, 0.1, { min: 0 });
  return o;
}

/** A fresh model of the chosen family. */
export function makeModel(command: string, kind: CliKind, features: number, classes: number, loss: LossFlags = {}, v: Parsed['values'] = {},
  imageShape?: readonly number[]): CliModel {
  if (kind === 'mlp' || kind === 'cnn' || kind === 'layers') {
    if (loss.loss !== undefined) throw new UsageError(`descent ${command}: --loss does not apply to --model ${kind} (its loss follows the task: softmax, logistic or squared)`);
    if (kind === 'mlp') return mlp({ ...networkFromFlags(command, v), features, ...(classes >= 2 ? { classes } : {}), seed: 0 });
    return sequential(networkSpec(command, kind, v, features, classes, imageShape));
  }
  if (kind === 'softmax') {
    if (loss.loss !== undefined && loss.loss !== 'softmax') throw new UsageError(`descent ${command}: --loss ${loss.loss} does not apply to a softmax model (its loss is softmax cross-entropy)`);
    return softmax({ features, classes });
  }
  const o = { features, ...(loss.loss !== undefined ? { loss: loss.loss as never } : {}), ...(loss.epsilon !== undefined ? { epsilon: loss.epsilon } : {}) };
  return kind === 'linear' ? linear(o) : logistic(o);
}

/**
 * --hidden, --activation and --dropout shape an MLP: without --model mlp they would be ignored (the run
 * would train another model and succeed), so they are refused, naming the flag that is missing.
 */
export function checkNetworkFlags(command: string, v: Parsed['values']): void {
  const given = ['hidden', 'activation', 'dropout'].filter((f) => v[f] !== undefined);
  if (given.length === 0 || v.model === 'mlp') return;
  const kind = modelFlag(v);
  const flags = given.map((f) => `--${f}`).join(', ');
  throw new UsageError(`descent ${command}: ${flags} ${given.length > 1 ? 'apply' : 'applies'} to --model mlp only; add --model mlp` +
    (kind === undefined || kind === 'auto' ? '' : ` (this run asks for --model ${kind})`));
}

/** --hidden, --activation and --dropout, checked before any data is read (the library checks the ranges again). */
export function networkFromFlags(command: string, v: Parsed['values']): Pick<MlpOptions, 'hidden' | 'activation' | 'dropout'> {
  const sizes = String(v.hidden ?? '64').split(',').map((s) => s.trim());
  const hidden = sizes.map((s) => numberFlag(command, 'hidden', s, 0, { integer: true, min: 1 }));
  const activation = choiceFlag(command, 'activation', v.activation, ['relu', 'leakyRelu', 'tanh', 'sigmoid', 'gelu'] as const, 'relu');
  const dropout = numberFlag(command, 'dropout', v.dropout, 0, { min: 0 });
  if (dropout >= 1) throw new UsageError(`descent ${command}: --dropout must be in [0, 1), got ${dropout}`);
  return { hidden, activation, dropout };
}

/** A hyper-parameter value from --hp KEY=VALUE: a number, true/false, or a comma list of numbers. */
function hpValue(s: string): unknown {
  if (s === 'true' || s === 'false') return s === 'true';
  if (s.includes(',')) return s.split(',').map((p) => Number(p));
  const n = Number(s);
  return s.trim() !== '' && Number.isFinite(n) ? n : s;
}

/** The optimizer options from the flags; the library validates the values (its errors name the flag). */
export function optimizerFromFlags(command: string, v: Parsed['values'], name?: string): OptimizerOptions {
  const opt = choiceFlag(command, 'optimizer', name ?? v.optimizer, optimizerNames, 'adam' as never);
  const o: Record<string, unknown> = { name: opt, lr: numberFlag(command, 'lr', v.lr, 0.01) };
  if (v.momentum !== undefined) o.momentum = numberFlag(command, 'momentum', v.momentum, 0);
  if (v['weight-decay'] !== undefined) o.weightDecay = numberFlag(command, 'weight-decay', v['weight-decay'], 0);
  if (v.eps !== undefined) o.eps = numberFlag(command, 'eps', v.eps, 0);
  if (v.betas !== undefined) {
    const parts = String(v.betas).split(',');
    if (parts.length !== 2) throw new UsageError(`descent ${command}: --betas expects two numbers, e.g. 0.9,0.999`);
    o.betas = parts.map((p) => numberFlag(command, 'betas', p, 0));
  }
  for (const kv of (v.hp as string[] | undefined) ?? []) {
    const i = kv.indexOf('=');
    if (i < 1) throw new UsageError(`descent ${command}: --hp expects KEY=VALUE, e.g. --hp amsgrad=true, got ${JSON.stringify(kv)}`);
    o[kv.slice(0, i).trim()] = hpValue(kv.slice(i + 1).trim());
  }
  // Validated now, so a bad hyper-parameter is reported before any data is read.
  resolveOptimizer(o as unknown as OptimizerOptions);
  return o as unknown as OptimizerOptions;
}

/** --batch: 'full', 'stochastic' or a positive integer; undefined when not given (then min(32, rows), as train()). */
export function batchFromFlag(command: string, v: Parsed['values'][string]): BatchOption | undefined {
  if (v === undefined) return undefined;
  if (v === 'full' || v === 'stochastic') return v;
  return numberFlag(command, 'batch', v, 32, { integer: true, min: 1 });
}

/** Loss and accuracy or R², as one short text. */
export function describeEval(e: Evaluation): string {
  const r2 = e.r2 !== undefined && e.r2 < -HUGE ? `, R² ${finite(e.r2, 4)} (the predictions are useless: the run diverged or did not converge)` : e.r2 !== undefined ? `, R² ${finite(e.r2, 4)}` : '';
  return `loss ${finite(e.loss)}${e.accuracy !== undefined ? `, accuracy ${finite(e.accuracy, 4)}` : ''}${r2}`;
}

/** Time as 850 ms / 12.3 s / 4 min 05 s. */
export function duration(ms: number): string {
  if (!Number.isFinite(ms)) return '?';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const s = Math.round(ms / 1000);
  return `${Math.floor(s / 60)} min ${String(s % 60).padStart(2, '0')} s`;
}

/** A Markdown table: numeric columns right-aligned, text columns left-aligned. */
export function table(head: string[], rows: string[][]): string {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const numeric = head.map((_, i) => rows.every((r) => r[i] === '' || /^[-+]?[\d.]+(e[-+]?\d+)?( ms| s)?$/.test(r[i])));
  const line = (cells: string[]) => '| ' + cells.map((c, i) => (numeric[i] ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join(' | ') + ' |';
  const rule = '|' + widths.map((w, i) => (numeric[i] ? '-'.repeat(w + 1) + ':' : '-'.repeat(w + 2))).join('|') + '|';
  return [line(head), rule, ...rows.map(line)].join('\n');
}

/** How progress is shown: a bar on a terminal, one line per epoch otherwise, JSON lines, or nothing. */
export type ProgressMode = 'bar' | 'lines' | 'json' | 'quiet';

/** The progress mode the flags and the terminal call for. */
export function progressMode(v: Parsed['values']): ProgressMode {
  if (v.json) return 'json';
  if (v.quiet) return 'quiet';
  return process.stderr.isTTY ? 'bar' : 'lines';
}

/** One epoch as progress sees it. */
export interface EpochProgress {
  epoch: number;
  loss: number;
  ms: number;
  lr: number;
  samples: number;
}

/** Reports training progress per epoch; `done()` clears the bar. */
export class Progress {
  private bar: cliProgress.SingleBar | undefined;
  constructor(private readonly mode: ProgressMode, private readonly total: number, private readonly label = '') {
    if (mode === 'bar') {
      this.bar = new cliProgress.SingleBar({
        format: `${label ? label + ' ' : ''}epoch {value}/{total} |{bar}| loss {loss} | {elapsed} elapsed | eta {eta_formatted}`,
        stream: process.stderr, hideCursor: true, clearOnComplete: true, barsize: 24, etaBuffer: 20,
      }, cliProgress.Presets.shades_classic);
      this.bar.start(total, 0, { loss: '—', elapsed: '0 ms' });
    }
  }

  /** After each epoch. */
  epoch(p: EpochProgress, extra: Record<string, unknown> = {}): void {
    if (this.mode === 'bar') this.bar!.update(p.epoch, { loss: p.loss.toPrecision(5), elapsed: duration(p.ms) });
    else if (this.mode === 'lines') {
      const eta = (p.ms / p.epoch) * (this.total - p.epoch);
      process.stderr.write(`${this.label ? this.label + ' ' : ''}epoch ${p.epoch}/${this.total}  loss ${p.loss.toPrecision(6)}  ${duration(p.ms)}  eta ${duration(eta)}\n`);
    } else if (this.mode === 'json') {
      process.stdout.write(JSON.stringify({ event: 'epoch', ...extra, epoch: p.epoch, loss: p.loss, ms: round(p.ms), lr: p.lr, samples: p.samples }) + '\n');
    }
  }

  /** Ends the bar. */
  done(): void {
    this.bar?.stop();
  }
}

/** Milliseconds to 0.01 ms, for JSON. */
export function round(ms: number): number {
  return Math.round(ms * 100) / 100;
}

/** Fails before training when an output file cannot be written (its folder is missing or not a folder). */
export function checkWritable(command: string, flag: string, path: Parsed['values'][string]): string | undefined {
  if (path === undefined) return undefined;
  if (typeof path !== 'string' || path === '') throw new UsageError(`descent ${command}: --${flag} needs a file name`);
  const dir = dirname(resolve(path));
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new DataError(`cannot write ${path}: the folder ${dirname(path)} does not exist`);
  if (existsSync(path) && statSync(path).isDirectory()) throw new DataError(`cannot write ${path}: it is a directory`);
  return path;
}

/** A path as the file system resolves it (symbolic links followed where the file exists). */
function samePath(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return resolve(path);
  }
}

/**
 * Refuses, before anything runs, an output that would overwrite an input (`descent train d.csv --save d.csv`)
 * or another output (`--save out.json --plot out.json`).
 */
export function checkOutputs(command: string, outputs: { flag: string; path: string | undefined }[], inputs: { what: string; path: string | undefined }[]): void {
  const seen = new Map<string, string>();
  for (const o of outputs) {
    if (o.path === undefined) continue;
    const key = samePath(o.path);
    for (const i of inputs) {
      if (i.path !== undefined && existsSync(i.path) && samePath(i.path) === key) {
        throw new UsageError(`descent ${command}: --${o.flag} ${o.path} would overwrite ${i.what} ${i.path}; choose another file name`);
      }
    }
    const other = seen.get(key);
    if (other) throw new UsageError(`descent ${command}: --${o.flag} and --${other} name the same file ${o.path}; give each its own file`);
    seen.set(key, o.flag);
  }
}

/** Writes an output file, a failure as a one-line DataError. */
export function writeOutput(path: string, text: string | Uint8Array): void {
  try {
    writeFileSync(path, text);
  } catch (e) {
    throw new DataError(`cannot write ${path}: ${(e as Error).message}`);
  }
}

/** Rejects extra positional arguments. */
export function expectPositionals(command: string, p: string[], min: number, max: number, what: string): void {
  if (p.length < min) throw new UsageError(`descent ${command}: missing ${what}; see descent ${command} --help`);
  if (p.length > max) throw new UsageError(`descent ${command}: unexpected argument ${JSON.stringify(p[max])}; see descent ${command} --help`);
}
