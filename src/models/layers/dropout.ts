// torch.nn.Dropout: in training each value is zeroed with probability `rate` and the others scaled by
// 1/(1 − rate), from the run's dropout PRNG; in inference y = x.
import { HyperParameterError } from '../../errors.js';
import { LAYER, LAYER_SLOT, LAYER_SLOTS } from '../../backends/abi.generated.js';
import { show } from '../../validate.js';
import type { LayerDef } from './layer.js';

/** `{ type: 'dropout', rate }` with rate in [0, 1). */
export interface DropoutSpec {
  type: 'dropout';
  rate: number;
}

const S = LAYER_SLOTS.dropout;

export const dropout: LayerDef<DropoutSpec> = {
  type: 'dropout',
  keys: ['type', 'rate'],
  // The PRNG advances chunk after chunk: row blocks on other threads would draw other masks.
  columnOnly: true,
  plan(spec, inShape, { at }) {
    if (!(typeof spec.rate === 'number' && spec.rate >= 0 && spec.rate < 1)) {
      throw new HyperParameterError(`${at}.rate`, `must be a number in [0, 1), got ${show(spec.rate)}`);
    }
    return { outShape: [...inShape] };
  },
  compile(l, b) {
    const r = b.record(LAYER.dropout, l);
    r[S.rate] = l.spec.rate;
    b.outputs(r);
    r[S.mask] = b.take(b.chunk * r[LAYER_SLOT.outSize]);
  },
};
