/**
 * Every error descent throws on purpose is a {@link DescentError}; the subclass says what kind of
 * mistake it was, and `code` is a stable string for programs. Errors are raised before anything is
 * allocated, so a caught error leaves no memory behind.
 */
export class DescentError extends Error {
  /** A stable machine-readable code, e.g. `'E_SHAPE'`. */
  readonly code: string;
  constructor(code: string, message: string) {
    super(message);
    this.name = new.target.name;
    this.code = code;
  }
}

/** Arrays whose lengths or shapes do not fit together (rows, features, labels, parameters). */
export class ShapeError extends DescentError {
  constructor(message: string) {
    super('E_SHAPE', message);
  }
}

/** A value in the data that cannot be trained on: NaN, ±Infinity, a label out of range. */
export class DataError extends DescentError {
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
  /** The option's path, e.g. `'optimizer.betas[0]'` or `'batch'`. */
  readonly param: string;
  constructor(param: string, message: string) {
    super('E_HYPER', `${param}: ${message}`);
    this.param = param;
  }
}

/** The requested backend cannot run here (no WebAssembly, SIMD refused, not initialised). */
export class BackendError extends DescentError {
  constructor(message: string) {
    super('E_BACKEND', message);
  }
}

/** An object was used after `dispose()`, or with a backend other than the one that owns it. */
export class DisposedError extends DescentError {
  constructor(message: string) {
    super('E_DISPOSED', message);
  }
}
