// Multi-head self-attention over a row's T positions: torch.nn.MultiheadAttention(d, heads, batch_first=True)
// called as attn(x, x, x), with, when causal, position t attending to positions ≤ t (PyTorch's boolean
// upper-triangular attn_mask). No dropout inside.
import { HyperParameterError, ShapeError } from '../../errors.js';
import { LAYER, LAYER_SLOTS } from '../../backends/abi.generated.js';
import { attentionPackFloats, attentionWorkspace } from '../../backends/js/attention.js';
import { show } from '../../validate.js';
import { MAX_SEQUENCE_STEPS } from './embedding.js';
import { GPT2_STD, normal, offsetOf, optionalBool, positiveInt, shapeText, uniform, type LayerDef } from './layer.js';

/** `{ type: 'attention', heads, causal? }` on [T, d] rows, d a multiple of heads. */
export interface AttentionSpec {
  type: 'attention';
  heads: number;
  causal?: boolean;
}

const S = LAYER_SLOTS.attention;

/**
 * The attention layer. Parameters as MultiheadAttention's: `weight` = in_proj_weight (3d × d: the q rows, then
 * k, then v; head h uses rows h·d/heads … of each), `bias` = in_proj_bias (3d), `outWeight`/`outBias` =
 * out_proj. Initialization 'torch' is PyTorch's: xavier_uniform on in_proj_weight (±√(6/(d + 3d))), out_proj's
 * weight uniform ±1/√d, both biases 0; 'glorot' and 'he' replace the out projection's bound by theirs.
 */
export const attention: LayerDef<AttentionSpec> = {
  type: 'attention',
  keys: ['type', 'heads', 'causal'],
  // It keeps every position's probabilities (chunk × heads × T²): long rows shrink the chunk. Chunks of
  // ~256 positions: 8 rows of 32 (products of 256 rows), so threads share a batch of 32 rows by row blocks.
  chunkRows: (l) => Math.ceil(256 / l.inShape[0]),
  sequence: true,
  plan(spec, inShape, { at }) {
    const heads = positiveInt(`${at}.heads`, spec.heads);
    optionalBool(`${at}.causal`, spec.causal);
    if (inShape.length !== 2) throw new ShapeError(`${at} (attention) needs a sequence input [positions, features], got shape ${shapeText(inShape)}`);
    const [T, d] = inShape;
    if (T > MAX_SEQUENCE_STEPS) throw new ShapeError(`${at} (attention): sequences of ${T} steps exceed the limit of ${MAX_SEQUENCE_STEPS} (MAX_SEQUENCE_STEPS): one row's probabilities alone take heads·T² floats; cut them into windows`);
    if (d % heads !== 0) throw new HyperParameterError(`${at}.heads`, `must divide the ${d} features per position, got ${show(heads)}`);
    return {
      outShape: [...inShape],
      tensors: [
        { name: 'weight', torch: 'in_proj_weight', shape: [3 * d, d], span: 'weight' },
        { name: 'outWeight', torch: 'out_proj.weight', shape: [d, d], span: 'weight' },
        { name: 'bias', torch: 'in_proj_bias', shape: [3 * d], span: 'bias' },
        { name: 'outBias', torch: 'out_proj.bias', shape: [d], span: 'bias' },
      ],
    };
  },
  projection: 'outWeight',
  init(l, p, init, rng) {
    const d = l.inShape[1];
    if (init === 'gpt2') {
      normal(p, offsetOf(l, 'weight'), 3 * d * d, GPT2_STD, rng);
      normal(p, offsetOf(l, 'outWeight'), d * d, GPT2_STD, rng);
    } else {
      uniform(p, offsetOf(l, 'weight'), 3 * d * d, Math.sqrt(6 / (4 * d)), rng);
      const out = init === 'torch' ? 1 / Math.sqrt(d) : init === 'glorot' ? Math.sqrt(6 / (2 * d)) : Math.sqrt(6 / d);
      uniform(p, offsetOf(l, 'outWeight'), d * d, out, rng);
    }
    for (const name of ['bias', 'outBias']) {
      const t = l.tensors.find((x) => x.name === name)!;
      p.fill(0, t.offset, t.offset + t.size);
    }
  },
  compile(l, b) {
    const [T, d] = l.inShape, heads = l.spec.heads;
    const r = b.record(LAYER.attention, l);
    r[S.w] = offsetOf(l, 'weight');
    r[S.b] = offsetOf(l, 'bias');
    r[S.wOut] = offsetOf(l, 'outWeight');
    r[S.bOut] = offsetOf(l, 'outBias');
    r[S.steps] = T;
    r[S.dim] = d;
    r[S.heads] = heads;
    r[S.causal] = l.spec.causal ? 1 : 0;
    b.outputs(r);
    const w = attentionWorkspace(b.chunk, T, d, heads), at = b.take(w.floats);
    r[S.qkv] = at + w.qkv;
    r[S.probs] = at + w.P;
    r[S.cat] = at + w.cat;
    r[S.scratch] = at + w.scratch;
    b.needPack(attentionPackFloats(b.chunk, T, d, heads));
  },
};
