// Checkpoints and the epoch log of a train() run: the run's TrainState handed to `onCheckpoint` and, in Node,
// written to a folder (files through a host that the Node entry registers, so browser bundles carry no fs);
// the model of the best validation epoch; one JSON line per epoch appended to `logFile`. Browser-safe. Built on
// the Trainer's public surface: epoch work in its onEpoch, step checkpoints between calls of step(k).
import { HyperParameterError } from '../errors.js';
import { int, onlyKeys, show } from '../validate.js';
import type { EpochRecord, TrainState } from './state.js';
import type { Checkpoint, CheckpointOptions } from './checkpoint-options.js';
import type { Trainer } from './trainer.js';
import type { TrainOptions, TrainResult } from './options.js';

/** Writing files, registered by the Node entry (training/checkpoint-node.ts). */
export interface CheckpointHost {
  /** Writes `dir/name` atomically (temporary file, fsync, rename), creating `dir`. */
  writeAtomic(dir: string, name: string, text: string): void;
  /** Encodes a state as a checkpoint file's text (with its length and checksum). */
  encode(state: TrainState): string;
  /** The checkpoint files in `dir`, oldest first. */
  list(dir: string): string[];
  /** Deletes `dir/name`. */
  remove(dir: string, name: string): void;
  /** Appends a line to a file. */
  append(file: string, line: string): void;
}

let host: CheckpointHost | undefined;

/** @internal Registers the file host (the Node entry does this). */
export function setCheckpointHost(h: CheckpointHost): void {
  host = h;
}

/** A checkpoint file's name: the step count zero-padded, so names sort in step order. */
export function checkpointName(steps: number): string {
  return `checkpoint-${String(steps).padStart(12, '0')}.json`;
}

/** A run's checkpointing, validated before the Trainer allocates anything. */
export class Checkpoints {
  private readonly dir: string | undefined;
  private readonly on: ((c: Checkpoint) => void) | undefined;
  /** Steps between checkpoints; 0: at every epoch's end. */
  readonly everySteps: number;
  private readonly keep: number;
  private readonly best: 'valLoss' | 'valAccuracy' | undefined;
  private readonly logFile: string | undefined;
  private bestValue: number;

  /** Validates `checkpoint` and `logFile`; undefined when neither is given. */
  static open(o: CheckpointOptions | undefined, logFile: string | undefined, hasValidation: boolean, resumed?: TrainState): Checkpoints | undefined {
    if (o === undefined && logFile === undefined) return undefined;
    if (logFile !== undefined && (typeof logFile !== 'string' || logFile === '')) throw new HyperParameterError('logFile', `must be a file path, got ${show(logFile)}`);
    if (o !== undefined) {
      if (o === null || typeof o !== 'object') throw new HyperParameterError('checkpoint', `must be an object, got ${show(o)}`);
      onlyKeys('checkpoint', o, ['dir', 'onCheckpoint', 'every', 'keep', 'best']);
      if (o.dir === undefined && o.onCheckpoint === undefined) throw new HyperParameterError('checkpoint', 'needs dir (Node) or onCheckpoint');
      if (o.dir !== undefined && (typeof o.dir !== 'string' || o.dir === '')) throw new HyperParameterError('checkpoint.dir', `must be a folder path, got ${show(o.dir)}`);
      if (o.onCheckpoint !== undefined && typeof o.onCheckpoint !== 'function') throw new HyperParameterError('checkpoint.onCheckpoint', `must be a function, got ${show(o.onCheckpoint)}`);
      if (o.every !== undefined && o.every !== 'epoch') int('checkpoint.every', o.every, 1, 1);
      if (o.best !== undefined && o.best !== 'valLoss' && o.best !== 'valAccuracy') {
        throw new HyperParameterError('checkpoint.best', `must be 'valLoss' or 'valAccuracy', got ${show(o.best)}`);
      }
      if (o.best !== undefined && !hasValidation) throw new HyperParameterError('checkpoint.best', 'needs a validation set (validation or validationFraction)');
    }
    if ((o?.dir !== undefined || logFile !== undefined) && !host) {
      throw new HyperParameterError(o?.dir !== undefined ? 'checkpoint.dir' : 'logFile', 'writing files needs Node (descent-ml/node); in a browser, use checkpoint.onCheckpoint');
    }
    return new Checkpoints(o ?? {}, logFile, resumed);
  }

