// The options of train()'s `checkpoint` and what `onCheckpoint` receives (types only; training/checkpoint.ts
// does the work).
import type { TrainState } from './state.js';
import type { TrainableJSON } from '../models/trainable.js';

/** What `onCheckpoint` receives. */
export interface Checkpoint {
  /** `'latest'`: the run's state to resume from; `'best'`: the model of the best validation epoch so far. */
  kind: 'latest' | 'best';
  /** Epochs completed. */
  epoch: number;
  /** Gradient steps taken. */
  steps: number;
  /** The training state (kind `'latest'`): `train(…, { resume: state })` goes on bit-identically. */
  state?: TrainState;
  /** The model with its output parameters (kind `'best'`), as `model.toJSON()`. */
  model?: TrainableJSON;
}

/** Options of train()'s `checkpoint`. */
export interface CheckpointOptions {
  /** Node: a folder for `checkpoint-<steps>.json` files (written atomically) and `best.json`; created if missing. */
  dir?: string;
  /** Called with every checkpoint (the only way in a browser). */
  onCheckpoint?: (c: Checkpoint) => void;
  /** When: after every epoch (default), or every so many gradient steps. */
  every?: 'epoch' | number;
  /** How many checkpoint files `dir` keeps, newest first (default 2: the previous survives a bad newest). */
  keep?: number;
  /** Also keep the model of the best validation epoch (needs a validation set): lowest loss or highest accuracy/R². */
  best?: 'valLoss' | 'valAccuracy';
}
