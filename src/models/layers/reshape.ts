// The same row seen with another shape (torch's view/reshape of each row): costs nothing.
import { HyperParameterError, ShapeError } from '../../errors.js';
import { show } from '../../validate.js';
import { positiveInt, shapeText, size, type LayerDef } from './layer.js';

/** `{ type: 'reshape', shape }`: shape's product must equal the input's, e.g. [1, 28, 28] from [784]. */
export interface ReshapeSpec {
  type: 'reshape';
  shape: number[];
}

export const reshape: LayerDef<ReshapeSpec> = {
  type: 'reshape',
  keys: ['type', 'shape'],
  plan(spec, inShape, { at }) {
    const s = spec.shape;
    if (!Array.isArray(s) || s.length === 0 || s.length > 8) throw new HyperParameterError(`${at}.shape`, `must be a non-empty array of at most 8 positive integers, got ${show(s)}`);
    s.forEach((v, j) => positiveInt(`${at}.shape[${j}]`, v));
    if (size(s) !== size(inShape)) {
      throw new ShapeError(`${at} (reshape) to ${shapeText(s)} holds ${size(s)} values but its input ${shapeText(inShape)} holds ${size(inShape)}`);
    }
    return { outShape: [...s] };
  },
};
