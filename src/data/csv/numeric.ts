// The strict, fast reader of the shipped built-in datasets (known clean: a header, comma-separated numbers,
// target last). It stays beside csv-parse because csv-parse is about 3× slower on clean files.
import { DataError } from '../../errors.js';

/** Parsed numeric table: features row-major, targets, and the header's names. */
export interface NumericTable {
  x: Float32Array;
  y: Float32Array;
  rows: number;
  features: number;
  columns: string[];
}

/** Parses a header + numeric rows CSV text whose last column is the target. */
export function parseNumericCSV(text: string, source = 'csv'): NumericTable {
  const lines = text.split(/\r?\n/);
  while (lines.length && lines[lines.length - 1].trim() === '') lines.pop();
  if (lines.length < 2) throw new DataError(`${source}: needs a header row and at least one data row`);
  const columns = lines[0].split(',').map((s) => s.trim());
  const width = columns.length;
  if (width < 2) throw new DataError(`${source}: needs at least one feature column and a target column`);
  const rows = lines.length - 1;
  const d = width - 1;
  const x = new Float32Array(rows * d);
  const y = new Float32Array(rows);
  for (let r = 0; r < rows; r++) {
    const cells = lines[r + 1].split(',');
    if (cells.length !== width) {
      throw new DataError(`${source}: line ${r + 2} has ${cells.length} cells, expected ${width}`, { row: r, line: r + 2 });
    }
    for (let c = 0; c < width; c++) {
      const s = cells[c].trim();
      const v = s === '' ? NaN : Number(s);
      if (!Number.isFinite(v)) {
        throw new DataError(`${source}: line ${r + 2}, column ${c + 1} (${columns[c]}): ${JSON.stringify(cells[c])} is not a finite number`, { row: r, column: c, line: r + 2 });
      }
      if (c < d) x[r * d + c] = v;
      else y[r] = v;
    }
  }
  return { x, y, rows, features: d, columns };
}
