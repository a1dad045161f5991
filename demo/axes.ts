// Chart axes that count things (epochs, steps): ticks on whole numbers only. uPlot picks the spacing of ticks
// from its increments, and its defaults include 0.5, 0.25, … so a three-epoch run was labelled 1, 1.5, 2, 2.5, 3.
import type uPlot from 'uplot';

/** Tick spacings of a counting axis: 1, 2, 5, 10, 20, 25, 50, … (whole numbers only). */
export const COUNT_INCRS: readonly number[] = [1, 2, 5].concat(
  ...Array.from({ length: 9 }, (_, e) => [10, 20, 25, 50].map((m) => m * 10 ** e)),
);

/** The tick labels of a counting axis: a whole-number split as is, anything else (never produced with these increments) blank. */
export function countLabels(splits: readonly number[]): string[] {
  return splits.map((v) => (Number.isInteger(v) ? String(v) : ''));
}

/** An x axis for epochs or steps: whole-number ticks only. */
export function countAxis(label: string): uPlot.Axis {
  return { label, incrs: [...COUNT_INCRS], values: (_u, splits) => countLabels(splits) };
}
