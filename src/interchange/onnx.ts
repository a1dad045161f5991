// ONNX export of sequential networks: a ModelProto (written by protobufjs from onnx-schema.ts) whose graph
// takes raw rows — the model's preprocessing (x − mean) / std is its first nodes — runs every layer in inference
// form (onnx-layers.ts, onnx-sequence.ts; dropout removed, batch norm on its running statistics, a residual
// block's input added to its layers' output) and gives the network's
// outputs: logits, or probabilities with `probabilities: true`, or for a regression the prediction in the
// target's units (the target scaling undone), as `predict` gives it.
import { DisposedError, HyperParameterError, ShapeError } from '../errors.js';
import type { Network } from '../models/network/network.js';
import { validateSequential } from '../models/network/sequential-options.js';
import { walk } from '../models/network/program.js';
import type { PlannedLayer } from '../models/layers/layer.js';
import { show } from '../validate.js';
import { OnnxGraph, valueInfo } from './onnx-graph.js';
import { checkPadPacking, ONNX_LAYERS } from './onnx-layers.js';
import { DATA_TYPE, modelProto } from './onnx-schema.js';
import { savedPreprocessing, SPEC_KEY } from './torch-state.js';

/** Options of {@link toOnnx}. */
export interface OnnxOptions {
  /**
   * The ONNX operator set, 13 to 21. Default 17. From 20 on, gelu is ONNX's Gelu (approximate 'tanh'), and from
   * 17 on, layerNorm is ONNX's LayerNormalization; before, the same functions written out in elementary nodes.
   */
  opset?: number;
  /** End on Softmax ('softmax' loss) or Sigmoid ('logistic') so the output is predictProba's. Default false: logits. */
  probabilities?: boolean;
  /** The graph's name. Default 'descent'. */
  name?: string;
}

/** The IR version each supported opset was released with (onnx/docs/Versioning.md). */
const IR_VERSION: Record<number, number> = { 13: 7, 14: 7, 15: 8, 16: 8, 17: 8, 18: 8, 19: 9, 20: 9, 21: 10 };

/** Names of the graph's input (`tokens` for a network reading token ids) and output. */
export const ONNX_INPUT = 'input', ONNX_TOKENS = 'tokens', ONNX_OUTPUT = 'output';

/**
 * The network as the bytes of an ONNX ModelProto. Its input is `input` (float32 [N, ...inputShape]: raw
 * rows, standardized inside the graph) or, for a network starting with an embedding, `tokens` (int64
 * [N, steps]); its output `output` (float32 [N, ...the last layer's shape]: [N, outputs], or [N, T, classes] for a
 * network ending on a sequence, whose probabilities are per position). An embedding with a paddingId before gru/lstm packs each
 * row's non-pad tokens first and gives the recurrent layers sequence_lens, which is descent's skipping of pad
 * steps (a row of pads only has no valid step: runtimes may refuse it).
 */
export function toOnnx(net: Network, options: OnnxOptions = {}): Uint8Array {
  if (options === null || typeof options !== 'object') throw new HyperParameterError('options', `must be an object, got ${show(options)}`);
  for (const k of Object.keys(options)) if (!['opset', 'probabilities', 'name'].includes(k)) throw new HyperParameterError(`toOnnx.${k}`, 'unknown option; expected one of opset, probabilities, name');
  const opset = options.opset ?? 17;
  if (typeof opset !== 'number' || !Object.prototype.hasOwnProperty.call(IR_VERSION, opset)) throw new HyperParameterError('opset', `must be an integer in [13, 21], got ${show(options.opset)}`);
  if (options.probabilities !== undefined && typeof options.probabilities !== 'boolean') throw new HyperParameterError('probabilities', `must be a boolean, got ${show(options.probabilities)}`);
  if (options.probabilities && net.loss === 'squared') throw new HyperParameterError('probabilities', "a network with loss 'squared' (regression) has no probabilities");
  if (net.disposed) throw new DisposedError('toOnnx: the network was disposed');
  const name = options.name ?? 'descent';
  if (typeof name !== 'string') throw new HyperParameterError('name', `must be a string, got ${show(name)}`);

  const { layers } = validateSequential({ inputShape: [...net.inputShape], layers: net.layers.map((l) => ({ ...l })), loss: net.loss });
  for (const l of walk(layers)) {
    if (!Object.prototype.hasOwnProperty.call(ONNX_LAYERS, l.spec.type)) throw new ShapeError(`toOnnx: ${l.at} is a ${l.spec.type} layer, which the ONNX export does not cover yet`);
  }
  const outShape = layers[layers.length - 1].outShape;
  const state = { seqLens: null as string | null, packPads: checkPadPacking(layers) };
  const g = new OnnxGraph(opset);
  const shape = [...net.inputShape];
  const input = g.name(net.tokenIds ? ONNX_TOKENS : ONNX_INPUT);
  let x = input;
  const pre = savedPreprocessing(net);
  if (pre.standardize && !net.tokenIds) {
    const divisor = pre.standardize.std.map((s) => (s > 0 ? s : 1));
    x = g.node('Sub', [x, g.floats('pre_mean', shape, pre.standardize.mean)], 'pre_centred');
    x = g.node('Div', [x, g.floats('pre_std', shape, divisor)], 'pre_standardized');
  }
  const emit = (list: readonly PlannedLayer[], from: string): string => list.reduce((at, l) => {
    const w = l.tensors.length > 0 ? net.getWeights(l.path) : null;
    const y = ONNX_LAYERS[l.spec.type]({ g, l, id: `l${l.path.join('_')}`, x: at, w, state, emit });
    if (l.spec.type !== 'embedding' && l.spec.type !== 'gru' && l.spec.type !== 'lstm') state.seqLens = null;
    return y;
  }, from);
  x = emit(layers, x);
  if (options.probabilities) x = g.node(net.loss === 'softmax' ? 'Softmax' : 'Sigmoid', [x], 'probabilities', net.loss === 'softmax' ? { axis: -1 } : {});
  if (net.loss === 'squared' && pre.targetScale) {
    x = g.node('Mul', [x, g.scalar('target_std', pre.targetScale.std)], 'target_scaled');
    x = g.node('Add', [x, g.scalar('target_mean', pre.targetScale.mean)], 'target');
  }
  x = g.node('Identity', [x], ONNX_OUTPUT);
  const { params: _p, stats: _s, ...spec } = net.toJSON();
  const model = {
    irVersion: IR_VERSION[opset],
    opsetImport: [{ domain: '', version: opset }],
    producerName: 'descent',
    graph: {
      name,
      node: g.nodes,
      initializer: g.initializers,
      input: [valueInfo(input, net.tokenIds ? DATA_TYPE.INT64 : DATA_TYPE.FLOAT, ['N', ...shape])],
      output: [valueInfo(x, DATA_TYPE.FLOAT, ['N', ...outShape])],
    },
    metadataProps: [{ key: SPEC_KEY, value: JSON.stringify(spec) }],
  };
  const type = modelProto();
  return type.encode(type.fromObject(model)).finish();
}
