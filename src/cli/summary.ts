// `descent summary MODEL.json`: the table of a saved model's layers (path, type, output shape, parameters) and
// its totals, as Network.summary() prints it; a linear model is one line.
import { Network } from '../models/network/network.js';
import { modelFromJSON } from '../models/io.js';
import { helpText, parseCommand, EXIT, type Flags } from './args.js';
import { RUN_FLAGS, checkRegularFile, expectPositionals, readJSONFile, startBackend } from './common.js';

const FLAGS: Flags = {
  backend: RUN_FLAGS.backend,
  json: { type: 'boolean', help: 'print one JSON object: the layers (path, depth, type, outputShape, params, tensors) and the totals' },
};

/** Help of `descent summary`. */
export const SUMMARY_HELP = helpText(
  'descent summary <MODEL.json> [options]',
  'Prints the layers of a model saved by descent train --save (or Network.toJSON): each layer\'s path (its index,\n' +
  'and indices inside containers, indented under them), type, output shape per row and parameter count, then the\n' +
  'totals — what net.summary() returns. A linear, logistic or softmax model is one line.',
  FLAGS,
  'Example:\n  descent summary model.json',
);

/** `descent summary`. Returns the exit code. */
export async function summaryCommand(argv: string[]): Promise<number> {
  const parsed = parseCommand('summary', argv, FLAGS, SUMMARY_HELP);
  if (!parsed) return EXIT.ok;
  const { values: v, positionals } = parsed;
  expectPositionals('summary', positionals, 1, 1, 'MODEL.json (a model saved by descent train --save)');
  await startBackend('summary', v.backend);
  const path = positionals[0];
  checkRegularFile(path);
  const model = modelFromJSON(readJSONFile(path), path);
  try {
    if (model instanceof Network) {
      const s = model.summary();
      process.stdout.write(v.json ? JSON.stringify({ event: 'summary', model: path, ...s.toJSON() }) + '\n' : String(s));
    } else {
      const d = model.features, k = model.outputs, params = model.size;
      if (v.json) {
        process.stdout.write(JSON.stringify({ event: 'summary', model: path, kind: model.kind, loss: model.loss, features: d, outputs: k, totalParams: params, weights: d * k }) + '\n');
      } else {
        process.stdout.write(`${model.kind} model (loss ${model.loss}): ${d} features → ${k} output${k > 1 ? 's' : ''}; ${params.toLocaleString('en-US')} params (weights ${(d * k).toLocaleString('en-US')}, biases ${k})\n`);
      }
    }
    return EXIT.ok;
  } finally {
    model.dispose();
  }
}
