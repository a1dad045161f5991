// A learned positional embedding (GPT-2's wpe): a [T, d] table added to each [T, d] row.
import { ShapeError } from '../../errors.js';
import { LAYER, LAYER_SLOTS } from '../../backends/abi.generated.js';
import { GPT2_STD, normal, offsetOf, shapeText, type LayerDef } from './layer.js';

/** `{ type: 'positionalEmbedding' }` on [T, d] rows. */
export interface PositionalEmbeddingSpec {
  type: 'positionalEmbedding';
}

const S = LAYER_SLOTS.positionalEmbedding;

/** The positional embedding. Parameter `weight` (T × d), drawn N(0, 1) as nn.Embedding; N(0, 0.02) under init 'gpt2'. */
export const positionalEmbedding: LayerDef<PositionalEmbeddingSpec> = {
  type: 'positionalEmbedding',
  keys: ['type'],
  plan(spec, inShape, { at }) {
    if (inShape.length !== 2) throw new ShapeError(`${at} (positionalEmbedding) needs a sequence input [positions, features], got shape ${shapeText(inShape)}`);
    return { outShape: [...inShape], tensors: [{ name: 'weight', torch: 'weight', shape: [...inShape], span: 'weight' }] };
  },
  init(l, p, init, rng) {
    const w = offsetOf(l, 'weight'), n = l.inShape[0] * l.inShape[1];
    normal(p, w, n, init === 'gpt2' ? GPT2_STD : 1, rng);
  },
  compile(l, b) {
    const r = b.record(LAYER.positionalEmbedding, l);
    r[S.w] = offsetOf(l, 'weight');
    r[S.steps] = l.inShape[0];
    r[S.dim] = l.inShape[1];
    b.outputs(r);
  },
};
