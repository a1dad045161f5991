// The digits grid: after a run on the built-in digits, the test images (8×8, one ImageData) with their labels.
import type { NumericTable } from '../src/data/csv/numeric.js';
import { els } from './page.js';

/** A finished run with test predictions (one per test row: every 5th row) and its test accuracy. */
export interface ScoredRun {
  name: string;
  predictions: ArrayLike<number>;
  accuracy: number;
}

/** The data as the page trained on it: the table, the class index of each row, and original labels if remapped. */
export interface DigitsData {
  table: NumericTable;
  y: Float32Array;
  labels: (number | string)[] | null;
}

/** Draws the test images with the predicted labels of the most accurate run (wrong ones in red). */
export function drawDigits(d: DigitsData, scored: readonly ScoredRun[]): void {
  if (!scored.length) return;
  const best = scored.reduce((a, b) => (b.accuracy > a.accuracy ? b : a));
  const pred = best.predictions;
  const t = d.table;
  const testRows: number[] = [];
  for (let r = 0; r < t.rows; r += 5) testRows.push(r);
  const scale = 4, cellW = 8 * scale + 10, cellH = 8 * scale + 18;
  const cols = Math.max(8, Math.floor((els.digits.parentElement!.clientWidth - 10) / cellW));
  const rowsN = Math.ceil(testRows.length / cols);
  const c = els.digitsGrid;
  c.width = cols * cellW + 8;
  c.height = rowsN * cellH + 8;
  const g = c.getContext('2d')!;
  // All pixels in one ImageData (white background, ink dark: values 0–16), then one putImageData.
  const img = g.createImageData(c.width, c.height);
  img.data.fill(255);
  const origin = (i: number) => [4 + (i % cols) * cellW + 4, 4 + Math.floor(i / cols) * cellH + 2];
  testRows.forEach((row, i) => {
    const [x0, y0] = origin(i);
    for (let p = 0; p < 64; p++) {
      const shade = Math.round(255 * (1 - Math.min(1, Math.max(0, t.x[row * 64 + p] / 16))));
      for (let dy = 0; dy < scale; dy++) {
        let o = ((y0 + Math.floor(p / 8) * scale + dy) * c.width + x0 + (p % 8) * scale) * 4;
        for (let dx = 0; dx < scale; dx++, o += 4) img.data[o] = img.data[o + 1] = img.data[o + 2] = shade;
      }
    }
  });
  g.putImageData(img, 0, 0);
  g.font = '12px system-ui, sans-serif';
  g.textAlign = 'center';
  let wrong = 0;
  testRows.forEach((row, i) => {
    const [x0, y0] = origin(i);
    const label = d.labels ? d.labels[pred[i]] : pred[i];
    const ok = pred[i] === d.y[row];
    if (!ok) wrong++;
    g.fillStyle = ok ? '#1b1f24' : '#c62828';
    g.fillText(ok ? String(label) : `${label}≠${t.y[row]}`, x0 + 4 * scale, y0 + 8 * scale + 13);
  });
  els.digitsCaption.textContent = `${best.name}: ${testRows.length - wrong} of ${testRows.length} right ` +
    `(accuracy ${best.accuracy.toFixed(4)}); wrong predictions in red as predicted≠true`;
  c.dataset.variant = best.name;
  c.dataset.count = String(testRows.length);
  els.digits.hidden = false;
}
