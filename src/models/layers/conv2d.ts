// torch.nn.Conv2d on NCHW rows ([channels, height, width] each, PyTorch's order, so flatten after it matches
// torch.flatten): zero padding, square kernel, stride; by im2col patch columns and the packed matrix products.
import { HyperParameterError, ShapeError } from '../../errors.js';
import { LAYER, LAYER_SLOTS } from '../../backends/abi.generated.js';
import { convPackFloats } from '../../backends/js/conv.js';
import { show } from '../../validate.js';
import { fanInit, offsetOf, optionalBool, positiveInt, shapeText, type LayerDef } from './layer.js';

/** `{ type: 'conv2d', filters, kernel, stride?, padding?, bias?, inChannels? }`; padding an integer, 'same' (stride 1, odd kernel) or 'valid'. */
export interface Conv2dSpec {
  type: 'conv2d';
  filters: number;
  kernel: number;
  stride?: number;
  padding?: number | 'same' | 'valid';
  bias?: boolean;
  inChannels?: number;
}

const S = LAYER_SLOTS.conv2d;

/** Output positions (rows × OH × OW) a conv2d chunk aims at. */
const CHUNK_POSITIONS = 2 ** 15;

/** The input as [C, H, W], or a ShapeError naming the layer. */
export function chw(at: string, type: string, inShape: number[]): [number, number, number] {
  if (inShape.length !== 3) {
    throw new ShapeError(`${at} (${type}) needs an image input [channels, height, width], got shape ${shapeText(inShape)}; put { type: 'reshape', shape: [c, h, w] } before it`);
  }
  return inShape as [number, number, number];
}

/** The zero padding on each side. */
function padding(at: string, spec: Conv2dSpec, k: number, s: number): number {
  const p = spec.padding ?? 0;
  if (p === 'valid') return 0;
  if (p === 'same') {
    if (s !== 1) throw new HyperParameterError(`${at}.padding`, `'same' needs stride 1 (as in PyTorch), got stride ${s}`);
    if (k % 2 === 0) throw new HyperParameterError(`${at}.padding`, `'same' needs an odd kernel (even kernels would pad unevenly), got ${k}`);
    return (k - 1) / 2;
  }
  if (typeof p === 'number' && Number.isInteger(p) && p >= 0) return p;
  throw new HyperParameterError(`${at}.padding`, `must be an integer ≥ 0, 'same' or 'valid', got ${show(p)}`);
}

/**
 * The conv2d layer. Parameters: `weight` (filters × inChannels × k × k) and `bias` (filters), initialized by
 * fanInit with fan_in = inChannels·k·k, fan_out = filters·k·k ('torch' is nn.Conv2d's).
 */
export const conv2d: LayerDef<Conv2dSpec> = {
  type: 'conv2d',
  keys: ['type', 'filters', 'kernel', 'stride', 'padding', 'bias', 'inChannels'],
  // Chunks of about 2^15 output positions, in power-of-two rows: MNIST's 26×26 maps run 32 rows, so a batch of
  // 128 makes 4 row blocks for the threads, and a chunk's patches stay near L2 (1.16× faster than 128 rows on
  // one thread, bench/cnn.bench.ts).
  chunkRows: (l) => 2 ** Math.max(0, Math.floor(Math.log2(CHUNK_POSITIONS / (l.outShape[1] * l.outShape[2])))),
  plan(spec, inShape, { at }) {
    const [C, H, W] = chw(at, 'conv2d', inShape);
    const F = positiveInt(`${at}.filters`, spec.filters);
    const k = positiveInt(`${at}.kernel`, spec.kernel);
    const s = spec.stride === undefined ? 1 : positiveInt(`${at}.stride`, spec.stride);
    if (spec.inChannels !== undefined && spec.inChannels !== C) {
      throw new ShapeError(`${at}.inChannels is ${show(spec.inChannels)} but the layer receives ${C} channels (input ${shapeText(inShape)})`);
    }
    optionalBool(`${at}.bias`, spec.bias);
    const pad = padding(at, spec, k, s);
    if (H + 2 * pad < k || W + 2 * pad < k) {
      throw new ShapeError(`${at}.kernel ${k}×${k} does not fit its input ${shapeText(inShape)} with padding ${pad}`);
    }
    const OH = Math.floor((H + 2 * pad - k) / s) + 1, OW = Math.floor((W + 2 * pad - k) / s) + 1;
    return {
      outShape: [F, OH, OW],
      tensors: [
        { name: 'weight', torch: 'weight', shape: [F, C, k, k], span: 'weight' },
        ...(spec.bias === false ? [] : [{ name: 'bias', torch: 'bias', shape: [F], span: 'bias' as const }]),
      ],
    };
  },
  init(l, p, init, rng) {
    const k = l.spec.kernel;
    fanInit(l, p, init, rng, l.inShape[0] * k * k, l.spec.filters * k * k);
  },
  compile(l, b) {
    const [C, H, W] = l.inShape, [F, OH, OW] = l.outShape, k = l.spec.kernel;
    const r = b.record(LAYER.conv2d, l);
    r[S.channels] = C;
    r[S.height] = H;
    r[S.width] = W;
    b.outputs(r);
    r[S.filters] = F;
    r[S.outHeight] = OH;
    r[S.outWidth] = OW;
    r[S.w] = offsetOf(l, 'weight');
    r[S.b] = offsetOf(l, 'bias');
    r[S.kernel] = k;
    r[S.stride] = l.spec.stride ?? 1;
    r[S.pad] = convPadding(l.spec);
    r[S.patches] = b.take(b.chunk * OH * OW * C * k * k);
    r[S.patchOut] = b.take(b.chunk * OH * OW * F);
    b.needPack(convPackFloats(b.chunk, C, F, k, OH, OW));
  },
};

/** The zero padding on each side of a validated spec. */
export function convPadding(spec: Conv2dSpec): number {
  const p = spec.padding ?? 0;
  return p === 'valid' ? 0 : p === 'same' ? (spec.kernel - 1) / 2 : p;
}
