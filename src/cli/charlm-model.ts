// The model of `descent charlm`: a recurrent network (embedding → gru/lstm → dense, one next character per window)
// or a GPT (nanoGPT's stack, the next character at every position), its flags checked together, its optimizer
// (Adam for the recurrent ones; for the GPT nanoGPT's character recipe: AdamW with betas (0.9, 0.95), weight decay
// 0.1, gradient norm clipped at 1, a linear warm-up then cosine decay to lr/10), and the lines that describe it.
import { Network } from '../models/network/network.js';
import { gpt } from '../models/network/gpt.js';
import { charLmLayers, type CharVocab } from '../text/charlm.js';
import type { OptimizerOptions } from '../optim/registry.generated.js';
import type { ScheduleOptions } from '../optim/schedules.js';
import { MAX_SEQUENCE_STEPS } from '../models/layers/embedding.js';
import { numberFlag, choiceFlag, UsageError, type Flags, type Parsed } from './args.js';

/** The model kinds of `descent charlm --model`. */
export const CHARLM_MODELS = ['gru', 'lstm', 'gpt'] as const;
/** A kind of {@link CHARLM_MODELS}. */
export type CharLmKind = (typeof CHARLM_MODELS)[number];

/** The flags that choose and size the model and its optimizer. */
export const CHARLM_MODEL_FLAGS: Flags = {
  model: { type: 'string', value: 'gru|lstm|gpt', help: 'a recurrent network (one next character per window) or a GPT (a transformer: the next character at every position of the window)', def: 'gru' },
  cell: { type: 'string', value: 'gru|lstm', help: 'the older name of --model gru|lstm' },
  window: { type: 'string', value: 'T', help: `characters of context per prediction (at most ${MAX_SEQUENCE_STEPS})`, def: '32; gpt: 64' },
  context: { type: 'string', value: 'T', help: 'the same as --window (a GPT\'s context)' },
  units: { type: 'string', value: 'N', help: 'gru, lstm: units of the recurrent layer', def: '64' },
  dim: { type: 'string', value: 'N', help: 'gru, lstm: embedding size per character; gpt: the model width', def: '32; gpt: 64' },
  heads: { type: 'string', value: 'N', help: 'gpt: attention heads per block (they must divide --dim)', def: '4' },
  blocks: { type: 'string', value: 'N', help: 'gpt: transformer blocks', def: '2' },
  dropout: { type: 'string', value: 'RATE', help: 'gpt: dropout after the embeddings and at the end of every residual branch, at most 0.99', def: '0' },
  lr: { type: 'string', value: 'LR', help: 'learning rate (gru, lstm: Adam; gpt: AdamW, the peak of its warm-up and cosine decay)', def: '0.005; gpt: 0.001' },
  'weight-decay': { type: 'string', value: 'W', help: 'gpt: AdamW\'s decoupled weight decay', def: '0.1' },
};

/** The model's settings, every flag checked. */
export interface CharLmSetup {
  kind: CharLmKind;
  /** Characters per window (the GPT's context). */
  T: number;
  dim: number;
  units: number;
  heads: number;
  blocks: number;
  dropout: number;
  lr: number;
  weightDecay: number;
}

const RECURRENT_ONLY = ['units'], GPT_ONLY = ['heads', 'blocks', 'dropout', 'weight-decay'];

