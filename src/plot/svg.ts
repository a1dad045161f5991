// Convergence charts as standalone SVG text: no DOM, no dependency, so the same code serves Node (files)
// and browsers (inline). Axes get "nice" ticks; loss axes switch to a log scale when the data span more
// than a decade.

/** One line of a chart. */
export interface Series {
  name: string;
  x: ArrayLike<number>;
  y: ArrayLike<number>;
}

/** One panel: a title, axis labels and its series. */
export interface Panel {
  title: string;
  xLabel: string;
  yLabel: string;
  series: Series[];
  /** 'auto' (default): log when positive data span more than a decade. */
  yScale?: 'linear' | 'log' | 'auto';
}

/** A line colour per series index (Okabe–Ito, readable by colour-blind readers). */
export const PALETTE = ['#0072B2', '#D55E00', '#009E73', '#CC79A7', '#E69F00', '#56B4E9', '#F0E442', '#000000'];

const W = 520, H = 360, M = { l: 70, r: 20, t: 40, b: 55 };

function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

function fmt(v: number): string {
  if (v === 0) return '0';
  const a = Math.abs(v);
  if (a >= 1e5 || a < 1e-3) return v.toExponential(0).replace('e+', 'e');
  return String(Number(v.toPrecision(4)));
}

/** Nice linear ticks covering [lo, hi]. */
export function linearTicks(lo: number, hi: number, count = 5): number[] {
  if (!(hi > lo)) return [lo];
  const raw = (hi - lo) / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? 10 * mag;
  const out: number[] = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + step * 1e-9; v += step) out.push(Number(v.toPrecision(12)));
  return out;
}

function extent(values: number[]): [number, number] {
  let lo = Infinity, hi = -Infinity;
  for (const v of values) if (Number.isFinite(v)) { lo = Math.min(lo, v); hi = Math.max(hi, v); }
  if (!Number.isFinite(lo)) return [0, 1];
  if (lo === hi) return [lo - (Math.abs(lo) || 1) * 0.5, hi + (Math.abs(hi) || 1) * 0.5];
  return [lo, hi];
}

