// A residual block: y = x + f(x), f being the block's own layers (`layers`), which must keep the shape. Its
// layers are addressed by paths ([i, j]: layer j of the block at i) in getWeights/setWeights and messages.
import { ShapeError } from '../../errors.js';
import { LAYER, LAYER_SLOT, LAYER_SLOTS } from '../../backends/abi.generated.js';
import { shapeText, tensorOf, type LayerDef, type PlannedLayer } from './layer.js';

/** `{ type: 'residual', layers }`: y = x + f(x) with f the layers in order. */
export interface ResidualSpec {
  type: 'residual';
  layers: unknown[];
}

export const residual: LayerDef<ResidualSpec> = {
  type: 'residual',
  keys: ['type', 'layers'],
  plan(spec, inShape, { at, children }) {
    const { layers, outShape } = children(spec.layers, inShape);
    if (outShape.length !== inShape.length || outShape.some((v, i) => v !== inShape[i])) {
      throw new ShapeError(`${at} (residual): its layers turn ${shapeText(inShape)} into ${shapeText(outShape)}; a residual block must keep the shape (y = x + f(x))`);
    }
    return { outShape: [...inShape], children: layers };
  },
  compile(l, b) {
    // open: y = x (f reads the block's input in place); dy, when anything before needs a gradient, is where
    // f's first layer writes the gradient through f.
    const open = b.record(LAYER.residualOpen, l);
    open[LAYER_SLOT.y] = open[LAYER_SLOT.x];
    open[LAYER_SLOT.dy] = open[LAYER_SLOT.dx] >= 0 ? b.take(b.chunk * open[LAYER_SLOT.outSize]) : -1;
    b.advance();
    b.emit(l.children);
    const close = b.record(LAYER.residualClose, l);
    close[LAYER_SLOTS.residualClose.skip] = open[LAYER_SLOT.x];
    b.outputs(close);
    open[LAYER_SLOTS.residualOpen.outGrad] = close[LAYER_SLOT.dy];
  },
};

/**
 * GPT-2's scaling of residual branches (init 'gpt2'): the output projection of each residual block — the
 * `projection` tensor of its last layer with parameters (a dense's weight, an attention's out_proj) — is
 * multiplied by 1/√(residual blocks in the network), 1/√(2·blocks) in a GPT, so the sum of the branches keeps
 * its variance as blocks are added. `all` is every planned layer, containers' layers included.
 */
export function scaleResidualProjections(all: readonly PlannedLayer[], p: Float32Array): void {
  const blocks = all.filter((l) => l.def.type === residual.type);
  const s = 1 / Math.sqrt(blocks.length);
  for (const b of blocks) {
    const last = [...b.children].reverse().find((c) => c.tensors.length > 0);
    const name = last?.def.projection;
    const t = name === undefined ? undefined : tensorOf(last!, name);
    if (t) for (let i = t.offset; i < t.offset + t.size; i++) p[i] *= s;
  }
}
