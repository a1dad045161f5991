// Image layers of sequential networks — conv2d, maxPool2d, avgPool2d, batchNorm — their validation and
// shapes (planImageLayer) and their records in a network program (imageRecord). Rows are NCHW images
// (C·H·W f32 each, PyTorch's order), so flatten after them is free and matches torch.flatten.
import { HyperParameterError, ShapeError } from '../errors.js';
import { LAYER, LAYER_SLOT } from '../backends/abi.generated.js';
import { convPackFloats } from '../backends/js/conv.js';
import { show } from '../validate.js';

/** The image layer specs. */
export type ImageLayerSpec =
  | { type: 'conv2d'; filters: number; kernel: number; stride?: number; padding?: number | 'same' | 'valid'; bias?: boolean; inChannels?: number }
  | { type: 'maxPool2d'; size: number; stride?: number }
  | { type: 'avgPool2d'; size: number; stride?: number }
  | { type: 'batchNorm'; momentum?: number; eps?: number };

/** Keys each image layer accepts. */
export const IMAGE_KEYS: Record<string, readonly string[]> = {
  conv2d: ['type', 'filters', 'kernel', 'stride', 'padding', 'bias', 'inChannels'],
  maxPool2d: ['type', 'size', 'stride'], avgPool2d: ['type', 'size', 'stride'],
  batchNorm: ['type', 'momentum', 'eps'],
};

/** What planning an image layer gives: its output shape, its geometry and its parameter counts. */
export interface ImagePlan {
  outShape: number[];
  /** Weights (conv kernels, in the penalized span) and values in the bias span (conv bias, batch norm γ then β). */
  weights: number;
  biases: number;
  /** Running statistics (batch norm: mean then variance, 2C). */
  stats: number;
  pad: number;
}

const shapeText = (shape: readonly number[]): string => `[${shape.join(', ')}]`;

function positiveInt(path: string, v: unknown): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 1) throw new HyperParameterError(path, `must be a positive integer, got ${show(v)}`);
  return v;
}

function chw(at: string, type: string, inShape: number[]): [number, number, number] {
  if (inShape.length !== 3) {
    throw new ShapeError(`${at} (${type}) needs an image input [channels, height, width], got shape ${shapeText(inShape)}; put { type: 'reshape', shape: [c, h, w] } before it`);
  }
  return inShape as [number, number, number];
}

/** Validates an image layer spec against its input shape (typed errors naming layers[i] and the field). */
export function planImageLayer(at: string, spec: ImageLayerSpec, inShape: number[]): ImagePlan {
  if (spec.type === 'conv2d') {
    const [C, H, W] = chw(at, 'conv2d', inShape);
    const F = positiveInt(`${at}.filters`, spec.filters);
    const k = positiveInt(`${at}.kernel`, spec.kernel);
    const s = spec.stride === undefined ? 1 : positiveInt(`${at}.stride`, spec.stride);
    if (spec.inChannels !== undefined && spec.inChannels !== C) {
      throw new ShapeError(`${at}.inChannels is ${show(spec.inChannels)} but the layer receives ${C} channels (input ${shapeText(inShape)})`);
    }
    if (spec.bias !== undefined && typeof spec.bias !== 'boolean') throw new HyperParameterError(`${at}.bias`, `must be a boolean, got ${show(spec.bias)}`);
    let pad: number;
    const p = spec.padding ?? 0;
    if (p === 'valid') pad = 0;
    else if (p === 'same') {
      if (s !== 1) throw new HyperParameterError(`${at}.padding`, `'same' needs stride 1 (as in PyTorch), got stride ${s}`);
      if (k % 2 === 0) throw new HyperParameterError(`${at}.padding`, `'same' needs an odd kernel (even kernels would pad unevenly), got ${k}`);
      pad = (k - 1) / 2;
    } else if (typeof p === 'number' && Number.isInteger(p) && p >= 0) pad = p;
    else throw new HyperParameterError(`${at}.padding`, `must be an integer ≥ 0, 'same' or 'valid', got ${show(p)}`);
    if (H + 2 * pad < k || W + 2 * pad < k) {
      throw new ShapeError(`${at}.kernel ${k}×${k} does not fit its input ${shapeText(inShape)} with padding ${pad}`);
    }
    const OH = Math.floor((H + 2 * pad - k) / s) + 1, OW = Math.floor((W + 2 * pad - k) / s) + 1;
    return { outShape: [F, OH, OW], weights: F * C * k * k, biases: spec.bias === false ? 0 : F, stats: 0, pad };
  }
  if (spec.type === 'maxPool2d' || spec.type === 'avgPool2d') {
    const [C, H, W] = chw(at, spec.type, inShape);
    const size = positiveInt(`${at}.size`, spec.size);
    const s = spec.stride === undefined ? size : positiveInt(`${at}.stride`, spec.stride);
    if (size > H || size > W) throw new ShapeError(`${at}.size ${size}×${size} does not fit its input ${shapeText(inShape)}`);
    // Like PyTorch (ceil_mode=False): windows that would run past the edge are dropped (floor).
    return { outShape: [C, Math.floor((H - size) / s) + 1, Math.floor((W - size) / s) + 1], weights: 0, biases: 0, stats: 0, pad: 0 };
  }
  if (inShape.length > 3) throw new ShapeError(`${at} (batchNorm) takes [features], [channels, length] or [channels, height, width], got ${shapeText(inShape)}`);
  if (spec.momentum !== undefined && !(typeof spec.momentum === 'number' && spec.momentum >= 0 && spec.momentum <= 1)) {
    throw new HyperParameterError(`${at}.momentum`, `must be a number in [0, 1], got ${show(spec.momentum)}`);
  }
  if (spec.eps !== undefined && !(typeof spec.eps === 'number' && spec.eps > 0 && Number.isFinite(spec.eps))) {
    throw new HyperParameterError(`${at}.eps`, `must be a finite number > 0, got ${show(spec.eps)}`);
  }
  const C = inShape[0];
  return { outShape: [...inShape], weights: 0, biases: 2 * C, stats: 2 * C, pad: 0 };
}