  private constructor(o: CheckpointOptions, logFile: string | undefined, resumed: TrainState | undefined) {
    this.dir = o.dir;
    this.on = o.onCheckpoint;
    this.everySteps = o.dir === undefined && o.onCheckpoint === undefined ? 0 : o.every === undefined || o.every === 'epoch' ? 0 : o.every;
    this.keep = int('checkpoint.keep', o.keep, 2, 1);
    this.best = o.best;
    this.logFile = logFile;
    // The best so far survives a resume: it is read back from the saved history, not stored apart.
    this.bestValue = o.best === 'valAccuracy' ? -Infinity : Infinity;
    for (const r of resumed?.history ?? []) this.improves(r);
  }

  private get checkpointing(): boolean {
    return this.dir !== undefined || this.on !== undefined;
  }

  private improves(r: EpochRecord): boolean {
    const v = this.best === 'valLoss' ? r.valLoss : this.best === 'valAccuracy' ? r.valMetric : undefined;
    if (v === undefined || !Number.isFinite(v)) return false;
    const better = this.best === 'valLoss' ? v < this.bestValue : v > this.bestValue;
    if (better) this.bestValue = v;
    return better;
  }

  /** The `onEpoch` train() gives its Trainer: the epoch's log line and checkpoints, then the caller's own `onEpoch`. */
  onEpoch(user: TrainOptions['onEpoch']): NonNullable<TrainOptions['onEpoch']> {
    if (user !== undefined && typeof user !== 'function') throw new HyperParameterError('onEpoch', `must be a function, got ${show(user)}`);
    return (rec, ctx) => {
      this.epochEnd(rec, ctx.save);
      return user ? user(rec, ctx) : undefined;
    };
  }

  /** Runs the trainer to its end, stopping every `every` steps for a checkpoint when checkpoints count steps. */
  run(t: Trainer): TrainResult {
    const k = this.checkpointing ? this.everySteps : 0;
    if (k === 0) return t.run();
    while (!t.done) {
      const before = t.steps;
      t.step(k - (t.steps % k));
      if (t.steps === before) break;
      if (t.steps % k === 0 && t.stopReason !== 'diverged') this.write(t.save());
    }
    return t.result();
  }

  /**
   * After an epoch (its record in the history, the counters of the next epoch set, as `onEpoch` sees them): the
   * log line, the best model, the epoch checkpoint. The state is saved once, and only when something needs it.
   */
  private epochEnd(rec: EpochRecord, save: () => TrainState): void {
    if (this.logFile !== undefined) {
      const line: Record<string, number> = { epoch: rec.epoch, loss: rec.loss };
      if (rec.valLoss !== undefined) line.valLoss = rec.valLoss;
      if (rec.valMetric !== undefined) line.valMetric = rec.valMetric;
      Object.assign(line, { lr: rec.lr, ms: rec.ms, steps: rec.steps });
      host!.append(this.logFile, JSON.stringify(line) + '\n');
    }
    if (!this.checkpointing) return;
    let state: TrainState | undefined;
    const get = () => (state ??= save());
    if (this.best !== undefined && this.improves(rec)) {
      // The parameters the run would end with here: the average once averaging has begun, else the iterate.
      const s = get();
      const model = { ...s.model, params: s.avg && s.loop.avgCount > 0 ? s.avg : s.model.params };
      this.on?.({ kind: 'best', epoch: rec.epoch, steps: rec.steps, model });
      if (this.dir !== undefined) host!.writeAtomic(this.dir, 'best.json', JSON.stringify(model) + '\n');
    }
    if (this.everySteps === 0) this.write(get());
  }

  /** Writes (and hands over) a state checkpoint, then removes the files beyond `keep`. */
  private write(state: TrainState): void {
    this.on?.({ kind: 'latest', epoch: state.epoch, steps: state.steps, state });
    if (this.dir === undefined) return;
    const h = host!;
    h.writeAtomic(this.dir, checkpointName(state.steps), h.encode(state));
    const files = h.list(this.dir);
    for (const f of files.slice(0, Math.max(0, files.length - this.keep))) h.remove(this.dir, f);
  }
}
