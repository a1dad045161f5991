// A CSV the user uploads, read by the library's own reader (parseCSV: the header guessed, the delimiter sniffed,
// class-name labels mapped to 0..k-1), so the page accepts every file Dataset.fromCSV and `descent train` accept.
import { parseCSV } from '../src/data/csv/read.js';

/** The table the page trains on: features row-major, the target, and the columns' names (target last). */
export interface PageTable {
  x: Float32Array;
  y: Float32Array;
  rows: number;
  features: number;
  /** Feature names, then the target's name. */
  columns: string[];
  /** Class names in label order, when the target held names (the labels in `y` are then 0..k-1). */
  classes?: string[];
  /** The delimiter the file used and whether its first row was a header. */
  delimiter: string;
  header: boolean;
}

/** Reads an uploaded CSV text; errors are the library's DataErrors (naming the line and column). */
export function readUpload(text: string, name: string): PageTable {
  const t = parseCSV(text, { source: name });
  const table: PageTable = {
    x: t.x, y: t.y, rows: t.rows, features: t.features, columns: [...t.featureNames, t.target ?? 'target'],
    delimiter: t.delimiter, header: t.header,
  };
  if (t.classes) table.classes = t.classes;
  return table;
}
