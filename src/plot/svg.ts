// Convergence charts as standalone SVG text: no DOM, no dependency, so the same code serves Node (files)
// and browsers (inline). Axes get "nice" ticks; loss axes switch to a log scale when the data span more
// than a decade (with 2× and 5× ticks when only a few decades show). When every panel shows the same
// runs, one legend below the panels names them, so it never hides a curve.

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
  /** 'auto' (default): log when all values are positive and span more than a decade. */
  yScale?: 'linear' | 'log' | 'auto';
  /** How x tick labels are written; default compact numbers (1.5k, 2M). */
  xFormat?: (v: number) => string;
  /** Only whole-number x ticks (epochs). */
  xIntegers?: boolean;
  /** Start the x axis at this value (or lower, if the data do): 0 for time and samples seen. */
  xFrom?: number;
}

/** Options of {@link renderChart}. */
export interface ChartOptions {
  /** 'shared' (one legend below all panels), 'panel' (a boxed legend in each panel) or 'auto' (default): shared when every panel has the same series names. */
  legend?: 'shared' | 'panel' | 'auto';
  /** Panels per row. Default: all in one row, up to 3. */
  columns?: number;
}

/** A line colour per series index (Okabe–Ito, readable by colour-blind readers; yellow left out, too pale on white). */
export const PALETTE = ['#0072B2', '#D55E00', '#009E73', '#CC79A7', '#E69F00', '#56B4E9', '#000000', '#882255'];
/** Dash patterns, one per series, so that lines lying on top of each other still show (and in greyscale print). */
const DASHES = ['', '7 4', '2 3', '10 3 2 3', '4 2'];
/** A marker per series, drawn at a few points of each line: coinciding lines stay distinguishable. */
const MARKERS = ['circle', 'square', 'triangle', 'diamond', 'cross'] as const;

function marker(i: number, x: number, y: number, colour: string): string {
  const m = MARKERS[i % MARKERS.length], r = 3.6;
  const at = (pts: [number, number][]) => pts.map(([a, b]) => `${(x + a).toFixed(1)},${(y + b).toFixed(1)}`).join(' ');
  if (m === 'circle') return `<circle class="marker" cx="${x.toFixed(1)}" cy="${y.toFixed(1)}" r="${r}" fill="white" stroke="${colour}" stroke-width="1.6"/>`;
  if (m === 'square') return `<rect class="marker" x="${(x - r).toFixed(1)}" y="${(y - r).toFixed(1)}" width="${2 * r}" height="${2 * r}" fill="${colour}"/>`;
  if (m === 'cross') return `<path class="marker" d="M${at([[-r, -r]])}L${at([[r, r]])}M${at([[-r, r]])}L${at([[r, -r]])}" stroke="${colour}" stroke-width="2"/>`;
  const pts: [number, number][] = m === 'triangle' ? [[0, -r - 1], [r + 1, r], [-r - 1, r]] : [[0, -r - 1], [r + 1, 0], [0, r + 1], [-r - 1, 0]];
  return `<polygon class="marker" points="${at(pts)}" fill="${colour}"/>`;
}

const W = 520, H = 360, M = { l: 72, r: 22, t: 40, b: 52 };

