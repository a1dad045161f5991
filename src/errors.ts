/**
 * Every error descent throws on purpose is a {@link DescentError}; the subclass says what kind of
 * mistake it was, and `code` is a stable string for programs. Errors are raised before anything is
 * allocated, so a caught error leaves no memory behind.
 *
 * Each class's `name` is a fixed string, not the class's own name: minifiers (esbuild --minify, Vite and
 * webpack production builds) rename classes, and `e.name` must still read `'HyperParameterError'` there.
 */
export class DescentError extends Error {
  /** The class's name, fixed so that it survives minification. */
  override name = 'DescentError';
  /** A stable machine-readable code, e.g. `'E_SHAPE'`. */
  readonly code: string;
  constructor(code: string, message: string) {
    super(message);
    this.code = code;
  }
}

/** Arrays whose lengths or shapes do not fit together (rows, features, labels, parameters). */
export class ShapeError extends DescentError {
  override name = 'ShapeError';
  constructor(message: string) {
    super('E_SHAPE', message);
  }
}

/** A value in the data that cannot be trained on: NaN, ±Infinity, a label out of range. */
export class DataError extends DescentError {
  override name = 'DataError';
  /** 0-based row of the bad value, when known. */
  readonly row?: number;
  /** 0-based column of the bad value, when known (features; the label column is `features`). */
  readonly column?: number;
  /** 1-based line of a text source (CSV) where the bad value stands, when known. */
  readonly line?: number;
  constructor(message: string, where: { row?: number; column?: number; line?: number } = {}) {
    super('E_DATA', message);
    this.row = where.row;
    this.column = where.column;
    this.line = where.line;
  }
}

/** An option or hyper-parameter that is unknown or out of its range; `param` names it. */
export class HyperParameterError extends DescentError {
  override name = 'HyperParameterError';
  /** The option's path, e.g. `'optimizer.betas[0]'` or `'batch'`. */
  readonly param: string;
  constructor(param: string, message: string) {
    super('E_HYPER', `${param}: ${message}`);
    this.param = param;
  }
}

/** The requested backend cannot run here (no WebAssembly, SIMD refused, not initialised). */
export class BackendError extends DescentError {
  override name = 'BackendError';
  constructor(message: string) {
    super('E_BACKEND', message);
  }
}

/** An object was used after `dispose()`, or with a backend other than the one that owns it. */
export class DisposedError extends DescentError {
  override name = 'DisposedError';
  constructor(message: string) {
    super('E_DISPOSED', message);
  }
}

/**
 * Parses JSON text from a file or a network; a malformed or truncated text is a {@link DataError} naming
 * `where` (the loader), never an untyped SyntaxError.
 */
export function parseJSONText(text: string, where: string): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new DataError(`${where}: not valid JSON (${String((e as Error).message).slice(0, 120)})`);
  }
}

/**
 * Throws a HyperParameterError for an options object that is not an object or holds a key not in `known`,
 * suggesting the known key it most likely meant (`stop_words` → `stopWords`, `ngram` → `ngramRange`).
 */
export function checkKeys(path: string, options: unknown, known: readonly string[]): void {
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    throw new HyperParameterError(path, `must be an object, got ${options === null ? 'null' : Array.isArray(options) ? 'an array' : typeof options}`);
  }
  for (const key of Object.keys(options)) {
    if (known.includes(key)) continue;
    const hint = nearestKey(key, known);
    throw new HyperParameterError(key, `unknown option${hint ? ` (did you mean ${hint}?)` : ''}; the options are ${known.join(', ')}`);
  }
}

/** The known key that `key` most likely misspells: same letters ignoring case and _-, a prefix, or ≤ 2 edits. */
export function nearestKey(key: string, known: readonly string[]): string | null {
  const norm = (k: string) => k.toLowerCase().replace(/[_\-\s]/g, '');
  const k = norm(key).slice(0, 64);
  if (k.length === 0) return null;
  let best: string | null = null, bestD = 3;
  for (const name of known) {
    const n = norm(name);
    if (n === k) return name;
    if (k.length >= 4 && (n.startsWith(k) || k.startsWith(n))) return name;
    const d = editDistance(k, n);
    if (d < bestD) {
      best = name;
      bestD = d;
    }
  }
  return best;
}

function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = cur;
  }
  return prev[b.length];
}
