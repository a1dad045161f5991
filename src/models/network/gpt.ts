// A GPT as a sequential network: the layer vocabulary (embedding, positionalEmbedding, residual, layerNorm,
// attention, dense, gelu, dropout) assembled the way nanoGPT's `GPT` module is, with GPT-2's initialization.
import { HyperParameterError } from '../../errors.js';
import { int, num, onlyKeys, show } from '../../validate.js';
import type { LayerSpec } from '../layers/index.js';
import { Network } from './network.js';
import type { SequentialOptions } from './sequential-options.js';

/** Options of {@link gpt}. */
export interface GptOptions {
  /** Token ids in [0, vocab): the embedding's rows and the classes at each position. */
  vocab: number;
  /** Positions per row T (the context window): rows are T token ids, with a label (the next token) at each. */
  context: number;
  /** Model width d (embedding size). Default 64. */
  dim?: number;
  /** Attention heads per block (d must be a multiple). Default 4. */
  heads?: number;
  /** Transformer blocks. Default 2. */
  blocks?: number;
  /** Dropout after the embeddings and at the end of every residual branch (nanoGPT's resid_dropout). Default 0. */
  dropout?: number;
  /** Seed of the initialization. Default 0. */
  seed?: number;
}

/**
 * The layers of {@link gpt} (for `sequential({ inputShape: [context], layers, loss: 'softmax', init: 'gpt2' })`):
 * embedding(vocab, d) → positionalEmbedding → per block residual(layerNorm → attention causal [→ dropout]) and
 * residual(layerNorm → dense 4d → gelu → dense d [→ dropout]) → layerNorm → dense vocab.
 */
export function gptLayers(options: GptOptions): LayerSpec[] {
  const { vocab, dim, heads, blocks, dropout } = checkGpt(options);
  const drop: LayerSpec[] = dropout > 0 ? [{ type: 'dropout', rate: dropout }] : [];
  const layers: LayerSpec[] = [{ type: 'embedding', vocab, dim }, { type: 'positionalEmbedding' }, ...drop];
  for (let b = 0; b < blocks; b++) {
    layers.push(
      { type: 'residual', layers: [{ type: 'layerNorm' }, { type: 'attention', heads, causal: true }, ...drop] },
      { type: 'residual', layers: [{ type: 'layerNorm' }, { type: 'dense', units: 4 * dim }, { type: 'gelu' }, { type: 'dense', units: dim }, ...drop] },
    );
  }
  layers.push({ type: 'layerNorm' }, { type: 'dense', units: vocab });
  return layers;
}

/** @internal gpt's options as sequential's, validated (no allocation). */
export function gptOptions(options: GptOptions): SequentialOptions {
  const { context, seed } = checkGpt(options);
  return { inputShape: [context], layers: gptLayers(options), loss: 'softmax', init: 'gpt2', seed };
}

function checkGpt(options: GptOptions): Required<GptOptions> {
  if (options === null || typeof options !== 'object') throw new HyperParameterError('options', `must be an object, got ${show(options)}`);
  onlyKeys('gpt', options, ['vocab', 'context', 'dim', 'heads', 'blocks', 'dropout', 'seed']);
  if (options.vocab === undefined) throw new HyperParameterError('vocab', 'is required (the number of token ids)');
  if (options.context === undefined) throw new HyperParameterError('context', 'is required (positions per row)');
  const vocab = int('vocab', options.vocab, 0, 2);
  const context = int('context', options.context, 0, 1);
  const dim = int('dim', options.dim, 64, 1);
  const heads = int('heads', options.heads, 4, 1);
  if (dim % heads !== 0) throw new HyperParameterError('heads', `must divide dim = ${dim} (each head takes dim / heads features), got ${heads}`);
  const blocks = int('blocks', options.blocks, 2, 1);
  const dropout = num('dropout', options.dropout, 0, { min: 0, lt: 1 });
  const seed = int('seed', options.seed, 0, 0, 0xffffffff);
  return { vocab, context, dim, heads, blocks, dropout, seed };
}

/**
 * A character- or token-level GPT (a decoder-only transformer, as nanoGPT's): rows of `context` token ids, a
 * next-token label at each position (Dataset targets rows × context; see charWindows' `perPosition`), trained by
 * {@link train} like every network. Initialized as GPT-2 (init 'gpt2').
 *
 * ```ts
 * const net = gpt({ vocab: 65, context: 32, dim: 64, heads: 4, blocks: 2 });
 * ```
 */
export function gpt(options: GptOptions): Network {
  return new Network(gptOptions(options));
}
