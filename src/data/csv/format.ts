// Writing CSV: numbers as the shortest text that reads back to the same float32, so generated files round-trip.
import { HyperParameterError } from '../../errors.js';
import { show } from '../../validate.js';

/** A CSV cell for a number: the shortest text that reads back to the same float32. */
export function f32Text(v: number): string {
  const f = Math.fround(v);
  if (!Number.isFinite(f) || (Number.isInteger(f) && Math.abs(f) < 2 ** 24)) return String(f);
  // Random data mostly needs 7–9 digits: start at 6 and only search shorter texts when 6 suffices.
  const fits = (p: number) => Math.fround(Number(f.toPrecision(p))) === f;
  let p = 6;
  if (fits(p)) while (p > 1 && fits(p - 1)) p--;
  else while (p < 9 && !fits(p)) p++;
  return String(Number(f.toPrecision(p)));
}

/**
 * Formats a numeric table as CSV text (header, then rows; target last). By default every value is the
 * shortest text that reads back to the same float32 (exact round trip); `digits` (1–17) writes that many
 * significant digits instead, which is faster and shorter when exactness does not matter.
 */
export function formatCSV(x: ArrayLike<number>, y: ArrayLike<number>, features: number, names?: readonly string[], digits?: number): string {
  const cols = names ?? [...Array.from({ length: features }, (_, i) => `x${i}`), 'y'];
  if (cols.length !== features + 1) throw new HyperParameterError('names', `expected ${features + 1} names (features and target), got ${cols.length}`);
  if (digits !== undefined && !(Number.isInteger(digits) && digits >= 1 && digits <= 17)) {
    throw new HyperParameterError('digits', `must be an integer in [1, 17], got ${show(digits)}`);
  }
  const text = digits === undefined ? f32Text : (v: number) => String(Number(v.toPrecision(digits)));
  const lines = [cols.join(',')];
  const rows = y.length;
  const cells: string[] = new Array(features + 1);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < features; c++) cells[c] = text(x[r * features + c]);
    cells[features] = text(y[r]);
    lines.push(cells.join(','));
  }
  return lines.join('\n') + '\n';
}
