// `descent export MODEL.json --format onnx|safetensors -o FILE`: a network saved by descent (train --save,
// charlm --save) as an ONNX model for ONNX Runtime, or as a safetensors file with PyTorch's state_dict names.
import { DataError } from '../errors.js';
import { modelFromJSON, parseSavedModel } from '../models/io.js';
import { Network } from '../models/network/network.js';
import { toOnnx } from '../interchange/onnx.js';
import { toSafetensors } from '../interchange/torch-state.js';
import { helpText, numberFlag, choiceFlag, parseCommand, EXIT, UsageError, type Flags } from './args.js';
import { RUN_FLAGS, checkWritable, expectPositionals, readJSONFile, startBackend, writeOutput } from './common.js';

const FORMATS = ['onnx', 'safetensors'] as const;

const FLAGS: Flags = {
  format: { type: 'string', value: 'onnx|safetensors', help: 'the file format', def: "the output's extension (.onnx or .safetensors)" },
  output: { type: 'string', short: 'o', value: 'FILE', help: 'the file to write (required)' },
  opset: { type: 'string', value: 'N', help: 'ONNX operator set, 13 to 21 (layerNorm is LayerNormalization from 17, gelu is Gelu from 20)', def: '17' },
  probabilities: { type: 'boolean', help: 'ONNX: end on Softmax/Sigmoid (class probabilities) instead of logits' },
  backend: RUN_FLAGS.backend,
};

/** Help of `descent export`. */
export const EXPORT_HELP = helpText(
  'descent export <MODEL.json> --format onnx|safetensors -o FILE [options]',
  'Writes a network saved by descent train --save or descent charlm --save in another format:\n' +
  '  onnx         an ONNX model (ModelProto) for ONNX Runtime and other runtimes: raw rows in (the saved\n' +
  '               standardization is its first nodes; token ids as int64 for a network starting with an\n' +
  '               embedding), logits out (probabilities with --probabilities; predictions for a regression),\n' +
  '               [N, positions, classes] for a network ending on a sequence. Every layer type, attention and\n' +
  '               residual blocks included; a recurrent layer that skips pads away from the embedding is refused.\n' +
  "  safetensors  the weights under PyTorch's state_dict names for the torch.nn.Sequential of the same layers\n" +
  '               (layer i is module i), the layer spec in __metadata__ ("descent").',
  FLAGS,
  'Examples:\n  descent export model.json -o model.onnx --probabilities\n  descent export model.json --format safetensors -o model.safetensors',
);

/** Runs `descent export`; returns the exit code. */
export async function exportCommand(argv: string[]): Promise<number> {
  const parsed = parseCommand('export', argv, FLAGS, EXPORT_HELP);
  if (!parsed) return EXIT.ok;
  const { values: v, positionals } = parsed;
  expectPositionals('export', positionals, 1, 1, 'MODEL.json');
  const out = checkWritable('export', 'output', v.output);
  if (out === undefined) throw new UsageError('descent export: -o FILE is required (the file to write)');
  const byExtension = out.endsWith('.onnx') ? 'onnx' : out.endsWith('.safetensors') ? 'safetensors' : undefined;
  if (v.format === undefined && byExtension === undefined) throw new UsageError('descent export: give --format onnx|safetensors (the output has neither extension)');
  const format = choiceFlag('export', 'format', v.format, FORMATS, byExtension ?? 'onnx');
  const opset = numberFlag('export', 'opset', v.opset, 17, { min: 13, max: 21, integer: true });
  if (format !== 'onnx' && (v.opset !== undefined || v.probabilities)) throw new UsageError('descent export: --opset and --probabilities apply to --format onnx');
  const path = positionals[0];
  const json = readJSONFile(path);
  parseSavedModel(json, path);
  await startBackend('export', v.backend);
  const model = modelFromJSON(json, path);
  try {
    if (!(model instanceof Network)) throw new DataError(`${path} holds a ${model.kind} model; descent export writes networks (sequential, mlp, charlm)`);
    writeOutput(out, format === 'onnx' ? toOnnx(model, { opset, probabilities: !!v.probabilities }) : toSafetensors(model));
  } finally {
    model.dispose();
  }
  process.stderr.write(`wrote ${out} (${format})\n`);
  return EXIT.ok;
}
