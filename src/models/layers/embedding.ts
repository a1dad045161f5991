// torch.nn.Embedding: a row holds T token ids (as f32 values); step t's output is row id_t of the table. A
// `paddingId` marks padded steps: the recurrent layers after it skip them (the state carries over) and the
// pad's row gets no gradient (torch's padding_idx). Pad on the LEFT, so the last state is the unpadded one's.
import { HyperParameterError, ShapeError } from '../../errors.js';
import { LAYER, LAYER_SLOTS } from '../../backends/abi.generated.js';
import { show } from '../../validate.js';
import { GPT2_STD, normal, offsetOf, positiveInt, shapeText, type LayerDef } from './layer.js';

/** `{ type: 'embedding', vocab, dim, paddingId? }`: the first layer, on rows of T token ids in [0, vocab). */
export interface EmbeddingSpec {
  type: 'embedding';
  vocab: number;
  dim: number;
  paddingId?: number;
}

/**
 * The longest sequence a network takes: inputShape [T] (embedding) or [T, features] (gru/lstm) with T at most
 * 1024 steps. Why: a recurrent layer keeps every step of a 128-row chunk for backpropagation through time, about
 * 128·T·11·units floats (states, gates, input products); at T = 1024 that is 740 MB for 128 units and 2.9 GB for
 * 512, against the 4 GiB a 32-bit WebAssembly memory can ever hold (the shared memory of threads included).
 * Longer texts are cut into windows of at most this many steps (charWindows).
 */
export const MAX_SEQUENCE_STEPS = 1024;

const S = LAYER_SLOTS.embedding;

/** The embedding layer. Parameter `weight` (vocab × dim), drawn N(0, 1) as nn.Embedding (the padding row 0); N(0, 0.02) under init 'gpt2'. */
export const embedding: LayerDef<EmbeddingSpec> = {
  type: 'embedding',
  keys: ['type', 'vocab', 'dim', 'paddingId'],
  sequence: true,
  tokenIds: true,
  plan(spec, inShape, { at, first }) {
    const vocab = positiveInt(`${at}.vocab`, spec.vocab);
    const dim = positiveInt(`${at}.dim`, spec.dim);
    if (!first) throw new ShapeError(`${at} (embedding) must be the first layer: it reads the row's token ids`);
    if (inShape.length !== 1) throw new ShapeError(`${at} (embedding) takes a row of token ids, inputShape [steps], got ${shapeText(inShape)}`);
    if (inShape[0] > MAX_SEQUENCE_STEPS) throw new ShapeError(`${at} (embedding): sequences of ${inShape[0]} steps exceed the limit of ${MAX_SEQUENCE_STEPS} (MAX_SEQUENCE_STEPS); cut them into windows`);
    if (spec.paddingId !== undefined && !(Number.isInteger(spec.paddingId) && spec.paddingId >= 0 && spec.paddingId < vocab)) {
      throw new HyperParameterError(`${at}.paddingId`, `must be an integer in [0, ${vocab - 1}] (a token id), got ${show(spec.paddingId)}`);
    }
    return { outShape: [inShape[0], dim], tensors: [{ name: 'weight', torch: 'weight', shape: [vocab, dim], span: 'weight' }] };
  },
  init(l, p, init, rng) {
    const { vocab, dim, paddingId } = l.spec, w = offsetOf(l, 'weight');
    normal(p, w, vocab * dim, init === 'gpt2' ? GPT2_STD : 1, rng);
    if (paddingId !== undefined) p.fill(0, w + paddingId * dim, w + (paddingId + 1) * dim);
  },
  compile(l, b) {
    const T = l.inShape[0];
    const r = b.record(LAYER.embedding, l);
    r[S.steps] = T;
    r[S.w] = offsetOf(l, 'weight');
    r[S.vocab] = l.spec.vocab;
    r[S.dim] = l.spec.dim;
    r[S.padId] = l.spec.paddingId ?? -1;
    r[S.stepMask] = l.spec.paddingId === undefined ? -1 : b.take(b.chunk * T);
    b.outputs(r);
    b.stepMask = r[S.stepMask];
  },
};
