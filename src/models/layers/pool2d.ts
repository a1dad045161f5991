// torch.nn.MaxPool2d and torch.nn.AvgPool2d on NCHW rows: a square window, a stride (default: the window),
// no padding; windows that would run past the edge are dropped (ceil_mode=False). Max pooling keeps each
// output's argmax for backward; ties keep the first maximum in row-major window order, as PyTorch's CPU kernel.
import { ShapeError } from '../../errors.js';
import { LAYER, LAYER_SLOT, LAYER_SLOTS } from '../../backends/abi.generated.js';
import { chw } from './conv2d.js';
import { positiveInt, shapeText, type LayerDef } from './layer.js';

/** `{ type: 'maxPool2d' | 'avgPool2d', size, stride? }`. */
export interface Pool2dSpec {
  type: 'maxPool2d' | 'avgPool2d';
  size: number;
  stride?: number;
}

function pool2d(type: 'maxPool2d' | 'avgPool2d'): LayerDef<Pool2dSpec> {
  const S = LAYER_SLOTS[type];
  return {
    type,
    keys: ['type', 'size', 'stride'],
    plan(spec, inShape, { at }) {
      const [C, H, W] = chw(at, type, inShape);
      const size = positiveInt(`${at}.size`, spec.size);
      const s = spec.stride === undefined ? size : positiveInt(`${at}.stride`, spec.stride);
      if (size > H || size > W) throw new ShapeError(`${at}.size ${size}×${size} does not fit its input ${shapeText(inShape)}`);
      return { outShape: [C, Math.floor((H - size) / s) + 1, Math.floor((W - size) / s) + 1] };
    },
    compile(l, b) {
      const r = b.record(LAYER[type], l);
      r[S.channels] = l.inShape[0];
      r[S.height] = l.inShape[1];
      r[S.width] = l.inShape[2];
      b.outputs(r);
      r[S.outHeight] = l.outShape[1];
      r[S.outWidth] = l.outShape[2];
      r[S.size] = l.spec.size;
      r[S.stride] = l.spec.stride ?? l.spec.size;
      if (type === 'maxPool2d') r[LAYER_SLOTS.maxPool2d.argmax] = b.take(b.chunk * r[LAYER_SLOT.outSize]);
    },
  };
}

export const maxPool2d = pool2d('maxPool2d');
export const avgPool2d = pool2d('avgPool2d');
