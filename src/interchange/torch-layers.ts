// What each layer type is in PyTorch: the torch.nn module a descent layer corresponds to and the tensors of
// its state_dict, with the key of Network.getWeights/setWeights each one maps to. One table keyed by layer
// type, the one place that knows how descent's layers are named outside descent.
//
// Index mapping: descent layer i is module i of a torch.nn.Sequential, every layer included — activations,
// dropout, flatten and reshape hold an index like any module (as in torch, where nn.ReLU() occupies one), so
// `layers: [dense, relu, dense]` has tensors `0.weight`, `0.bias`, `2.weight`, `2.bias`.
import { ShapeError } from '../errors.js';
import type { LayerSpec } from '../models/layers/index.js';
import type { PlannedLayer } from '../models/layers/layer.js';
import { gatesOf } from '../models/layers/recurrent.js';

/** The getWeights/setWeights key a tensor maps to (`numBatchesTracked`: written as 0, read and ignored). */
export type WeightKey = 'weight' | 'bias' | 'weightHh' | 'biasHh' | 'runningMean' | 'runningVar' | 'numBatchesTracked';

/** One tensor of a layer's state_dict: its name after the module index, its shape, and where it goes. */
export interface TorchTensor {
  name: string;
  shape: number[];
  key: WeightKey;
}

/** A layer type's PyTorch side: the module (documentation and the check scripts) and its tensors. */
export interface TorchLayer {
  module: string;
  tensors(l: PlannedLayer): TorchTensor[];
}

const none = (): TorchTensor[] => [];

function recurrent(l: PlannedLayer): TorchTensor[] {
  const s = l.spec as unknown as { type: 'gru' | 'lstm'; units: number };
  const G = gatesOf(s.type) * s.units;
  return [
    { name: 'weight_ih_l0', shape: [G, l.inShape[1]], key: 'weight' },
    { name: 'weight_hh_l0', shape: [G, s.units], key: 'weightHh' },
    { name: 'bias_ih_l0', shape: [G], key: 'bias' },
    { name: 'bias_hh_l0', shape: [G], key: 'biasHh' },
  ];
}

/** Every layer type's PyTorch module and state_dict tensors. */
export const TORCH_LAYERS: Readonly<Record<string, TorchLayer>> = {
  dense: {
    module: 'nn.Linear(inputs, units, bias)',
    tensors: (l) => {
      const t: TorchTensor[] = [{ name: 'weight', shape: [l.outShape[0], l.inShape[0]], key: 'weight' }];
      if ((l.spec as unknown as { bias?: boolean }).bias !== false) t.push({ name: 'bias', shape: [l.outShape[0]], key: 'bias' });
      return t;
    },
  },
  relu: { module: 'nn.ReLU()', tensors: none },
  tanh: { module: 'nn.Tanh()', tensors: none },
  sigmoid: { module: 'nn.Sigmoid()', tensors: none },
  gelu: { module: "nn.GELU(approximate='tanh')", tensors: none },
  leakyRelu: { module: 'nn.LeakyReLU(slope)', tensors: none },
  dropout: { module: 'nn.Dropout(rate)', tensors: none },
  flatten: { module: 'nn.Flatten()', tensors: none },
  reshape: { module: 'nn.Unflatten(1, shape) (from a flat input; any parameterless reshape module otherwise)', tensors: none },
  conv2d: {
    module: 'nn.Conv2d(inChannels, filters, kernel, stride, padding, bias)',
    tensors: (l) => {
      const s = l.spec as unknown as { filters: number; kernel: number; bias?: boolean };
      const t: TorchTensor[] = [{ name: 'weight', shape: [s.filters, l.inShape[0], s.kernel, s.kernel], key: 'weight' }];
      if (s.bias !== false) t.push({ name: 'bias', shape: [s.filters], key: 'bias' });
      return t;
    },
  },
  maxPool2d: { module: 'nn.MaxPool2d(size, stride)', tensors: none },
  avgPool2d: { module: 'nn.AvgPool2d(size, stride)', tensors: none },
  batchNorm: {
    module: 'nn.BatchNorm1d(channels, eps, momentum) on [features] or [channels, length], nn.BatchNorm2d on [channels, height, width]',
    tensors: (l) => {
      const C = l.inShape[0];
      return [
        { name: 'weight', shape: [C], key: 'weight' },
        { name: 'bias', shape: [C], key: 'bias' },
        { name: 'running_mean', shape: [C], key: 'runningMean' },
        { name: 'running_var', shape: [C], key: 'runningVar' },
        { name: 'num_batches_tracked', shape: [], key: 'numBatchesTracked' },
      ];
    },
  },
  embedding: {
    module: 'nn.Embedding(vocab, dim, padding_idx=paddingId)',
    tensors: (l) => {
      const s = l.spec as unknown as { vocab: number; dim: number };
      return [{ name: 'weight', shape: [s.vocab, s.dim], key: 'weight' }];
    },
  },
  gru: { module: 'nn.GRU(inputs, units, batch_first=True), output: the last step (or every step with returnSequences)', tensors: recurrent },
  lstm: { module: 'nn.LSTM(inputs, units, batch_first=True), output: the last step (or every step with returnSequences)', tensors: recurrent },
};

/** The state_dict tensors of planned layers, with PyTorch's full names (`${index}.${name}`) and their layer index. */
export function torchTensors(layers: readonly PlannedLayer[]): (TorchTensor & { layer: number; fullName: string })[] {
  const out: (TorchTensor & { layer: number; fullName: string })[] = [];
  layers.forEach((l, i) => {
    const torch = TORCH_LAYERS[l.spec.type];
    if (!torch) throw new ShapeError(`${l.at} is a ${l.spec.type} layer, which the safetensors mapping does not cover yet`);
    for (const t of torch.tensors(l)) out.push({ ...t, layer: i, fullName: `${i}.${t.name}` });
  });
  return out;
}
