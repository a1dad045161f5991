// SVG charts: they must render to a readable picture (rasterised with resvg and checked for content
// and colour), pick a log axis when the loss spans decades, draw one path per run per panel, and
// survive odd data (NaN, one point, names with markup).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Resvg } from '@resvg/resvg-js';
import { convergenceChart, lossChart, renderChart, PALETTE, type RunHistory } from '../src/plot/index.js';
import { formatTick, linearTicks, logTicks } from '../src/plot/svg.js';

const out = process.env.DESCENT_PLOT_DIR ?? mkdtempSync(join(tmpdir(), 'descent-plot-'));

function run(name: string, f: (e: number) => number, epochs = 40, msPerEpoch = 12.5, rowsPerEpoch = 1437): RunHistory {
  return {
    name,
    history: Array.from({ length: epochs }, (_, i) => ({ epoch: i + 1, loss: f(i + 1), ms: (i + 1) * msPerEpoch, samples: (i + 1) * rowsPerEpoch })),
  };
}

const RUNS = [
  run('full batch', (e) => 2.3 * Math.exp(-e / 25)),
  run('stochastic', (e) => 0.04 + 1.2 / e),
  run('mini-batch 32', (e) => 0.01 + 0.6 / e ** 1.2),
];

function rgb(hex: string): [number, number, number] {
  return [parseInt(hex.slice(1, 3), 16), parseInt(hex.slice(3, 5), 16), parseInt(hex.slice(5, 7), 16)];
}

function raster(svg: string, file: string): { width: number; height: number; pixels: Uint8Array } {
  const img = new Resvg(svg, { font: { loadSystemFonts: true, defaultFontFamily: 'DejaVu Sans' }, background: 'white' }).render();
  writeFileSync(join(out, file), img.asPng());
  return { width: img.width, height: img.height, pixels: img.pixels };
}

test('the convergence chart renders: not blank, every run in its own colour, white background', () => {
  const svg = convergenceChart(RUNS, 'Softmax regression on digits');
  const { width, height, pixels } = raster(svg, 'convergence.png');
  assert.is(width, 3 * 520, 'three panels: epoch, samples seen, time');
  assert.ok(height > 360);
  let ink = 0;
  const colourHits = PALETTE.slice(0, RUNS.length).map(() => 0);
  const targets = PALETTE.slice(0, RUNS.length).map(rgb);
  for (let i = 0; i < pixels.length; i += 4) {
    const [r, g, b] = [pixels[i], pixels[i + 1], pixels[i + 2]];
    if (r < 235 || g < 235 || b < 235) ink++;
    targets.forEach(([tr, tg, tb], k) => {
      if (Math.abs(r - tr) < 40 && Math.abs(g - tg) < 40 && Math.abs(b - tb) < 40) colourHits[k]++;
    });
  }
  const fraction = ink / (width * height);
  assert.ok(fraction > 0.01 && fraction < 0.35, `ink covers ${(fraction * 100).toFixed(1)}% of the picture`);
  for (let k = 0; k < RUNS.length; k++) assert.ok(colourHits[k] > 300, `${RUNS[k].name} drawn in ${PALETTE[k]}: ${colourHits[k]} pixels`);
  // Corners are background.
  assert.equal(Array.from(pixels.subarray(0, 4)), [255, 255, 255, 255]);
});

test('loss spanning decades gets a log axis with decade ticks; a narrow range stays linear', () => {
  const wide = lossChart(RUNS, { axes: ['epoch'] });
  assert.match(wide, /training loss \(log scale\)/);
  assert.match(wide, />1<\/text>/);
  assert.match(wide, />0\.1<\/text>/);
  const narrow = lossChart([run('a', (e) => 0.5 + 0.1 / e)], { axes: ['epoch'] });
  assert.not.match(narrow, /log scale/);
  assert.equal(logTicks(-2.2, 0.4), [0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2], 'short log axes get 2× and 5× ticks');
  assert.equal(logTicks(-6, 3), [1e-6, 1e-4, 0.01, 1, 100], 'many decades: every other decade');
  assert.equal(linearTicks(0, 1), [0, 0.2, 0.4, 0.6, 0.8, 1]);
  assert.equal([formatTick(0), formatTick(0.5), formatTick(12000), formatTick(2_500_000), formatTick(0.0001)], ['0', '0.5', '12k', '2.5M', '1e-4']);
});

test('one path per run in each panel, a title per panel, one shared legend with every run', () => {
  const svg = lossChart(RUNS, { title: 'compare' });
  const panels = svg.split('<g class="panel"').slice(1);
  assert.is(panels.length, 3);
  for (const p of panels) {
    const names = [...p.matchAll(/<path class="series" data-name="([^"]+)"/g)].map((m) => m[1]);
    assert.equal(names, RUNS.map((r) => r.name));
  }
  assert.match(svg, /Loss against epoch/);
  assert.match(svg, /Loss against samples seen/);
  assert.match(svg, /samples seen/);
  const legend = svg.slice(svg.indexOf('<g class="legend">'));
  for (const r of RUNS) assert.ok(legend.includes(`>${r.name}<`), `legend names ${r.name}`);
  // Wall time above 2 s is shown in seconds.
  assert.match(lossChart([run('slow', (e) => 1 / e, 40, 100)]), /time \(s\)/);
  assert.match(lossChart([run('fast', (e) => 1 / e, 40, 10)]), /time \(ms\)/);
});

test('odd data: NaN breaks the line, one point becomes a dot, names are escaped, panels differ → own legends', () => {
  const broken = run('a<b & "c"', (e) => (e === 5 ? NaN : e === 6 ? Infinity : 1 / e), 10);
  const dot = run('one epoch', () => 0.3, 1);
  const svg = lossChart([broken, dot], { axes: ['epoch'] });
  assert.not.match(svg, /NaN|Infinity/);
  assert.match(svg, /a&lt;b &amp; &quot;c&quot;/);
  const path = /data-name="a&lt;b[^"]*" d="([^"]+)"/.exec(svg)![1];
  assert.is(path.split('M').length - 1, 2, 'two segments around the gap');
  assert.match(svg, /<circle /);
  const mixed = renderChart([
    { title: 'one', xLabel: 'x', yLabel: 'y', series: [{ name: 's1', x: [1, 2], y: [1, 2] }] },
    { title: 'two', xLabel: 'x', yLabel: 'y', series: [{ name: 's2', x: [1, 2], y: [2, 1] }] },
  ]);
  assert.not.match(mixed, /class="legend"/);
  assert.match(mixed, /fill-opacity="0.85"/, 'a boxed legend inside each panel');
  // Empty and degenerate input still gives a valid picture.
  const empty = raster(lossChart([]), 'empty.png');
  assert.ok(empty.width > 0);
  raster(svg, 'odd.png');
});

test('many runs stay distinguishable: colours repeat only with a dash pattern', () => {
  const runs = Array.from({ length: 10 }, (_, k) => run(`optimizer ${k}`, (e) => 1e-4 + 1e3 * Math.exp(-e * (k + 1) / 10)));
  const svg = lossChart(runs, { title: 'ten runs' });
  const styles = [...svg.split('<g class="panel"')[1].matchAll(/<path class="series"[^>]*stroke="(#[0-9A-Fa-f]{6})"([^>]*)/g)]
    .map((m) => `${m[1]}${/stroke-dasharray="([^"]+)"/.exec(m[2])?.[1] ?? ''}`);
  assert.is(new Set(styles).size, 10);
  raster(svg, 'ten-runs.png');
});

test.after(() => {
  console.log(`  (pictures in ${out})`);
});

test.run();