/** The model flags of `descent charlm`, checked together (throws a UsageError). */
export function charLmSetup(v: Parsed['values']): CharLmSetup {
  const fail = (why: string): never => { throw new UsageError(`descent charlm: ${why}`); };
  const cell = v.cell === undefined ? undefined : choiceFlag('charlm', 'cell', v.cell, ['gru', 'lstm'] as const, 'gru');
  const model = v.model === undefined ? undefined : choiceFlag('charlm', 'model', v.model, CHARLM_MODELS, 'gru');
  if (cell !== undefined && model !== undefined && cell !== model) fail(`--cell ${cell} and --model ${model} disagree (--cell is the older name of --model gru|lstm): give one`);
  const kind: CharLmKind = model ?? cell ?? 'gru';
  const gpt = kind === 'gpt';
  for (const name of gpt ? RECURRENT_ONLY : GPT_ONLY) {
    if (v[name] !== undefined) fail(gpt ? `--${name} applies to --model gru or lstm (a GPT is sized by --dim, --heads and --blocks)` : `--${name} applies to --model gpt`);
  }
  if (v.window !== undefined && v.context !== undefined && String(v.window) !== String(v.context)) fail('--window and --context are one setting: give one');
  const windowFlag = v.context !== undefined ? 'context' : 'window';
  const int = (name: string, def: number, min: number, max: number) => numberFlag('charlm', name, v[name], def, { integer: true, min, max });
  const T = int(windowFlag, gpt ? 64 : 32, 1, MAX_SEQUENCE_STEPS);
  const dim = int('dim', gpt ? 64 : 32, 1, 4096);
  const heads = int('heads', 4, 1, 4096);
  if (gpt && dim % heads !== 0) {
    fail(`--heads ${heads}${v.heads === undefined ? ' (the default)' : ''} must divide --dim ${dim} (each head takes dim / heads features)`);
  }
  return {
    kind, T, dim, heads,
    units: int('units', 64, 1, 4096),
    blocks: int('blocks', 2, 1, 64),
    dropout: numberFlag('charlm', 'dropout', v.dropout, 0, { min: 0, max: 0.99 }),
    lr: numberFlag('charlm', 'lr', v.lr, gpt ? 1e-3 : 0.005, { gt: 0 }),
    weightDecay: numberFlag('charlm', 'weight-decay', v['weight-decay'], 0.1, { min: 0 }),
  };
}

/** The default stride between training windows: 3 characters, or a quarter of a GPT's context (every character is a target at 4 positions per epoch). */
export function defaultStride(s: CharLmSetup): number {
  return s.kind === 'gpt' ? Math.max(1, Math.floor(s.T / 4)) : 3;
}

/** The untrained network over `vocab`. */
export function charLmNetwork(s: CharLmSetup, vocab: CharVocab, seed: number): Network {
  if (s.kind === 'gpt') {
    return gpt({ vocab: vocab.size, context: s.T, dim: s.dim, heads: s.heads, blocks: s.blocks, dropout: s.dropout, seed });
  }
  const layers = charLmLayers(vocab, { dim: s.dim, units: s.units, cell: s.kind });
  return new Network({ inputShape: [s.T], layers: layers as never, loss: 'softmax', seed });
}

/** The optimizer and its schedule for a run of `steps` batches, and the line that says so. */
export function charLmOptimizer(s: CharLmSetup, steps: number): { optimizer: OptimizerOptions; schedule?: ScheduleOptions; clipNorm?: number; text: string } {
  if (s.kind !== 'gpt') return { optimizer: { name: 'adam', lr: s.lr }, text: `adam lr ${s.lr}` };
  // nanoGPT: lr·(it + 1)/(W + 1) over W warm-up steps (LinearLR from 1/(W + 1)), then cosine to lr/10.
  const W = Math.min(100, Math.floor(steps / 10));
  const etaMin = s.lr / 10;
  const schedule: ScheduleOptions = { name: 'cosine', every: 'batch', etaMin, ...(W >= 1 ? { warmup: { steps: W, startFactor: 1 / (W + 1) } } : {}) };
  return {
    optimizer: { name: 'adamw', lr: s.lr, betas: [0.9, 0.95], weightDecay: s.weightDecay },
    schedule,
    clipNorm: 1,
    text: `adamw lr ${s.lr} (${W >= 1 ? `warm-up ${W} steps, ` : ''}cosine to ${Number(etaMin.toPrecision(6))}), betas 0.9, 0.95, weight decay ${s.weightDecay}`,
  };
}

/** The model line: its layers and parameter count. */
export function describeCharLm(s: CharLmSetup, vocab: CharVocab, params: number): string {
  if (s.kind !== 'gpt') return `embedding(${vocab.size}, ${s.dim}) → ${s.kind}(${s.units}) → dense(${vocab.size}), softmax; ${params} parameters`;
  return `gpt: embedding(${vocab.size}, ${s.dim}) + positions(${s.T}) → ${s.blocks} × [layer norm → causal attention (${s.heads} heads); ` +
    `layer norm → dense ${4 * s.dim} → gelu → dense ${s.dim}]${s.dropout > 0 ? ` with dropout ${s.dropout}` : ''} → layer norm → dense(${vocab.size}) ` +
    `at each of the ${s.T} positions, softmax; ${params} parameters`;
}