/** Renders one panel as an SVG group placed at (ox, oy). */
function panel(p: Panel, ox: number, oy: number): string {
  const xs: number[] = [], ys: number[] = [];
  for (const s of p.series) for (let i = 0; i < s.x.length; i++) { xs.push(s.x[i]); ys.push(s.y[i]); }
  const [x0, x1] = extent(xs);
  const posY = ys.filter((v) => v > 0 && Number.isFinite(v));
  let [y0, y1] = extent(ys);
  const log = p.yScale === 'log' || (p.yScale !== 'linear' && posY.length === ys.length && posY.length > 0 &&
    Math.max(...posY) / Math.min(...posY) > 10);
  const ty = log ? (v: number) => Math.log10(v) : (v: number) => v;
  if (log) [y0, y1] = [Math.log10(Math.min(...posY)), Math.log10(Math.max(...posY))];
  if (y0 === y1) { y0 -= 0.5; y1 += 0.5; }
  const pw = W - M.l - M.r, ph = H - M.t - M.b;
  const sx = (v: number) => ox + M.l + ((v - x0) / (x1 - x0 || 1)) * pw;
  const sy = (v: number) => oy + M.t + ph - ((ty(v) - y0) / (y1 - y0 || 1)) * ph;
  const parts: string[] = [];
  parts.push(`<text x="${ox + W / 2}" y="${oy + 22}" text-anchor="middle" font-size="15" font-weight="bold">${esc(p.title)}</text>`);
  parts.push(`<rect x="${ox + M.l}" y="${oy + M.t}" width="${pw}" height="${ph}" fill="none" stroke="#444"/>`);
  for (const t of linearTicks(x0, x1)) {
    const x = sx(t);
    parts.push(`<line x1="${x}" y1="${oy + M.t}" x2="${x}" y2="${oy + M.t + ph}" stroke="#ddd"/>`);
    parts.push(`<text x="${x}" y="${oy + M.t + ph + 16}" text-anchor="middle" font-size="11">${fmt(t)}</text>`);
  }
  const yTicks = log
    ? linearTicks(Math.floor(y0), Math.ceil(y1), Math.max(1, Math.min(6, Math.ceil(y1) - Math.floor(y0)))).filter((e) => Number.isInteger(e) && e >= Math.floor(y0)).map((e) => 10 ** e).filter((v) => ty(v) >= y0 - 1e-9 && ty(v) <= y1 + 1e-9)
    : linearTicks(y0, y1);
  if (log && yTicks.length < 2) yTicks.push(10 ** y0, 10 ** y1);
  for (const t of yTicks) {
    const y = sy(t);
    parts.push(`<line x1="${ox + M.l}" y1="${y}" x2="${ox + M.l + pw}" y2="${y}" stroke="#ddd"/>`);
    parts.push(`<text x="${ox + M.l - 6}" y="${y + 4}" text-anchor="end" font-size="11">${fmt(t)}</text>`);
  }
  parts.push(`<text x="${ox + M.l + pw / 2}" y="${oy + H - 12}" text-anchor="middle" font-size="12">${esc(p.xLabel)}</text>`);
  parts.push(`<text transform="translate(${ox + 16},${oy + M.t + ph / 2}) rotate(-90)" text-anchor="middle" font-size="12">${esc(p.yLabel + (log ? ' (log scale)' : ''))}</text>`);
  p.series.forEach((s, i) => {
    const pts: string[] = [];
    for (let j = 0; j < s.x.length; j++) {
      if (Number.isFinite(s.y[j]) && (!log || s.y[j] > 0)) pts.push(`${sx(s.x[j]).toFixed(1)},${sy(s.y[j]).toFixed(1)}`);
    }
    const colour = PALETTE[i % PALETTE.length];
    parts.push(`<path class="series" data-name="${esc(s.name)}" d="M${pts.join('L')}" fill="none" stroke="${colour}" stroke-width="2"/>`);
  });
  // Legend in the top-right corner of the plot area.
  p.series.forEach((s, i) => {
    const lx = ox + M.l + pw - 150, ly = oy + M.t + 14 + i * 16;
    parts.push(`<line x1="${lx}" y1="${ly - 4}" x2="${lx + 20}" y2="${ly - 4}" stroke="${PALETTE[i % PALETTE.length]}" stroke-width="3"/>`);
    parts.push(`<text x="${lx + 26}" y="${ly}" font-size="11">${esc(s.name)}</text>`);
  });
  return parts.join('\n');
}

/** Renders panels side by side as one SVG document. */
export function renderChart(panels: Panel[], title?: string): string {
  const top = title ? 30 : 0;
  const width = W * panels.length, height = H + top;
  const body = panels.map((p, i) => panel(p, i * W, top)).join('\n');
  const head = title ? `<text x="${width / 2}" y="20" text-anchor="middle" font-size="17" font-weight="bold">${esc(title)}</text>` : '';
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif">\n` +
    `<rect width="100%" height="100%" fill="white"/>\n${head}\n${body}\n</svg>\n`;
}

/** A training run as the convergence chart wants it. */
export interface RunHistory {
  name: string;
  history: { epoch: number; loss: number; ms: number }[];
}

/** Training loss against epoch and against wall time, one line per run. */
export function convergenceChart(runs: RunHistory[], title = 'Training loss'): string {
  const mk = (xOf: (h: RunHistory['history'][number]) => number): Series[] =>
    runs.map((r) => ({ name: r.name, x: r.history.map(xOf), y: r.history.map((h) => h.loss) }));
  return renderChart([
    { title: 'Loss against epoch', xLabel: 'epoch', yLabel: 'training loss', series: mk((h) => h.epoch) },
    { title: 'Loss against wall time', xLabel: 'time (ms)', yLabel: 'training loss', series: mk((h) => h.ms) },
  ], title);
}
