// Checks of what crosses the thread boundary, in both directions. The host checks every message a worker
// sends before acting on it, and checks that the options it sends are plain data; the worker checks the
// job it receives. Each check returns what was wrong (a short phrase) or throws a typed error, so that a
// misbehaving peer ends the run with a DescentError rather than an uncaught TypeError or a result of `{}`.
import { DescentError, HyperParameterError } from '../errors.js';
import { show } from '../validate.js';

const BACKENDS = ['js', 'wasm-scalar', 'wasm-simd', 'wasm-relaxed'];
const KINDS = ['linear', 'logistic', 'softmax', 'sequential'];

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object';
}

function isCount(v: unknown): boolean {
  return typeof v === 'number' && Number.isInteger(v) && v >= 0;
}

/**
 * Throws a HyperParameterError naming the first value under `path` that structured clone would refuse
 * (functions, symbols) or change (class instances such as a Dataset, which lose their prototype).
 */
export function checkCloneable(path: string, v: unknown, depth = 0): void {
  if (v === null || v === undefined || typeof v === 'number' || typeof v === 'string' || typeof v === 'boolean') return;
  if (depth > 16) throw new HyperParameterError(path, 'is nested too deeply to send to a worker');
  if (typeof v === 'function' || typeof v === 'symbol' || typeof v === 'bigint') {
    throw new HyperParameterError(path, `${show(v)} cannot be sent to a worker; options must be plain data`);
  }
  if (Array.isArray(v)) {
    v.forEach((x, i) => checkCloneable(`${path}[${i}]`, x, depth + 1));
    return;
  }
  const proto = Object.getPrototypeOf(v);
  if (proto !== Object.prototype && proto !== null) {
    throw new HyperParameterError(path, `a ${proto?.constructor?.name ?? 'class'} instance cannot be sent to a worker; options must be plain data`);
  }
  for (const [k, x] of Object.entries(v as object)) checkCloneable(`${path}.${k}`, x, depth + 1);
}

/** What is wrong with a worker's message, or null when it has the shape its type promises. */
export function checkFromWorker(m: unknown, nParams: number): string | null {
  if (!isObject(m)) return `expected an object, got ${show(m)}`;
  switch (m.type) {
    case 'ready': {
      const info = m.info, rows = m.rows;
      if (!isObject(info) || !BACKENDS.includes(info.name as string)) return `ready: info.name must be a backend, got ${show(isObject(info) ? info.name : info)}`;
      if (!isObject(rows) || !isCount(rows.train) || !isCount(rows.test)) return 'ready: rows must be { train, test } counts';
      return null;
    }
    case 'progress':
      if (!Array.isArray(m.records) || !m.records.every(isRecord)) return 'progress: records must be epoch records';
      if (!(m.params instanceof Float32Array) || m.params.length !== nParams) return `progress: params must be a Float32Array of ${nParams}`;
      return null;
    case 'batch': {
      const e = m.event;
      if (!isObject(e) || !['epoch', 'batch', 'batches', 'steps', 'loss', 'lr', 'ms'].every((k) => typeof e[k] === 'number')) {
        return 'batch: event must hold numbers epoch, batch, batches, steps, loss, lr, ms';
      }
      return null;
    }
    case 'result':
      return checkResult(m.result, nParams);
    case 'error': {
      const e = m.error;
      if (!isObject(e) || typeof e.name !== 'string' || typeof e.message !== 'string') return 'error: must carry { name, message } strings';
      return null;
    }
    default:
      return `unknown message type ${show(m.type)}`;
  }
}

function isRecord(r: unknown): boolean {
  return isObject(r) && ['epoch', 'loss', 'ms', 'lr', 'steps'].every((k) => typeof r[k] === 'number');
}

function checkResult(r: unknown, nParams: number): string | null {
  if (!isObject(r)) return `result: expected an object, got ${show(r)}`;
  if (!(r.params instanceof Float32Array) || r.params.length !== nParams) return `result: params must be a Float32Array of ${nParams}`;
  if (!Array.isArray(r.history) || !r.history.every(isRecord)) return 'result: history must be epoch records';
  if (typeof r.stopReason !== 'string') return 'result: stopReason must be a string';
  if (!isCount(r.epochs) || !isCount(r.steps) || typeof r.ms !== 'number') return 'result: epochs, steps and ms must be numbers';
  if (!BACKENDS.includes(r.backend as string)) return `result: backend must be a backend name, got ${show(r.backend)}`;
  if (!isObject(r.rows) || !isCount(r.rows.train) || !isCount(r.rows.test)) return 'result: rows must be { train, test } counts';
  if (r.predictions !== undefined && !(r.predictions instanceof Float32Array)) return 'result: predictions must be a Float32Array';
  if (r.runningStats !== undefined && !(r.runningStats instanceof Float32Array)) return 'result: runningStats must be a Float32Array';
  return null;
}

/** Throws a DescentError (code E_WORKER) when the start message a worker received is not a job. */
export function checkJobMessage(msg: unknown): void {
  const fail = (why: string): never => {
    throw new DescentError('E_WORKER', `descent worker: the start message is malformed: ${why}`);
  };
  if (!isObject(msg) || msg.type !== 'start') fail(`expected { type: 'start', job }, got ${show(isObject(msg) ? msg.type : msg)}`);
  const job = (msg as Record<string, unknown>).job;
  if (!isObject(job)) return fail('job must be an object');
  if (!(job.x instanceof Float32Array) || !(job.y instanceof Float32Array)) fail('x and y must be Float32Arrays');
  if (!(typeof job.features === 'number' && Number.isInteger(job.features) && job.features >= 1)) fail('features must be a positive integer');
  if (!isObject(job.model) || !KINDS.includes(job.model.kind as string)) fail('model must be { kind, classes? } or { kind: \'sequential\', options }');
  const model = job.model as Record<string, unknown>;
  if (model.kind === 'sequential' && !isObject(model.options)) fail('a sequential model needs its options');
  if (!isObject(job.train)) fail('train must be an object');
  if (typeof job.progressMs !== 'number' || typeof job.standardize !== 'boolean' || typeof job.predictions !== 'boolean') {
    fail('progressMs, standardize and predictions must be a number and booleans');
  }
  for (const k of ['test', 'validation'] as const) {
    const set = job[k];
    if (set !== undefined && (!isObject(set) || !(set.x instanceof Float32Array) || !(set.y instanceof Float32Array))) fail(`${k} must be { x, y } Float32Arrays`);
  }
  if (job.initialParams !== undefined && !(job.initialParams instanceof Float32Array)) fail('initialParams must be a Float32Array');
  for (const k of ['csr', 'testCsr', 'validationCsr'] as const) {
    const c = job[k];
    if (c !== undefined && (!isObject(c) || !(c.indptr instanceof Int32Array) || !(c.indices instanceof Int32Array))) fail(`${k} must be { indptr, indices } Int32Arrays`);
  }
}
