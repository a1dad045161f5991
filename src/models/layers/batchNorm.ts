// torch.nn.BatchNorm1d/2d: per channel over rows × H × W (or per feature of a flat row). Training normalizes
// with the batch's mean and biased variance and moves the running estimates (unbiased variance) by
// `momentum`; inference normalizes with the running ones. y = γ·x̂ + β.
import { HyperParameterError, ShapeError } from '../../errors.js';
import { LAYER, LAYER_SLOT, LAYER_SLOTS } from '../../backends/abi.generated.js';
import { show } from '../../validate.js';
import { offsetOf, shapeText, type LayerDef } from './layer.js';

/** `{ type: 'batchNorm', momentum?, eps? }` (PyTorch's defaults 0.1 and 1e-5). */
export interface BatchNormSpec {
  type: 'batchNorm';
  momentum?: number;
  eps?: number;
}

const S = LAYER_SLOTS.batchNorm;

/**
 * The batch-norm layer. Parameters `weight` γ (1 at start) and `bias` β (0), both in the bias span (never
 * penalized); statistics `runningMean` (0) and `runningVar` (1), saved with the network.
 */
export const batchNorm: LayerDef<BatchNormSpec> = {
  type: 'batchNorm',
  keys: ['type', 'momentum', 'eps'],
  // The running statistics advance chunk after chunk: one thread runs the batch.
  columnOnly: true,
  plan(spec, inShape, { at }) {
    if (inShape.length > 3) throw new ShapeError(`${at} (batchNorm) takes [features], [channels, length] or [channels, height, width], got ${shapeText(inShape)}`);
    if (spec.momentum !== undefined && !(typeof spec.momentum === 'number' && spec.momentum >= 0 && spec.momentum <= 1)) {
      throw new HyperParameterError(`${at}.momentum`, `must be a number in [0, 1], got ${show(spec.momentum)}`);
    }
    if (spec.eps !== undefined && !(typeof spec.eps === 'number' && spec.eps > 0 && Number.isFinite(spec.eps))) {
      throw new HyperParameterError(`${at}.eps`, `must be a finite number > 0, got ${show(spec.eps)}`);
    }
    const C = inShape[0];
    return {
      outShape: [...inShape],
      tensors: [
        { name: 'weight', torch: 'weight', shape: [C], span: 'bias' },
        { name: 'bias', torch: 'bias', shape: [C], span: 'bias' },
      ],
      stats: [
        { name: 'runningMean', torch: 'running_mean', size: C, fill: 0 },
        { name: 'runningVar', torch: 'running_var', size: C, fill: 1 },
      ],
    };
  },
  init(l, p) {
    const C = l.inShape[0], w = offsetOf(l, 'weight'), b = offsetOf(l, 'bias');
    p.fill(1, w, w + C);
    p.fill(0, b, b + C);
  },
  compile(l, b) {
    const C = l.inShape[0];
    const r = b.record(LAYER.batchNorm, l);
    r[S.channels] = C;
    r[S.spatial] = l.inShape.slice(1).reduce((a, v) => a * v, 1);
    b.outputs(r);
    r[S.w] = offsetOf(l, 'weight');
    r[S.b] = offsetOf(l, 'bias');
    r[S.stats] = l.stats[0].offset;
    r[S.momentum] = l.spec.momentum ?? 0.1;
    r[S.eps] = l.spec.eps ?? 1e-5;
    r[S.xhat] = b.take(b.chunk * r[LAYER_SLOT.outSize]);
    r[S.moments] = b.take(2 * C);
  },
};
