// The built-in datasets, shipped in the package's data/ folder (see data/README.md for attribution).
// Node reads them from disk; this module is not part of the browser entry.
import './node.js';
import { HyperParameterError } from '../errors.js';
import { parseNumericCSV, type NumericTable } from './csv-numeric.js';
import { builtinNames, isBuiltinName, type BuiltinName } from './catalog.js';
import { fileHost } from './host.js';

export { builtinNames, builtinCatalog, isBuiltinName, type BuiltinName, type BuiltinInfo, type ReferenceScores } from './catalog.js';

/** The CSV text of a built-in dataset. */
export function builtinText(name: BuiltinName): string {
  if (!isBuiltinName(name)) {
    throw new HyperParameterError('dataset', `unknown built-in dataset ${JSON.stringify(name)}; expected one of ${builtinNames.join(', ')}`);
  }
  return fileHost('a built-in dataset').builtinText(name);
}

/** A built-in dataset as a numeric table (target in y). */
export function loadBuiltin(name: BuiltinName): NumericTable {
  return parseNumericCSV(builtinText(name), `${name}.csv`);
}
