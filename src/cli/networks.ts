// The networks the command line builds besides --model mlp: --model cnn (a small convolutional network for
// image rows: conv 8 3×3 → relu → max pool 2 → conv 16 3×3 → relu → max pool 2 → dense) and --layers FILE
// (layer specs from a JSON file). The shape of a row comes from --image-shape or the built-in's image shape;
// the loss and the output layer follow the task (softmax for k classes, logistic for two, squared for values).
import { readFileSync } from 'node:fs';
import type { Parsed } from './args.js';
import { UsageError } from './args.js';
import { DataError } from '../errors.js';
import type { LayerSpec, NetworkLoss, SequentialOptions } from '../models/network/network.js';

function lossFor(classes: number): NetworkLoss {
  return classes >= 3 ? 'softmax' : classes === 2 ? 'logistic' : 'squared';
}

/** --image-shape C,H,W, or the built-in's, checked against the features. */
function shapeOf(command: string, v: Parsed['values'], features: number, builtinShape?: readonly number[]): number[] | undefined {
  const flag = v['image-shape'];
  const shape = flag !== undefined ? String(flag).split(',').map((s) => Number(s.trim())) : builtinShape ? [...builtinShape] : undefined;
  if (shape === undefined) return undefined;
  if (shape.length !== 3 || !shape.every((n) => Number.isInteger(n) && n >= 1) || shape[0] * shape[1] * shape[2] !== features) {
    throw new UsageError(`descent ${command}: --image-shape must be C,H,W with C·H·W = ${features} (the features), got ${flag}`);
  }
  return shape;
}

/** The sequential options of --model cnn or --layers FILE (validated by sequential() itself). */
export function networkSpec(command: string, kind: 'cnn' | 'layers', v: Parsed['values'], features: number, classes: number,
  builtinShape?: readonly number[]): SequentialOptions {
  const loss = lossFor(classes);
  const outputs = classes >= 3 ? classes : 1;
  const image = shapeOf(command, v, features, builtinShape);
  if (kind === 'cnn') {
    if (!image) throw new UsageError(`descent ${command}: --model cnn needs images: give --image-shape C,H,W (a built-in such as digits or mnist has one)`);
    // 'same' padding keeps small images (digits are 8×8) large enough for both pools.
    const layers: LayerSpec[] = [
      { type: 'conv2d', filters: 8, kernel: 3, padding: 'same' } as LayerSpec, { type: 'relu' }, { type: 'maxPool2d', size: 2 } as LayerSpec,
      { type: 'conv2d', filters: 16, kernel: 3, padding: 'same' } as LayerSpec, { type: 'relu' }, { type: 'maxPool2d', size: 2 } as LayerSpec,
      { type: 'flatten' }, { type: 'dense', units: outputs },
    ];
    return { inputShape: image, layers, loss };
  }
  if (v.layers === undefined) throw new UsageError(`descent ${command}: --model layers needs --layers FILE`);
  const path = String(v.layers);
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new DataError(`--layers ${path}: ${(e as Error).message.slice(0, 200)}`);
  }
  const o = (Array.isArray(json) ? { layers: json } : json) as { inputShape?: number[]; layers?: LayerSpec[] };
  if (o === null || typeof o !== 'object' || !Array.isArray(o.layers)) throw new DataError(`--layers ${path}: expected an array of layer specs or { inputShape, layers }`);
  // A network that starts with a dense layer reads flat rows; one that starts with convolutions or pools, images.
  const flat = (o.layers[0] as { type?: string } | undefined)?.type === 'dense';
  return { inputShape: o.inputShape ?? (flat ? [features] : image ?? [features]), layers: o.layers, loss };
}
