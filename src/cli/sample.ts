// `descent sample LM.json`: text drawn from a character-level language model saved by `descent charlm --save`
// (its network, and its characters in the JSON's training.charlm).
import { DataError } from '../errors.js';
import { readTextFile } from '../data/node.js';
import { Network } from '../models/network/network.js';
import { modelFromJSON, parseSavedModel } from '../models/io.js';
import { charVocabFrom, sampleText, type CharVocab } from '../text/charlm.js';
import { helpText, numberFlag, parseCommand, EXIT, type Flags } from './args.js';
import { RUN_FLAGS, expectPositionals, startBackend } from './common.js';

const FLAGS: Flags = {
  temperature: { type: 'string', value: 'T', help: 'softmax temperature: below 1 safer and more repetitive, above 1 wilder', def: '0.7' },
  length: { type: 'string', value: 'N', help: 'characters to draw', def: '300' },
  seed: { type: 'string', value: 'N', help: 'seed of the draws (the same seed gives the same text)', def: '0' },
  prompt: { type: 'string', value: 'TEXT', help: 'the text to continue (printed before the sample)', def: 'none' },
  backend: RUN_FLAGS.backend,
  json: { type: 'boolean', help: 'print one JSON object { prompt, text, temperature, seed }' },
};

/** Help of `descent sample`. */
export const SAMPLE_HELP = helpText(
  'descent sample <LM.json> [options]',
  'Draws text from a character-level language model saved by descent charlm --save (a GRU, an LSTM or a GPT):\n' +
  'each character is drawn from softmax(logits / temperature) over the last window of characters, the prompt first\n' +
  '(a GPT reads its logits at the last character\'s position).',
  FLAGS,
  'Example:\n  descent sample lm.json --temperature 0.7 --length 300 --seed 1 --prompt "Call me"',
);

/** A saved character language model: its network and vocabulary, checked against each other. */
export function readCharModel(path: string): { net: Network; vocab: CharVocab } {
  let json: unknown;
  try {
    json = JSON.parse(readTextFile(path));
  } catch (e) {
    if (e instanceof SyntaxError) throw new DataError(`${path}: not valid JSON (${e.message})`);
    throw e;
  }
  const saved = parseSavedModel(json, path);
  const info = saved.training?.charlm as { chars?: unknown } | undefined;
  if (saved.kind !== 'sequential' || !info || typeof info !== 'object') {
    throw new DataError(`${path}: not a character language model (made by descent charlm --save); for other models use descent predict`);
  }
  let vocab: CharVocab;
  try {
    vocab = charVocabFrom(info.chars, 'training.charlm.chars');
  } catch (e) {
    throw new DataError(`${path}: not a usable character language model: ${(e as Error).message}`);
  }
  // A recurrent model has one set of logits per window, a GPT one per position (outputs T × the vocabulary).
  const T = saved.inputShape?.length === 1 ? saved.inputShape[0] : 0;
  if (T === 0 || (saved.outputs !== vocab.size && saved.outputs !== T * vocab.size)) {
    throw new DataError(`${path}: the network (inputShape [${saved.inputShape?.join(', ')}], ${saved.outputs} outputs) does not fit its ${vocab.size}-id vocabulary`);
  }
  return { net: modelFromJSON(saved, path) as Network, vocab };
}

/** `descent sample`. Returns the exit code. */
export async function sampleCommand(argv: string[]): Promise<number> {
  const parsed = parseCommand('sample', argv, FLAGS, SAMPLE_HELP);
  if (!parsed) return EXIT.ok;
  const { values: v, positionals } = parsed;
  expectPositionals('sample', positionals, 1, 1, 'LM.json (a model saved by descent charlm --save)');
  const temperature = numberFlag('sample', 'temperature', v.temperature, 0.7, { gt: 0 });
  const length = numberFlag('sample', 'length', v.length, 300, { integer: true, min: 0, max: 1_000_000 });
  const seed = numberFlag('sample', 'seed', v.seed, 0, { integer: true, min: 0, max: 0xffffffff });
  const prompt = v.prompt === undefined ? '' : String(v.prompt);
  await startBackend('sample', v.backend);
  const { net, vocab } = readCharModel(positionals[0]);
  try {
    const text = sampleText(net, vocab, prompt, length, { temperature, seed });
    if (v.json) process.stdout.write(JSON.stringify({ event: 'sample', model: positionals[0], prompt, text, temperature, seed }) + '\n');
    else process.stdout.write(prompt + text + '\n');
    return EXIT.ok;
  } finally {
    net.dispose();
  }
}
