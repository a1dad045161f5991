// The built-in datasets, shipped in the package's data/ folder (see data/README.md for attribution).
// Node reads them from disk; this module is not part of the browser entry.
import './node.js';
import { HyperParameterError } from '../errors.js';
import { parseNumericCSV, type NumericTable } from './csv/numeric.js';
import { f32Text } from './csv/format.js';
import { builtinCatalog, builtinNames, isBuiltinName, type BuiltinName } from './catalog.js';
import { fileHost } from './host.js';

export { builtinNames, builtinCatalog, isBuiltinName, type BuiltinName, type BuiltinInfo, type ReferenceScores } from './catalog.js';

/** The CSV text of a built-in dataset. */
export function builtinText(name: BuiltinName): string {
  if (!isBuiltinName(name)) {
    throw new HyperParameterError('dataset', `unknown built-in dataset ${JSON.stringify(name)}; expected one of ${builtinNames.join(', ')}`);
  }
  if (builtinCatalog[name].format) return imagesCSV(name);
  return fileHost('a built-in dataset').builtinText(name);
}

/** A built-in dataset as a numeric table (target in y). */
export function loadBuiltin(name: BuiltinName): NumericTable {
  if (isBuiltinName(name) && builtinCatalog[name].format) return loadImages(name);
  return parseNumericCSV(builtinText(name), `${name}.csv`);
}

/** An image built-in (mnist, mnist-full, fashion-mnist), decoded from its binary files: pixels byte/255, columns px0…, then the target. */
function loadImages(name: BuiltinName): NumericTable {
  const t = fileHost('a built-in dataset').builtinImages!(name);
  const columns = [...Array.from({ length: t.features }, (_, i) => `px${i}`), builtinCatalog[name].target];
  return { x: t.x, y: t.y, rows: t.rows, features: t.features, columns };
}

/** An image built-in as CSV text (for the command line), each value the shortest text that reads back to the same f32. */
function imagesCSV(name: BuiltinName): string {
  const t = loadImages(name);
  const text = new Map<number, string>();
  const cell = (v: number) => text.get(v) ?? (text.set(v, f32Text(v)), text.get(v)!);
  const lines = [t.columns.join(',')];
  const cells: string[] = new Array(t.features + 1);
  for (let r = 0; r < t.rows; r++) {
    for (let c = 0; c < t.features; c++) cells[c] = cell(t.x[r * t.features + c]);
    cells[t.features] = String(t.y[r]);
    lines.push(cells.join(','));
  }
  return lines.join('\n') + '\n';
}
