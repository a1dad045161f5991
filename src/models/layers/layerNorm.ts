// torch.nn.LayerNorm over the last axis: each position's D values are normalized by their own mean and
// biased variance, y = γ·(x − mean)/√(var + eps) + β, the same in training and inference.
import { HyperParameterError } from '../../errors.js';
import { LAYER, LAYER_SLOT, LAYER_SLOTS } from '../../backends/abi.generated.js';
import { show } from '../../validate.js';
import { offsetOf, type LayerDef } from './layer.js';

/** `{ type: 'layerNorm', eps? }` (PyTorch's default eps 1e-5), on [features] or [T, features] rows. */
export interface LayerNormSpec {
  type: 'layerNorm';
  eps?: number;
}

const S = LAYER_SLOTS.layerNorm;

/** The layer-norm layer. Parameters `weight` γ (D, 1 at start) and `bias` β (D, 0), in the bias span (never penalized). */
export const layerNorm: LayerDef<LayerNormSpec> = {
  type: 'layerNorm',
  keys: ['type', 'eps'],
  plan(spec, inShape, { at }) {
    if (spec.eps !== undefined && !(typeof spec.eps === 'number' && spec.eps > 0 && Number.isFinite(spec.eps))) {
      throw new HyperParameterError(`${at}.eps`, `must be a finite number > 0, got ${show(spec.eps)}`);
    }
    const D = inShape[inShape.length - 1];
    return {
      outShape: [...inShape],
      tensors: [
        { name: 'weight', torch: 'weight', shape: [D], span: 'bias' },
        { name: 'bias', torch: 'bias', shape: [D], span: 'bias' },
      ],
    };
  },
  init(l, p) {
    const D = l.inShape[l.inShape.length - 1], w = offsetOf(l, 'weight'), b = offsetOf(l, 'bias');
    p.fill(1, w, w + D);
    p.fill(0, b, b + D);
  },
  compile(l, b) {
    const D = l.inShape[l.inShape.length - 1];
    const r = b.record(LAYER.layerNorm, l);
    r[S.w] = offsetOf(l, 'weight');
    r[S.b] = offsetOf(l, 'bias');
    r[S.features] = D;
    r[S.eps] = l.spec.eps ?? 1e-5;
    b.outputs(r);
    r[S.xhat] = b.take(b.chunk * r[LAYER_SLOT.outSize]);
    r[S.rstd] = b.take(b.chunk * (r[LAYER_SLOT.outSize] / D));
  },
};
