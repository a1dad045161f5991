// The demo page's elements (looked up once, by id from index.html), its series colours and its message line.
const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
/** Every element the page script touches. */
export const els = {
  env: $<HTMLParagraphElement>('env'),
  dataset: $<HTMLSelectElement>('dataset'),
  upload: $<HTMLInputElement>('upload'),
  dataInfo: $<HTMLParagraphElement>('data-info'),
  model: $<HTMLSelectElement>('model'),
  hidden: $<HTMLInputElement>('hidden'),
  optimizer: $<HTMLSelectElement>('optimizer'),
  lr: $<HTMLInputElement>('lr'),
  hyper: $<HTMLInputElement>('hyper'),
  epochs: $<HTMLInputElement>('epochs'),
  seed: $<HTMLInputElement>('seed'),
  l2: $<HTMLInputElement>('l2'),
  vFull: $<HTMLInputElement>('v-full'),
  vStochastic: $<HTMLInputElement>('v-stochastic'),
  vMini: $<HTMLInputElement>('v-mini'),
  miniSize: $<HTMLInputElement>('mini-size'),
  backend: $<HTMLSelectElement>('backend'),
  train: $<HTMLButtonElement>('train'),
  stop: $<HTMLButtonElement>('stop'),
  message: $<HTMLDivElement>('message'),
  chartEpoch: $<HTMLDivElement>('chart-epoch'),
  chartTime: $<HTMLDivElement>('chart-time'),
  results: $<HTMLTableElement>('results'),
  metricHead: $<HTMLTableCellElement>('metric-head'),
  digits: $<HTMLElement>('digits'),
  digitsCaption: $<HTMLSpanElement>('digits-caption'),
  digitsGrid: $<HTMLCanvasElement>('digits-grid'),
  probe: $<HTMLSpanElement>('probe'),
};

/** Series colours (Okabe–Ito, colour-blind safe), one per variant. */
export const COLORS = ['#0072B2', '#D55E00', '#009E73', '#CC79A7', '#E69F00'];

/** Shows a message in the status line; `kind` styles it and tells the tests what it is. */
export function showMessage(text: string, kind: 'error' | 'info' | '' = 'info'): void {
  els.message.textContent = text;
  els.message.className = kind;
  els.message.dataset.kind = kind;
}

/**
 * The whole number in a form field, at least `min`; throws an Error naming the field (`what`) otherwise, for the
 * section's status line.
 */
export function readInt(el: HTMLInputElement | HTMLSelectElement, what: string, min: number): number {
  const v = Number(el.value);
  if (!Number.isInteger(v) || v < min) throw new Error(`${what}: expected a whole number ≥ ${min}, got “${el.value}”`);
  return v;
}

/** A section's status line: shows `text`; `kind` 'error' styles it as an error. */
export type Status = (text: string, kind?: 'error' | '') => void;

/** A section's status line (the CNN and text sections each have one). */
export function statusLine(el: HTMLElement): Status {
  return (text, kind = '') => {
    el.textContent = text;
    el.className = kind === 'error' ? 'error' : 'muted';
  };
}

/**
 * What a section's Train button starts with: `read()` (its fields, through readInt), or null with the reason in
 * the section's status line when the page's backend is not ready or a field is not a valid number.
 */
export function startInputs<T>(ready: boolean, status: Status, read: () => T): T | null {
  if (!ready) {
    status('The page\'s WebAssembly backend is not ready yet (see the line at the top); try again in a moment.', 'error');
    return null;
  }
  try {
    return read();
  } catch (e) {
    status((e as Error).message, 'error');
    return null;
  }
}
