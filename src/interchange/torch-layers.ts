// How descent's layers are named in PyTorch: the tensors of each torch.nn module's state_dict come from the
// layer modules' own declarations (src/models/layers/<type>.ts: `torch` names and shapes), each with the key of
// Network.getWeights/setWeights it maps to.
//
// Index mapping: descent layer i is module i of a torch.nn.Sequential, every layer included — activations,
// dropout, flatten and reshape hold an index like any module (as in torch, where nn.ReLU() occupies one), so
// `layers: [dense, relu, dense]` has tensors `0.weight`, `0.bias`, `2.weight`, `2.bias`.
import type { PlannedLayer } from '../models/layers/layer.js';

/** The getWeights/setWeights key a tensor maps to (`numBatchesTracked`: written as 0, read and ignored). */
export type WeightKey = string;

/** One tensor of a layer's state_dict: its name after the module's prefix, its shape, and where it goes. */
export interface TorchTensor {
  name: string;
  shape: number[];
  key: WeightKey;
}

/**
 * The state_dict tensors of planned layers with PyTorch's full names: every tensor and running statistic each
 * layer module declares (its `torch` name), under `${index}.` — and `${index}.layers.${j}.` inside a container —
 * plus `num_batches_tracked` for a layer with running statistics (torch's batch norm); `path` is the layer's.
 */
export function torchTensors(layers: readonly PlannedLayer[]): (TorchTensor & { path: number[]; at: string; fullName: string })[] {
  const out: (TorchTensor & { path: number[]; at: string; fullName: string })[] = [];
  const visit = (ls: readonly PlannedLayer[], prefix: string): void => {
    ls.forEach((l, i) => {
      const put = (name: string, shape: number[], key: string): void => {
        out.push({ name, shape, key, path: l.path, at: l.at, fullName: `${prefix}${i}.${name}` });
      };
      for (const t of l.tensors) put(t.torch, t.shape, t.name);
      for (const st of l.stats) put(st.torch, [st.size], st.name);
      if (l.stats.length > 0) put('num_batches_tracked', [], 'numBatchesTracked');
      visit(l.children, `${prefix}${i}.layers.`);
    });
  };
  visit(layers, '');
  return out;
}