/** Where an image layer's buffers and parameters are (planned by layers.ts). */
export interface ImageLayout {
  spec: ImageLayerSpec;
  inShape: number[];
  outShape: number[];
  w: number;
  b: number;
  stats: number;
  pad: number;
}

/**
 * Fills an image layer's program record `r` (x, dx, inSize, outSize already set); `take` reserves
 * workspace floats. Returns the `pack` floats the layer needs.
 */
export function imageRecord(r: number[], l: ImageLayout, chunk: number, take: (n: number) => number): number {
  const [C, H, W] = l.inShape.length === 3 ? l.inShape : [l.inShape[0], l.inShape[1] ?? 1, 1];
  const outSize = l.outShape.reduce((a, b) => a * b, 1);
  r[LAYER_SLOT.inC] = C;
  r[LAYER_SLOT.inH] = H;
  r[LAYER_SLOT.inW] = W;
  r[LAYER_SLOT.y] = take(chunk * outSize);
  r[LAYER_SLOT.dy] = take(chunk * outSize);
  const spec = l.spec;
  if (spec.type === 'batchNorm') {
    r[LAYER_SLOT.kind] = LAYER.batchNorm;
    r[LAYER_SLOT.w] = l.w;
    r[LAYER_SLOT.b] = l.b;
    r[LAYER_SLOT.stats] = l.stats;
    r[LAYER_SLOT.param] = spec.momentum ?? 0.1;
    r[LAYER_SLOT.eps] = spec.eps ?? 1e-5;
    r[LAYER_SLOT.col] = take(chunk * outSize);
    r[LAYER_SLOT.aux] = take(2 * C);
    return 0;
  }
  const [F, OH, OW] = l.outShape;
  r[LAYER_SLOT.outC] = F;
  r[LAYER_SLOT.outH] = OH;
  r[LAYER_SLOT.outW] = OW;
  if (spec.type === 'conv2d') {
    r[LAYER_SLOT.kind] = LAYER.conv2d;
    r[LAYER_SLOT.w] = l.w;
    r[LAYER_SLOT.b] = l.b;
    r[LAYER_SLOT.kernel] = spec.kernel;
    r[LAYER_SLOT.stride] = spec.stride ?? 1;
    r[LAYER_SLOT.pad] = l.pad;
    r[LAYER_SLOT.col] = take(chunk * OH * OW * C * spec.kernel * spec.kernel);
    r[LAYER_SLOT.aux] = take(chunk * OH * OW * F);
    return convPackFloats(chunk, C, F, spec.kernel, OH, OW);
  }
  r[LAYER_SLOT.kind] = spec.type === 'maxPool2d' ? LAYER.maxPool2d : LAYER.avgPool2d;
  r[LAYER_SLOT.kernel] = spec.size;
  r[LAYER_SLOT.stride] = spec.stride ?? spec.size;
  if (spec.type === 'maxPool2d') r[LAYER_SLOT.col] = take(chunk * outSize);
  return 0;
}
