// The built-in datasets, shipped in the package's data/ folder (see data/README.md for attribution).
// Node reads them from disk; this module is not part of the browser entry.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { HyperParameterError } from '../errors.js';
import { parseNumericCSV, type NumericTable } from './csv.js';

/** Names of the built-in datasets. */
export const builtinNames = ['digits', 'breast-cancer', 'diabetes', 'wine', 'iris'] as const;
/** A built-in dataset's name. */
export type BuiltinName = (typeof builtinNames)[number];

/** The CSV text of a built-in dataset. */
export function builtinText(name: BuiltinName): string {
  if (!builtinNames.includes(name)) {
    throw new HyperParameterError('dataset', `unknown built-in dataset ${JSON.stringify(name)}; expected one of ${builtinNames.join(', ')}`);
  }
  return readFileSync(fileURLToPath(new URL(`../../data/${name}.csv`, import.meta.url)), 'utf8');
}

/** A built-in dataset as a numeric table (target in y). */
export function loadBuiltin(name: BuiltinName): NumericTable {
  return parseNumericCSV(builtinText(name), `${name}.csv`);
}
