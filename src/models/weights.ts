// Parameter shapes and initialization of network layers, in PyTorch's layouts and defaults.
import type { InitName, PlannedLayer } from './layers.js';
import type { Rng } from '../rng.js';
import { gatesOf } from './sequence-layers.js';

/**
 * A layer's parameter counts (weight; bias or, for batch norm, channels) and the weight's shape as text;
 * gru/lstm: weight_ih and bias_ih, and `hh` for weight_hh and bias_hh (PyTorch's names).
 */
export function paramShape(l: PlannedLayer): { weight: number; bias: number; text: string; hh?: { weight: number; bias: number } } | null {
  const s = l.spec;
  if (s.type === 'embedding') return { weight: s.vocab * s.dim, bias: 0, text: `${s.vocab} × ${s.dim}` };
  if (s.type === 'gru' || s.type === 'lstm') {
    const G = gatesOf(s.type) * s.units, I = l.inShape[1];
    return { weight: G * I, bias: G, text: `${G} × ${I}`, hh: { weight: G * s.units, bias: G } };
  }
  if (s.type === 'dense') return { weight: l.outShape[0] * l.inShape[0], bias: l.outShape[0], text: `${l.outShape[0]} × ${l.inShape[0]}` };
  if (s.type === 'conv2d') {
    const C = l.inShape[0], F = s.filters, k = s.kernel;
    return { weight: F * C * k * k, bias: F, text: `${F} × ${C} × ${k} × ${k}` };
  }
  if (s.type === 'batchNorm') return { weight: l.inShape[0], bias: l.inShape[0], text: `${l.inShape[0]} channels` };
  return null;
}

/**
 * Initializes one layer's parameters in p, drawing from rng (weights, then bias). 'torch' is PyTorch's
 * default for nn.Linear and nn.Conv2d: kaiming_uniform(a = √5), i.e. uniform ±1/√fan_in, and the bias
 * uniform ±1/√fan_in, with fan_in = inputs (dense) or inChannels·k·k (conv2d); Glorot: ±√(6/(fan_in +
 * fan_out)) with fan_out = units or filters·k·k; He: ±√(6/fan_in); biases 0 for both. Batch norm: γ = 1, β = 0.
 */
export function initLayer(l: PlannedLayer, p: Float32Array, init: InitName, rng: Rng): void {
  const s = l.spec;
  if (s.type === 'embedding' || s.type === 'gru' || s.type === 'lstm') {
    initSequenceLayer(l, p, rng);
    return;
  }
  if (s.type === 'batchNorm') {
    const C = l.inShape[0];
    p.fill(1, l.w, l.w + C);
    p.fill(0, l.b, l.b + C);
    return;
  }
  let fanIn: number, fanOut: number, units: number;
  if (s.type === 'dense') {
    fanIn = l.inShape[0];
    fanOut = units = l.outShape[0];
  } else if (s.type === 'conv2d') {
    fanIn = l.inShape[0] * s.kernel * s.kernel;
    fanOut = s.filters * s.kernel * s.kernel;
    units = s.filters;
  } else {
    return;
  }
  const bound = init === 'torch' ? 1 / Math.sqrt(fanIn) : init === 'glorot' ? Math.sqrt(6 / (fanIn + fanOut)) : Math.sqrt(6 / fanIn);
  const n = s.type === 'dense' ? fanIn * fanOut : fanIn * units;
  for (let i = 0; i < n; i++) p[l.w + i] = (2 * rng.next() - 1) * bound;
  if (l.b >= 0) {
    const bb = init === 'torch' ? 1 / Math.sqrt(fanIn) : 0;
    for (let i = 0; i < units; i++) p[l.b + i] = bb === 0 ? 0 : (2 * rng.next() - 1) * bb;
  }
}

/**
 * PyTorch's defaults, whatever `init` says: torch.nn.Embedding draws N(0, 1) (the padding row 0), torch.nn.GRU
 * and torch.nn.LSTM draw every weight and bias uniform in ±1/√units, in PyTorch's order weight_ih, weight_hh,
 * bias_ih, bias_hh.
 */
function initSequenceLayer(l: PlannedLayer, p: Float32Array, rng: Rng): void {
  const s = l.spec;
  if (s.type === 'embedding') {
    for (let i = 0; i < s.vocab * s.dim; i++) p[l.w + i] = rng.normal();
    if (s.paddingId !== undefined) p.fill(0, l.w + s.paddingId * s.dim, l.w + (s.paddingId + 1) * s.dim);
    return;
  }
  if (s.type !== 'gru' && s.type !== 'lstm') return;
  const G = gatesOf(s.type) * s.units, bound = 1 / Math.sqrt(s.units);
  const nW = G * (l.inShape[1] + s.units);
  for (let i = 0; i < nW; i++) p[l.w + i] = (2 * rng.next() - 1) * bound;
  for (let i = 0; i < 2 * G; i++) p[l.b + i] = (2 * rng.next() - 1) * bound;
}
