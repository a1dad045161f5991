// Command-line parsing on node:util's parseArgs, with messages written for people: an unknown flag
// names the closest known one, a missing or malformed value names the flag and what it takes.
import { parseArgs } from 'node:util';
import type { HyperParameterError } from '../errors.js';

/** Exit codes of the `descent` command (also listed in `descent --help`). */
export const EXIT = {
  /** Success. */
  ok: 0,
  /** Anything unexpected (a bug, an engine without WebAssembly, a file that cannot be written). */
  other: 1,
  /** A usage mistake: unknown command or flag, a missing or malformed value, an out-of-range hyper-parameter. */
  usage: 2,
  /** Data and files: a missing or unreadable input, malformed CSV, non-numeric or missing values, bad labels, a bad model file, an output that cannot be written. */
  data: 3,
  /** Training diverged (loss or parameters stopped being finite); the last finite parameters were kept. */
  diverged: 4,
} as const;

/** A usage mistake: reported as one line and exit code 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** One flag: its type, and a value name and help line for `--help`. */
export interface FlagSpec {
  type: 'string' | 'boolean';
  /** Shown in help, e.g. 'N' or 'NAME|INDEX'. */
  value?: string;
  help: string;
  /** Default shown in help. */
  def?: string;
  short?: string;
  /** The flag may be given several times (values collected in a list). */
  multiple?: boolean;
}

/** A command's flags, by long name. */
export type Flags = Record<string, FlagSpec>;

/** What {@link parse} returns: flag values by long name, and positional arguments. */
export interface Parsed {
  values: Record<string, string | boolean | string[] | undefined>;
  positionals: string[];
}

/** Edit distance where swapping two neighbours counts as one edit (optimal string alignment). */
function distance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0][j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[a.length][b.length];
}

/** The closest of `known` to `word`, when close enough to be a likely typo. */
export function suggest(word: string, known: readonly string[]): string | undefined {
  let best: string | undefined, bestD = Infinity;
  for (const k of known) {
    const dist = distance(word, k);
    if (dist < bestD) { best = k; bestD = dist; }
  }
  return best !== undefined && bestD <= Math.max(1, Math.floor(best.length / 3)) ? best : undefined;
}

/** Parses `argv` for `command` against `flags` (plus --help); throws UsageError with a readable message. */
export function parse(command: string, argv: string[], flags: Flags): Parsed {
  const options: Record<string, { type: 'string' | 'boolean'; short?: string; multiple?: boolean }> = { help: { type: 'boolean', short: 'h' } };
  for (const [name, f] of Object.entries(flags)) {
    options[name] = { type: f.type, ...(f.short ? { short: f.short } : {}), ...(f.multiple ? { multiple: true } : {}) };
  }
  // parseArgs refuses "--lr -1" as ambiguous; a negative number after a value flag is plainly its value.
  const args: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const name = a.startsWith('--') ? a.slice(2) : undefined;
    if (name && !name.includes('=') && options[name]?.type === 'string' && i + 1 < argv.length && /^-(\d|\.\d)/.test(argv[i + 1])) {
      args.push(`${a}=${argv[++i]}`);
    } else args.push(a);
  }
  try {
    const r = parseArgs({ args, options, allowPositionals: true, strict: true });
    return { values: r.values as Parsed['values'], positionals: r.positionals };
  } catch (e) {
    const err = e as { code?: string; message: string };
    const flag = /'(-{1,2}[^' <]+)/.exec(err.message)?.[1] ?? '';
    const where = `descent ${command}`;
    if (err.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
      const hint = suggest(flag.replace(/^-+/, ''), Object.keys(options));
      throw new UsageError(`${where}: unknown option ${flag}${hint ? ` (did you mean --${hint}?)` : ''}; see descent ${command} --help`);
    }
    if (err.code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') {
      if (/does not take an argument/.test(err.message)) throw new UsageError(`${where}: ${flag} takes no value`);
      const spec = flags[flag.replace(/^-+/, '')];
      throw new UsageError(`${where}: ${flag} needs a value${spec?.value ? ` (${spec.value})` : ''}`);
    }
    throw new UsageError(`${where}: ${err.message.split('\n')[0]}`);
  }
}

/** Parses a command's flags; with --help prints `help` and returns undefined (the command then succeeds). */
export function parseCommand(command: string, argv: string[], flags: Flags, help: string): Parsed | undefined {
  const p = parse(command, argv, flags);
  if (!p.values.help) return p;
  process.stdout.write(help);
  return undefined;
}

