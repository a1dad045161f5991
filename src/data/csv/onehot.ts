// One-hot encoding of categorical (text) feature columns, as a rewrite of the records before the numeric
// reader sees them: column "city" with values Paris, Rome becomes columns "city=Paris", "city=Rome" holding
// 0/1. The categories are sorted; a model saves them so that prediction encodes new rows the same way (a
// category unseen in training is all zeros).
import { DataError } from '../../errors.js';
import { clip } from './guards.js';

/** One encoded column: its header name and its categories in feature order. */
export interface OneHotColumn {
  column: string;
  categories: string[];
}

/** Cells of a CSV record back to text (quoted when needed). */
function line(cells: readonly string[], delimiter: string): string {
  return cells.map((c) => (c.includes(delimiter) || /["\r\n]/.test(c) ? `"${c.replace(/"/g, '""')}"` : c)).join(delimiter);
}

/**
 * Rewrites `records` (header first) with each named column replaced by one 0/1 column per category.
 * `known` fixes the categories (prediction); otherwise they are collected from the rows, sorted.
 */
export function oneHotRecords(records: string[][], columns: readonly string[], delimiter: string, source: string,
  known?: readonly OneHotColumn[]): { text: string; encoded: OneHotColumn[] } {
  if (records.length === 0) throw new DataError(`${source}: the CSV is empty`);
  const header = records[0];
  const encoded: OneHotColumn[] = [];
  const plan = new Map<number, Map<string, number>>();
  for (const name of columns) {
    const c = header.indexOf(name);
    if (c < 0) throw new DataError(`${source}: --onehot names no column of the header: ${clip(name)}`);
    const fixed = known?.find((k) => k.column === name)?.categories;
    const categories = fixed ? [...fixed] : [...new Set(records.slice(1).map((r) => r[c] ?? ''))].sort();
    if (categories.length > 1000) throw new DataError(`${source}: column ${clip(name)} has ${categories.length} categories; --onehot takes at most 1000`);
    plan.set(c, new Map(categories.map((k, i) => [k, i])));
    encoded.push({ column: name, categories });
  }
  const out: string[] = [];
  records.forEach((r, i) => {
    const cells: string[] = [];
    r.forEach((cell, c) => {
      const cats = plan.get(c);
      if (!cats) cells.push(cell);
      else if (i === 0) for (const k of cats.keys()) cells.push(`${cell}=${k}`);
      else {
        const hot = cats.get(cell);
        for (let j = 0; j < cats.size; j++) cells.push(j === hot ? '1' : '0');
      }
    });
    out.push(line(cells, delimiter));
  });
  return { text: out.join('\n') + '\n', encoded };
}
