// The two live loss charts (uPlot; by epoch and by wall time in the worker), fed by the workers' progress events.
import uPlot from 'uplot';
import { COLORS, els } from './page.js';
import { countAxis } from './axes.js';

interface Series {
  name: string;
  epochs: number[];
  loss: number[];
  ms: number[];
}

/** One series per training variant, in variant order. */
export let series: Series[] = [];
let chartEpoch: uPlot | null = null;
let chartTime: uPlot | null = null;
let dirty = false;

function chartWidth(el: HTMLElement): number {
  return Math.max(280, el.clientWidth - 14);
}

/** (Re)creates both charts for the current series. */
export function makeCharts(): void {
  chartEpoch?.destroy();
  chartTime?.destroy();
  const common = (title: string, xLabel: string, xAxis: uPlot.Axis = { label: xLabel }): uPlot.Options => ({
    title,
    width: chartWidth(els.chartEpoch),
    height: 280,
    scales: { x: { time: false }, y: { distr: 3 } },
    axes: [xAxis, { label: 'training loss', size: 64, values: (_u, splits) => splits.map(tick) }],
    series: [{ label: xLabel }, ...series.map((s, i) => ({
      label: s.name, stroke: COLORS[i % COLORS.length], width: 2, spanGaps: true, points: { show: false },
    }))],
    legend: { live: false },
  });
  chartEpoch = new uPlot(common('Training loss by epoch', 'epoch', countAxis('epoch')), [[]], els.chartEpoch);
  chartTime = new uPlot(common('Training loss by wall time in the worker', 'ms'), [[]], els.chartTime);
}

/** Log-axis tick labels: 1e-5 rather than uPlot's rounding of small values to 0. */
function tick(v: number | null): string {
  if (v == null) return '';
  if (v === 0) return '0';
  const a = Math.abs(v);
  return a >= 0.01 && a < 1e5 ? String(+v.toPrecision(3)) : v.toExponential(0);
}

const positive = (v: number) => (v > 1e-12 ? v : 1e-12); // log axis

function redraw(): void {
  if (!dirty || !chartEpoch || !chartTime) return;
  dirty = false;
  const maxEpoch = Math.max(0, ...series.map((s) => s.epochs.length));
  const x = Array.from({ length: maxEpoch }, (_, i) => i + 1);
  const ys = series.map((s) => x.map((_, i) => (i < s.loss.length ? positive(s.loss[i]) : null)));
  chartEpoch.setData([x, ...ys] as uPlot.AlignedData);
  const joined = uPlot.join(series.map((s) => [s.ms, s.loss.map(positive)] as uPlot.AlignedData));
  chartTime.setData(joined);
}

// Charts redraw at most ten times a second: live enough to watch, and it leaves the main thread idle
// most of the time (software-rendered canvases are not free on a small machine).
let lastDraw = 0;
function loop(now: number): void {
  if (now - lastDraw >= 100) {
    lastDraw = now;
    redraw();
  }
  requestAnimationFrame(loop);
}
requestAnimationFrame(loop);


/** Starts one empty series per variant and redraws the charts with them. */
export function startSeries(names: readonly string[]): void {
  series = names.map((name) => ({ name, epochs: [], loss: [], ms: [] }));
  makeCharts();
}

/** Adds an epoch of variant i; the charts pick it up at their next redraw. */
export function addPoint(i: number, epoch: number, loss: number, ms: number): void {
  const s = series[i];
  s.epochs.push(epoch);
  s.loss.push(loss);
  s.ms.push(ms);
  dirty = true;
}

/** Redraws now rather than at the next tick (the run is over). */
export function redrawNow(): void {
  dirty = true;
  redraw();
}

/** Fits both charts to their containers' width. */
export function resizeCharts(): void {
  chartEpoch?.setSize({ width: chartWidth(els.chartEpoch), height: 280 });
  chartTime?.setSize({ width: chartWidth(els.chartTime), height: 280 });
}

/** For the end-to-end tests: points drawn per series by epoch, and time points. */
export function chartPoints(): { epoch: number[]; time: number } {
  return { epoch: chartEpoch?.data.slice(1).map((s) => (s as ArrayLike<number | null | undefined>)).map((s) => Array.from(s).filter((v) => v != null).length) ?? [], time: chartTime?.data[0]?.length ?? 0 };
}