function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** Short tick text: 0.001 → 1e-3, 12000 → 12k, 2500000 → 2.5M. */
export function formatTick(v: number): string {
  if (v === 0) return '0';
  const a = Math.abs(v);
  if (a >= 1e9) return `${Number((v / 1e9).toPrecision(3))}G`;
  if (a >= 1e6) return `${Number((v / 1e6).toPrecision(3))}M`;
  if (a >= 1e4) return `${Number((v / 1e3).toPrecision(3))}k`;
  if (a < 1e-3) return v.toExponential(0).replace('e+', 'e');
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

/**
 * Ticks for a log axis over [10^e0, 10^e1]: every decade (every k-th when there are many), plus 2× and
 * 5× when less than three decades show, so a short log axis still has several labels.
 */
export function logTicks(e0: number, e1: number): number[] {
  const lo = Math.floor(e0 + 1e-9), hi = Math.ceil(e1 - 1e-9);
  const every = Math.max(1, Math.ceil((hi - lo) / 6));
  const mults = e1 - e0 < 3 ? [1, 2, 5] : [1];
  const out: number[] = [];
  for (let e = lo; e <= hi; e++) {
    if ((e - lo) % every !== 0) continue;
    for (const m of mults) {
      const v = Number((m * 10 ** e).toPrecision(12));
      const lv = Math.log10(v);
      if (lv >= e0 - 1e-9 && lv <= e1 + 1e-9) out.push(v);
    }
  }
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
function panel(p: Panel, ox: number, oy: number, ownLegend: boolean): string {
  const xs: number[] = [], ys: number[] = [];
  for (const s of p.series) {
    for (let i = 0; i < s.x.length; i++) {
      if (Number.isFinite(s.x[i]) && Number.isFinite(s.y[i])) { xs.push(s.x[i]); ys.push(s.y[i]); }
    }
  }
  let [x0, x1] = extent(xs);
  if (p.xFrom !== undefined && xs.length) {
    x0 = Math.min(x0, p.xFrom);
    if (x1 === x0) x1 = x0 + 1;
  }
  let lo = Infinity, hi = -Infinity;
  for (const v of ys) if (v > 0) { lo = Math.min(lo, v); hi = Math.max(hi, v); }
  const allPositive = ys.length > 0 && ys.every((v) => v > 0);
  const log = p.yScale === 'log' ? lo <= hi : p.yScale !== 'linear' && allPositive && hi / lo > 10;
  const ty = log ? (v: number) => Math.log10(v) : (v: number) => v;
  let [y0, y1] = log ? [Math.log10(lo), Math.log10(hi)] : extent(ys);
  if (y0 === y1) { y0 -= 0.5; y1 += 0.5; }
  // A little air above and below, so curves do not run along the frame.
  const pad = (y1 - y0) * 0.04;
  y0 -= pad;
  y1 += pad;
  const pw = W - M.l - M.r, ph = H - M.t - M.b;
  const sx = (v: number) => ox + M.l + ((v - x0) / (x1 - x0 || 1)) * pw;
  const sy = (v: number) => oy + M.t + ph - ((ty(v) - y0) / (y1 - y0 || 1)) * ph;
  const parts: string[] = [];
  parts.push(`<g class="panel" data-title="${esc(p.title)}">`);
  parts.push(`<text x="${ox + M.l + pw / 2}" y="${oy + 24}" text-anchor="middle" font-size="15" font-weight="bold">${esc(p.title)}</text>`);
  const xFmt = p.xFormat ?? formatTick;
  let xTicks = linearTicks(x0, x1);
  if (p.xIntegers) xTicks = xTicks.filter(Number.isInteger);
  for (const t of xTicks) {
    const x = sx(t);
    parts.push(`<line x1="${x.toFixed(1)}" y1="${oy + M.t}" x2="${x.toFixed(1)}" y2="${oy + M.t + ph}" stroke="#e3e3e3"/>`);
    parts.push(`<text x="${x.toFixed(1)}" y="${oy + M.t + ph + 17}" text-anchor="middle" font-size="11" fill="#333">${esc(xFmt(t))}</text>`);
  }
  const yTicks = log ? logTicks(y0, y1) : linearTicks(y0, y1);
  for (const t of yTicks) {
    const y = sy(t);
    parts.push(`<line x1="${ox + M.l}" y1="${y.toFixed(1)}" x2="${ox + M.l + pw}" y2="${y.toFixed(1)}" stroke="#e3e3e3"/>`);
    parts.push(`<text x="${ox + M.l - 7}" y="${(y + 4).toFixed(1)}" text-anchor="end" font-size="11" fill="#333">${esc(formatTick(t))}</text>`);
  }
  parts.push(`<rect x="${ox + M.l}" y="${oy + M.t}" width="${pw}" height="${ph}" fill="none" stroke="#555"/>`);
  parts.push(`<text x="${ox + M.l + pw / 2}" y="${oy + H - 12}" text-anchor="middle" font-size="12">${esc(p.xLabel)}</text>`);
  parts.push(`<text transform="translate(${ox + 17},${oy + M.t + ph / 2}) rotate(-90)" text-anchor="middle" font-size="12">${esc(p.yLabel + (log ? ' (log scale)' : ''))}</text>`);
  parts.push(`<clipPath id="clip${ox}_${oy}"><rect x="${ox + M.l}" y="${oy + M.t}" width="${pw}" height="${ph}"/></clipPath>`);
  if (xs.length === 0) {
    parts.push(`<text x="${ox + M.l + pw / 2}" y="${oy + M.t + ph / 2}" text-anchor="middle" font-size="13" fill="#888">no data</text>`);
  }
  p.series.forEach((s, i) => {
    // Non-finite points (and non-positive ones on a log axis) break the line instead of bending it.
    let d = '';
    let pen = 'M';
    let points = 0, lastX = 0, lastY = 0;
    const marks: [number, number][] = [];
    // Markers at about six points per line, offset per series so that coinciding lines do not stack them.
    const every = Math.max(1, Math.ceil(s.x.length / 6));
    for (let j = 0; j < s.x.length; j++) {
      const ok = Number.isFinite(s.x[j]) && Number.isFinite(s.y[j]) && (!log || s.y[j] > 0);
      if (!ok) { pen = 'M'; continue; }
      lastX = sx(s.x[j]);
      lastY = sy(s.y[j]);
      d += `${pen}${lastX.toFixed(1)},${lastY.toFixed(1)}`;
      pen = 'L';
      points++;
      if ((j + Math.floor((i * every) / 3)) % every === 0 || j === s.x.length - 1) marks.push([lastX, lastY]);
    }
    const colour = PALETTE[i % PALETTE.length];
    const dash = DASHES[i % DASHES.length];
    parts.push(`<path class="series" data-name="${esc(s.name)}" d="${d || 'M0,0'}" fill="none" stroke="${colour}" stroke-width="2.2"` +
      `${dash ? ` stroke-dasharray="${dash}"` : ''} stroke-linejoin="round" clip-path="url(#clip${ox}_${oy})"/>`);
    if (points === 1 && !marks.length) marks.push([lastX, lastY]);
    parts.push(`<g clip-path="url(#clip${ox}_${oy})">${marks.map(([mx, my]) => marker(i, mx, my, colour)).join('')}</g>`);
  });
  if (ownLegend && p.series.length) {
    const wText = Math.max(...p.series.map((s) => s.name.length)) * 6.6 + 36;
    const lx = ox + M.l + pw - wText - 8, ly = oy + M.t + 8;
    parts.push(`<rect x="${lx}" y="${ly}" width="${wText}" height="${p.series.length * 16 + 8}" fill="white" fill-opacity="0.85" stroke="#bbb"/>`);
    p.series.forEach((s, i) => {
      const y = ly + 16 + i * 16;
      parts.push(legendItem(s.name, i, lx + 6, y));
    });
  }
  parts.push('</g>');
  return parts.join('\n');
}

function legendItem(name: string, i: number, x: number, y: number): string {
  const dash = DASHES[i % DASHES.length], colour = PALETTE[i % PALETTE.length];
  return `<line x1="${x}" y1="${y - 4}" x2="${x + 22}" y2="${y - 4}" stroke="${colour}" stroke-width="3"${dash ? ` stroke-dasharray="${dash}"` : ''}/>` +
    marker(i, x + 11, y - 4, colour) +
    `<text x="${x + 28}" y="${y}" font-size="12">${esc(name)}</text>`;
}

/** Renders panels (side by side, wrapping after `columns`) as one SVG document, with a title and a legend. */
export function renderChart(panels: Panel[], title?: string, options: ChartOptions = {}): string {
  const names = (p: Panel) => p.series.map((s) => s.name).join('\u0000');
  const same = panels.every((p) => names(p) === names(panels[0]));
  const shared = options.legend === 'shared' || (options.legend !== 'panel' && same);
  const cols = Math.max(1, Math.min(options.columns ?? Math.min(3, panels.length), panels.length));
  const rowsOfPanels = Math.ceil(panels.length / cols);
  const top = title ? 34 : 4;
  const width = W * cols;
  // The shared legend flows in rows under the panels.
  const legendSeries = shared && panels.length ? panels[0].series : [];
  const items = legendSeries.map((s) => ({ name: s.name, w: s.name.length * 7 + 44 }));
  const legendRows: { name: string; w: number; i: number }[][] = [];
  let line: { name: string; w: number; i: number }[] = [], used = 0;
  items.forEach((it, i) => {
    if (line.length && used + it.w > width - 40) { legendRows.push(line); line = []; used = 0; }
    line.push({ ...it, i });
    used += it.w;
  });
  if (line.length) legendRows.push(line);
  const legendH = legendRows.length ? legendRows.length * 20 + 12 : 0;
  const height = top + H * rowsOfPanels + legendH;
  const body = panels.map((p, i) => panel(p, (i % cols) * W, top + Math.floor(i / cols) * H, !shared)).join('\n');
  const head = title ? `<text x="${width / 2}" y="23" text-anchor="middle" font-size="17" font-weight="bold">${esc(title)}</text>` : '';
  const legend = legendRows.map((row, r) => {
    const total = row.reduce((a, it) => a + it.w, 0);
    let x = (width - total) / 2;
    const y = top + H * rowsOfPanels + 18 + r * 20;
    return row.map((it) => {
      const s = legendItem(it.name, it.i, x, y);
      x += it.w;
      return s;
    }).join('\n');
  }).join('\n');
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="DejaVu Sans, Liberation Sans, Arial, Helvetica, sans-serif">\n` +
    `<rect width="100%" height="100%" fill="white"/>\n${head}\n${body}\n${legend ? `<g class="legend">\n${legend}\n</g>\n` : ''}</svg>\n`;
}

/** A training run as the convergence charts want it (train()'s history fits; `samples` is optional). */
export interface RunHistory {
  name: string;
  history: { epoch: number; loss: number; ms: number; samples?: number }[];
}

/** The x axes a loss chart can plot against. */
export type LossAxis = 'epoch' | 'samples' | 'time';

/** Options of {@link lossChart}. */
export interface LossChartOptions {
  /** Chart title. */
  title?: string;
  /** One panel per axis, in this order. Default epoch and time, plus samples when every run records them. */
  axes?: LossAxis[];
  /** The y axis label. Default 'training loss'. */
  yLabel?: string;
  /** Loss axis scale; default 'auto' (log when the losses span more than a decade). */
  yScale?: Panel['yScale'];
}

/**
 * Loss curves of several runs overlaid, one panel per x axis: epoch, samples seen, wall time (in ms or
 * s, whichever reads better). Runs without `samples` are left out of the samples panel.
 */
export function lossChart(runs: RunHistory[], options: LossChartOptions = {}): string {
  const hasSamples = runs.length > 0 && runs.every((r) => r.history.every((h) => typeof h.samples === 'number'));
  const axes = options.axes ?? (hasSamples ? ['epoch', 'samples', 'time'] : ['epoch', 'time']);
  const maxMs = Math.max(0, ...runs.flatMap((r) => r.history.map((h) => h.ms)));
  const seconds = maxMs >= 2000;
  const yLabel = options.yLabel ?? 'training loss';
  const panels: Panel[] = axes.map((axis) => {
    const xOf = axis === 'epoch' ? (h: RunHistory['history'][number]) => h.epoch
      : axis === 'samples' ? (h: RunHistory['history'][number]) => h.samples ?? NaN
        : (h: RunHistory['history'][number]) => (seconds ? h.ms / 1000 : h.ms);
    return {
      title: axis === 'epoch' ? 'Loss against epoch' : axis === 'samples' ? 'Loss against samples seen' : 'Loss against wall time',
      xLabel: axis === 'epoch' ? 'epoch' : axis === 'samples' ? 'samples seen' : seconds ? 'time (s)' : 'time (ms)',
      yLabel,
      yScale: options.yScale,
      xIntegers: axis === 'epoch',
      // Time and samples start at 0, so the first epoch's cost shows as the gap before the first point.
      xFrom: axis === 'epoch' ? undefined : 0,
      series: runs.map((r) => ({ name: r.name, x: r.history.map(xOf), y: r.history.map((h) => h.loss) })),
    };
  });
  return renderChart(panels, options.title);
}

/** Training loss against epoch and against wall time (and samples seen, when recorded), one line per run. */
export function convergenceChart(runs: RunHistory[], title = 'Training loss'): string {
  return lossChart(runs, { title });
}
