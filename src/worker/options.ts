// trainInWorker's own options (how the job is delivered), checked before anything starts: the same on every host.
import { HyperParameterError, checkKeys } from '../errors.js';
import { show } from '../validate.js';
import type { BatchEvent, ProgressEvent } from './protocol.js';

/** How the job is delivered. */
export interface TrainInWorkerOptions {
  /**
   * Move the data's ArrayBuffers into the worker instead of copying them (default true). A Float32Array
   * that owns its whole buffer is detached on the caller's side; anything else is copied once first.
   */
  transfer?: boolean;
  /** Batch progress messages: at most one post per this many milliseconds (default 16; 0 = every epoch). */
  progressMs?: number;
  /** After stop(), how long to wait for the worker to end (between runs of batches) before terminating it (ms, default 1000). */
  stopTimeoutMs?: number;
  /** Called for each progress event (as `on('progress', fn)`). */
  onProgress?: (e: ProgressEvent) => void;
  /** Called for each within-epoch event (as `on('batch', fn)`). */
  onBatch?: (e: BatchEvent) => void;
}

/** The options every host reads; a host adds its own (`worker`). */
const OPTION_KEYS = ['transfer', 'progressMs', 'stopTimeoutMs', 'onProgress', 'onBatch'];
/** The longest delay a timer takes (2^31 − 1 ms); longer ones fire at once. */
const MAX_MS = 2 ** 31 - 1;

/** Checks trainInWorker's own options (HyperParameterError naming the option, with a did-you-mean for typos). */
export function checkWorkerOptions(o: unknown, hostKeys: readonly string[]): void {
  checkKeys('options', o, [...OPTION_KEYS, ...hostKeys]);
  const opt = o as TrainInWorkerOptions;
  if (opt.transfer !== undefined && typeof opt.transfer !== 'boolean') throw new HyperParameterError('transfer', `must be true or false, got ${show(opt.transfer)}`);
  for (const k of ['progressMs', 'stopTimeoutMs'] as const) {
    const v = opt[k];
    if (v !== undefined && !(typeof v === 'number' && v >= 0 && v <= MAX_MS)) throw new HyperParameterError(k, `must be a number of milliseconds in [0, ${MAX_MS}], got ${show(v)}`);
  }
  for (const k of ['onProgress', 'onBatch'] as const) {
    if (opt[k] !== undefined && typeof opt[k] !== 'function') throw new HyperParameterError(k, `must be a function, got ${show(opt[k])}`);
  }
}
