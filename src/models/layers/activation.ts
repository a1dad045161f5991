// Element-wise activations: relu, leakyRelu, tanh, sigmoid, gelu (PyTorch's approximate='tanh'). When the
// layer before is a dense layer without a fused activation and the derivative needs only the output (all
// but GELU), the dense layer's product applies it in its epilogue and this record only runs backward, in place.
import { HyperParameterError } from '../../errors.js';
import { ACT, LAYER, LAYER_SLOT, LAYER_SLOTS } from '../../backends/abi.generated.js';
import { show } from '../../validate.js';
import type { LayerDef } from './layer.js';

/** An activation layer's spec; `leakyRelu` takes the negative slope (default 0.01, as PyTorch). */
export type ActivationSpec = { type: 'relu' } | { type: 'tanh' } | { type: 'sigmoid' } | { type: 'gelu' } | { type: 'leakyRelu'; slope?: number };

type ActName = ActivationSpec['type'];
const S = LAYER_SLOTS.activation, D = LAYER_SLOTS.dense;

function activation<N extends ActName>(type: N): LayerDef<Extract<ActivationSpec, { type: N }>> {
  const code = ACT[type];
  return {
    type,
    keys: type === 'leakyRelu' ? ['type', 'slope'] : ['type'],
    plan(spec, inShape, { at }) {
      const slope = (spec as { slope?: unknown }).slope;
      if (slope !== undefined && !(typeof slope === 'number' && Number.isFinite(slope) && slope >= 0)) {
        throw new HyperParameterError(`${at}.slope`, `must be a finite number ≥ 0, got ${show(slope)}`);
      }
      return { outShape: [...inShape] };
    },
    compile(l, b) {
      const slope = type === 'leakyRelu' ? (l.spec as { slope?: number }).slope ?? 0.01 : 0;
      const prev = b.last;
      const r = b.record(LAYER.activation, l);
      r[S.act] = code;
      r[S.slope] = slope;
      r[S.fused] = 0;
      if (code !== ACT.gelu && prev !== null && prev[LAYER_SLOT.kind] === LAYER.dense && prev[D.act] === ACT.identity) {
        prev[D.act] = code;
        prev[D.slope] = slope;
        r[S.fused] = 1;
        r[LAYER_SLOT.y] = r[LAYER_SLOT.x]; // the dense layer's output, already activated
        r[LAYER_SLOT.dy] = r[LAYER_SLOT.dx]; // backward in place
      } else {
        b.outputs(r);
      }
    },
  };
}

export const relu = activation('relu');
export const leakyRelu = activation('leakyRelu');
export const tanh = activation('tanh');
export const sigmoid = activation('sigmoid');
export const gelu = activation('gelu');
