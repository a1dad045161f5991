// torch.nn.Linear: y = x·Wᵀ + b on the last axis of its input ([features] or [positions, features] rows).
import { ShapeError } from '../../errors.js';
import { ACT, LAYER, LAYER_SLOTS } from '../../backends/abi.generated.js';
import { gemmPackFloats } from '../../backends/js/gemm.js';
import { show } from '../../validate.js';
import { fanInit, offsetOf, optionalBool, positiveInt, shapeText, type LayerDef } from './layer.js';

/** `{ type: 'dense', units, bias?, inputs? }`: `units` outputs; `bias: false` drops the bias; `inputs` checks the input size. */
export interface DenseSpec {
  type: 'dense';
  units: number;
  bias?: boolean;
  inputs?: number;
}

const S = LAYER_SLOTS.dense;

/**
 * The dense layer. Parameters: `weight` (units × inputs, PyTorch's layout) and `bias` (units), initialized by
 * fanInit with fan_in = inputs, fan_out = units ('torch' is nn.Linear's).
 */
export const dense: LayerDef<DenseSpec> = {
  type: 'dense',
  keys: ['type', 'units', 'bias', 'inputs'],
  plan(spec, inShape, { at }) {
    const units = positiveInt(`${at}.units`, spec.units);
    if (inShape.length > 2) {
      throw new ShapeError(`${at} (dense) needs a flat input or [positions, features], got shape ${shapeText(inShape)}; put { type: 'flatten' } before it`);
    }
    const inputs = inShape[inShape.length - 1];
    if (spec.inputs !== undefined && spec.inputs !== inputs) {
      throw new ShapeError(`${at}.inputs is ${show(spec.inputs)} but the layer receives ${inputs} values per ${inShape.length === 1 ? 'row' : 'position'}`);
    }
    optionalBool(`${at}.bias`, spec.bias);
    return {
      outShape: inShape.length === 1 ? [units] : [inShape[0], units],
      tensors: [
        { name: 'weight', torch: 'weight', shape: [units, inputs], span: 'weight' },
        ...(spec.bias === false ? [] : [{ name: 'bias', torch: 'bias', shape: [units], span: 'bias' as const }]),
      ],
    };
  },
  projection: 'weight',
  init(l, p, init, rng) {
    fanInit(l, p, init, rng, l.inShape[l.inShape.length - 1], l.spec.units);
  },
  compile(l, b) {
    const r = b.record(LAYER.dense, l);
    r[S.w] = offsetOf(l, 'weight');
    r[S.b] = offsetOf(l, 'bias');
    r[S.act] = ACT.identity;
    r[S.slope] = 0;
    const inSize = l.inShape[l.inShape.length - 1], outSize = l.spec.units, positions = l.inShape.length === 1 ? 1 : l.inShape[0];
    r[S.inputs] = inSize;
    r[S.units] = outSize;
    r[S.positions] = positions;
    b.outputs(r);
    const m = b.chunk * positions;
    b.needPack(Math.max(gemmPackFloats(m, outSize, inSize), gemmPackFloats(m, inSize, outSize), gemmPackFloats(outSize, inSize, m)));
  },
};

