// torch.nn.Flatten: the same row seen as one flat axis (rows are row-major, so this costs nothing).
import { size, type LayerDef } from './layer.js';

/** `{ type: 'flatten' }`. */
export interface FlattenSpec {
  type: 'flatten';
}

export const flatten: LayerDef<FlattenSpec> = {
  type: 'flatten',
  keys: ['type'],
  plan: (spec, inShape) => ({ outShape: [size(inShape)] }),
};
