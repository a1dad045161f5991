// How the CLI writes numbers and the divergence advice. One sentence of advice on divergence, used on stderr
// and stdout alike, so the two never contradict each other; metrics bounded so that a diverged run does not
// print an R² of −2.6e+60.

/** The one piece of advice printed when training diverges. */
export const DIVERGED_HINT = 'the loss or a parameter stopped being finite: try a smaller --lr, or --clip-norm 1';

/** What the loss curves and the 'epoch loss' line show: train()'s history, the running mean over an epoch's batches. */
export const EPOCH_LOSS = 'epoch loss (mean of the batch losses)';

/** Beyond this magnitude a loss or metric is printed as a bound: such values only come from a diverged run. */
export const HUGE = 1e6;

/** A number for people: `digits` significant digits (`fixed` decimals when given), huge values as a bound. */
export function finite(x: number | undefined, fixed?: number, digits = 5): string {
  if (x === undefined) return '';
  if (Number.isNaN(x)) return 'NaN';
  if (x > HUGE) return `>${HUGE.toExponential(0).replace('+', '')}`;
  if (x < -HUGE) return `<-${HUGE.toExponential(0).replace('+', '')}`;
  return fixed !== undefined ? x.toFixed(fixed) : Number(x.toPrecision(digits)).toString();
}

/** A finite JSON number, or null for a value that overflowed (JSON has no Infinity). */
export function jsonNumber(x: number): number | null {
  return Number.isFinite(x) ? x : null;
}
