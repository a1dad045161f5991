// torch.nn.GRU (gates r, z, n) and torch.nn.LSTM (gates i, f, g, o) over T steps of [T, features] rows,
// h₀ = c₀ = 0, giving the last state or every state. The input products of all steps run as one matrix
// product; backpropagation through time keeps every step of the chunk. Steps an embedding marks as padding
// are skipped (the state carries over, no gradient through the gates there).
import { ShapeError } from '../../errors.js';
import { LAYER, LAYER_SLOT, LAYER_SLOTS } from '../../backends/abi.generated.js';
import { gemmPackFloats } from '../../backends/js/gemm.js';
import { show } from '../../validate.js';
import { MAX_SEQUENCE_STEPS } from './embedding.js';
import { offsetOf, optionalBool, positiveInt, shapeText, uniform, type LayerDef } from './layer.js';

/** `{ type: 'gru' | 'lstm', units, returnSequences?, inputs? }`. */
export interface RecurrentSpec {
  type: 'gru' | 'lstm';
  units: number;
  returnSequences?: boolean;
  inputs?: number;
}

/** The default gradient clipping (global L2 norm) of networks with gru/lstm layers, as in char-rnn. */
export const RECURRENT_CLIP_NORM = 5;

/** Gates per unit: GRU 3 (r, z, n), LSTM 4 (i, f, g, o). */
export const gatesOf = (type: 'gru' | 'lstm'): number => (type === 'gru' ? 3 : 4);

/**
 * A recurrent layer. Parameters in PyTorch's layout and names: `weight` = weight_ih (G·units × inputs) and
 * `weightHh` = weight_hh (G·units × units) in the weight span, `bias` = bias_ih and `biasHh` = bias_hh (G·units
 * each) in the bias span; every one drawn uniform in ±1/√units (PyTorch's default, whatever `init` says), in
 * the order weight_ih, weight_hh, bias_ih, bias_hh.
 */
function recurrent(type: 'gru' | 'lstm'): LayerDef<RecurrentSpec> {
  const S = LAYER_SLOTS[type], kind = LAYER[type];
  return {
    type,
    keys: ['type', 'units', 'returnSequences', 'inputs'],
    columnOnly: true,
    sequence: true,
    clipNorm: RECURRENT_CLIP_NORM,
    plan(spec, inShape, { at }) {
      const units = positiveInt(`${at}.units`, spec.units);
      if (inShape.length !== 2) {
        throw new ShapeError(`${at} (${type}) needs a sequence input [steps, features], got shape ${shapeText(inShape)}; put an embedding or { type: 'reshape', shape: [steps, features] } before it`);
      }
      const [T, I] = inShape;
      if (T > MAX_SEQUENCE_STEPS) throw new ShapeError(`${at} (${type}): sequences of ${T} steps exceed the limit of ${MAX_SEQUENCE_STEPS} (MAX_SEQUENCE_STEPS); cut them into windows`);
      if (spec.inputs !== undefined && spec.inputs !== I) {
        throw new ShapeError(`${at}.inputs is ${show(spec.inputs)} but the layer receives ${I} features per step (input ${shapeText(inShape)})`);
      }
      optionalBool(`${at}.returnSequences`, spec.returnSequences);
      const G = gatesOf(type) * units;
      return {
        outShape: spec.returnSequences ? [T, units] : [units],
        tensors: [
          { name: 'weight', torch: 'weight_ih_l0', shape: [G, I], span: 'weight' },
          { name: 'weightHh', torch: 'weight_hh_l0', shape: [G, units], span: 'weight' },
          { name: 'bias', torch: 'bias_ih_l0', shape: [G], span: 'bias' },
          { name: 'biasHh', torch: 'bias_hh_l0', shape: [G], span: 'bias' },
        ],
      };
    },
    init(l, p, init, rng) {
      const bound = 1 / Math.sqrt(l.spec.units);
      for (const name of ['weight', 'weightHh', 'bias', 'biasHh']) {
        const t = l.tensors.find((x) => x.name === name)!;
        uniform(p, t.offset, t.size, bound, rng);
      }
    },
    compile(l, b) {
      const [T, I] = l.inShape, U = l.spec.units, G = gatesOf(type) * U, seq = l.spec.returnSequences === true;
      const r = b.record(kind, l);
      r[S.steps] = T;
      r[S.wIh] = offsetOf(l, 'weight');
      r[S.inputs] = I;
      r[S.units] = U;
      r[S.returnSeq] = seq ? 1 : 0;
      r[S.stepMask] = b.stepMask;
      r[S.wHh] = offsetOf(l, 'weightHh');
      r[S.bIh] = offsetOf(l, 'bias');
      r[S.bHh] = offsetOf(l, 'biasHh');
      r[S.hs] = b.take(b.chunk * T * U);
      r[LAYER_SLOT.y] = seq ? r[S.hs] : b.take(b.chunk * U);
      r[LAYER_SLOT.dy] = b.take(b.chunk * r[LAYER_SLOT.outSize]);
      r[S.gates] = b.take(b.chunk * T * (type === 'gru' ? 4 : 6) * U);
      r[S.xg] = b.take(b.chunk * T * G);
      r[S.hg] = b.take(b.chunk * G);
      r[S.carry] = b.take(b.chunk * 2 * U);
      const c = b.chunk;
      b.needPack(Math.max(gemmPackFloats(c * T, G, I), gemmPackFloats(c, G, U), gemmPackFloats(G, U, c),
        gemmPackFloats(c, U, G), gemmPackFloats(G, I, c * T), gemmPackFloats(c * T, I, G)));
    },
  };
}

export const gru = recurrent('gru');
export const lstm = recurrent('lstm');
