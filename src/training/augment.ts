// Input augmentation of a network's training rows: train(net, ds, { augment: { shift: 2 } }) shifts each image
// row by a random (dx, dy) in [−shift, shift]² per row per epoch, zeros filling what comes in. The shift is
// applied where a chunk's rows are gathered (assembly/rowgather.ts, js twin src/backends/js/rowgather.ts),
// drawn from a hash of (seed, epoch, data row): the same on every backend and for every thread count. This file
// checks the option and keeps the run's augmentation record (abi.json `augment`).
import { HyperParameterError } from '../errors.js';
import { AUGMENT, AUGMENT_LEN } from '../backends/abi.generated.js';
import { Block } from '../runtime/block.js';
import type { Backend } from '../runtime/index.js';
import type { Dataset } from '../data/dataset.js';
import type { Trainable } from '../models/trainable.js';
import { int, onlyKeys, show } from '../validate.js';

/** `train`'s `augment` option: random shifts of image rows (networks only). */
export interface AugmentOptions {
  /**
   * The largest shift in pixels, an integer ≥ 0 below the image's height and width: each row moves by (dx, dy),
   * each drawn uniformly from [−shift, shift], anew every epoch; pixels shifted in are 0 (after standardization,
   * the feature's mean). 0 turns augmentation off.
   */
  shift: number;
  /** Seed of the shifts (independent of the shuffling). Default: train's `seed`. */
  seed?: number;
}

/** Checked augmentation: the shift and the [C, H, W] shape of the rows. */
export interface AugmentPlan {
  shift: number;
  shape: readonly [number, number, number];
  seed: number | undefined;
}

/**
 * Checks `augment` against the model and data, before anything is allocated: a network whose rows are images
 * (the dataset's `imageShape`, else the network's three-dimensional `inputShape`) and a shift that leaves some
 * of every image. Null when absent or shift 0.
 */
export function augmentPlan(v: AugmentOptions | undefined, model: Trainable, ds: Dataset): AugmentPlan | null {
  if (v === undefined) return null;
  if (v === null || typeof v !== 'object') throw new HyperParameterError('augment', `must be { shift, seed? }, got ${show(v)}`);
  onlyKeys('augment', v, ['shift', 'seed']);
  if (v.shift === undefined) throw new HyperParameterError('augment.shift', 'is required (the largest shift in pixels)');
  const shift = int('augment.shift', v.shift, 0, 0);
  const seed = v.seed === undefined ? undefined : int('augment.seed', v.seed, 0, 0, 0xffffffff);
  const net = model as { layers?: unknown; inputShape?: readonly number[] };
  if (net.layers === undefined) throw new HyperParameterError('augment', `shifts the image rows of a network; a ${model.kind} model has no image input`);
  if (model.tokenIds) throw new HyperParameterError('augment', 'the network reads token ids (its first layer is an embedding), not images');
  const shape = ds.imageShape ?? (net.inputShape?.length === 3 ? net.inputShape : undefined);
  if (!shape || shape.length !== 3 || shape[0] * shape[1] * shape[2] !== ds.features) {
    throw new HyperParameterError('augment', `needs image rows: a dataset with imageShape [C, H, W] or a network whose inputShape is [C, H, W] (the data have ${ds.features} features)`);
  }
  const [c, h, w] = shape;
  if (shift >= Math.min(h, w)) throw new HyperParameterError('augment.shift', `must be below the image's height and width (${h} × ${w}), got ${shift}`);
  return shift === 0 ? null : { shift, shape: [c, h, w], seed };
}

/** The run's augmentation record in backend memory (abi.json `augment`), filled from a plan and the run's seed. */
export function augmentRecord(be: Backend, p: AugmentPlan, seed: number): Block<'f64'> {
  const b = new Block(be, 'f64', AUGMENT_LEN);
  const v = b.view;
  v.fill(0);
  v[AUGMENT.shift] = p.shift;
  v[AUGMENT.channels] = p.shape[0];
  v[AUGMENT.height] = p.shape[1];
  v[AUGMENT.width] = p.shape[2];
  v[AUGMENT.seed] = p.seed ?? seed;
  return b;
}

/** Writes the epoch under way (0-based) into the record: the shifts of the next run of batches are that epoch's. */
export function setAugmentEpoch(record: Block<'f64'>, epoch: number): void {
  record.view[AUGMENT.epoch] = epoch;
}