/** A flag's number: finite, and within the range given. */
export function numberFlag(command: string, name: string, v: Parsed['values'][string], def: number,
  range: { min?: number; max?: number; gt?: number; integer?: boolean } = {}): number {
  if (v === undefined) return def;
  const s = String(v).trim();
  const x = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(s) ? Number(s) : NaN;
  const kind = range.integer ? 'an integer' : 'a number';
  if (!Number.isFinite(x) || (range.integer && !Number.isInteger(x))) {
    throw new UsageError(`descent ${command}: --${name} expects ${kind}, got ${JSON.stringify(String(v))}`);
  }
  if (range.min !== undefined && x < range.min) throw new UsageError(`descent ${command}: --${name} must be ≥ ${range.min}, got ${s}`);
  if (range.max !== undefined && x > range.max) throw new UsageError(`descent ${command}: --${name} must be ≤ ${range.max}, got ${s}`);
  if (range.gt !== undefined && !(x > range.gt)) throw new UsageError(`descent ${command}: --${name} must be > ${range.gt}, got ${s}`);
  return x;
}

/** A flag's value among `choices`. */
export function choiceFlag<T extends string>(command: string, name: string, v: Parsed['values'][string], choices: readonly T[], def: T): T {
  if (v === undefined) return def;
  const s = String(v);
  if ((choices as readonly string[]).includes(s)) return s as T;
  const hint = suggest(s, choices);
  throw new UsageError(`descent ${command}: --${name} must be one of ${choices.join(', ')}, got ${JSON.stringify(s)}${hint ? ` (did you mean ${hint}?)` : ''}`);
}

/** Help text for a command: usage line, description, and the flags with their defaults. */
export function helpText(usage: string, description: string, flags: Flags, footer = ''): string {
  const rows = Object.entries(flags).map(([name, f]) => {
    const left = `  ${f.short ? `-${f.short}, ` : ''}--${name}${f.value ? ` ${f.value}` : ''}`;
    return [left, f.help + (f.def !== undefined ? ` (default ${f.def})` : '')];
  });
  rows.push(['  -h, --help', 'show this help']);
  const w = Math.max(...rows.map((r) => r[0].length)) + 2;
  return `Usage: ${usage}\n\n${description}\n\nOptions:\n${rows.map(([l, r]) => l.padEnd(w) + r).join('\n')}\n${footer ? `\n${footer}\n` : ''}`;
}

/** The flag that sets a library option, for error messages ('optimizer.lr' → '--lr'). */
export function flagFor(param: string): string | undefined {
  const map: Record<string, string> = {
    'optimizer.lr': '--lr', 'optimizer.momentum': '--momentum', 'optimizer.weightDecay': '--weight-decay',
    'optimizer.betas': '--betas', 'optimizer.betas[0]': '--betas', 'optimizer.betas[1]': '--betas', 'optimizer.eps': '--eps',
    'optimizer.name': '--optimizer', batch: '--batch', epochs: '--epochs', seed: '--seed', l2: '--l2', tol: '--tol',
    nIterNoChange: '--early-stop', 'csv.target': '--target', 'csv.delimiter': '--delimiter', 'csv.missing': '--missing',
    'csv.labels': '--labels', 'csv.classes': '--classes', 'csv.features': '--columns', dataset: 'DATA', loss: '--loss', epsilon: '--epsilon',
    alpha: '--l1/--elastic-net', l1Ratio: '--elastic-net', penalty: '--l1/--elastic-net', clipNorm: '--clip-norm',
    validationFraction: '--validation', patience: '--early-stopping', restoreBest: '--early-stopping',
  };
  if (param.startsWith('schedule')) return '--schedule';
  return map[param] ?? (param.startsWith('optimizer.') ? `--hp ${param.slice(10)}` : undefined);
}

/** A HyperParameterError's message with the CLI flag named, when there is one. */
export function hyperMessage(e: HyperParameterError): string {
  const flag = flagFor(e.param);
  const what = e.message.slice(e.param.length + 2);
  const known = /^unknown option; expected one of (.*)$/.exec(what);
  if (flag && known && e.param.startsWith('optimizer.')) {
    return `${flag} does not apply to this optimizer (it takes ${known[1].replace(/^name, /, '')})`;
  }
  return flag ? `${flag}: ${what}` : e.message;
}
