// Issue 15, charts: lines that coincide stay distinguishable (a dash pattern and a marker shape per series, in the
// legend too), and `npm start`'s table shows the quantity its chart plots, named in the chart's axis label.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { lossChart } from '../src/plot/svg.js';
import { root } from './cli.helpers.js';

test('identical runs: every series has its own dash pattern and marker shape', () => {
  const history = Array.from({ length: 20 }, (_, i) => ({ epoch: i + 1, loss: 1 / (i + 1), ms: i * 10, samples: i * 100 }));
  const names = ['a', 'b', 'c', 'd', 'e'];
  const svg = lossChart(names.map((name) => ({ name, history })), { axes: ['epoch'] });
  const paths = [...svg.matchAll(/<path class="series"[^>]*\/>/g)].map((m) => m[0]);
  assert.is(paths.length, 5);
  const dashes = paths.map((p) => /stroke-dasharray="([^"]+)"/.exec(p)?.[1] ?? 'solid');
  assert.is(new Set(dashes).size, 5, `dash patterns ${dashes.join(' | ')}`);
  const groups = [...svg.matchAll(/<g clip-path="url\(#clip[^"]+\)">(.*?)<\/g>/g)].map((m) => m[1]);
  assert.is(groups.length, 5, 'a marker group per series');
  const shape = (g: string) => /<(circle|rect|path|polygon) class="marker"(?: points="([^"]+)")?/.exec(g)!.slice(1).join(':').replace(/[\d.,\s-]+/g, (p) => (p.split(' ').length === 3 ? '3' : '4'));
  assert.is(new Set(groups.map(shape)).size, 5, `marker shapes ${groups.map(shape).join(' | ')}`);
  assert.ok(groups.every((g) => (g.match(/class="marker"/g) ?? []).length >= 4), 'several markers along each line');
  const legend = /<g class="legend">([\s\S]*?)<\/g>/.exec(svg)![1];
  assert.is((legend.match(/class="marker"/g) ?? []).length, 5, 'the legend shows each marker');
});

test("npm start: the table's loss is the chart's last point, and both say which loss it is", () => {
  const cwd = mkdtempSync(join(tmpdir(), 'descent-start-'));
  const r = spawnSync(process.execPath, ['--import', pathToFileURL(join(root, 'node_modules', 'tsx', 'dist', 'loader.mjs')).href, join(root, 'examples', 'quickstart.ts')], { cwd, encoding: 'utf8', timeout: 300_000 });
  assert.is(r.status, 0, r.stderr);
  assert.match(r.stdout, /\| variant\s+\| epochs \|\s+stop \| last epoch loss \(chart\) \| training loss after \|/);
  assert.match(r.stdout, /'last epoch loss' is the mean of the last epoch's batch losses, the last point of each curve in the chart/);
  const svg = readFileSync(join(cwd, 'convergence.svg'), 'utf8');
  assert.match(svg, /epoch loss \(mean of the batch losses\)/);
});

test.run();
