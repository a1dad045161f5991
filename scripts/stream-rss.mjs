// Out-of-core check: writes a 1,000,000 × 32 synthetic regression CSV (makeRegression's rows, chunk by
// chunk), then, in a fresh Node process, trains a linear model on it by streaming (csvStats for the
// standardization, then trainStream over csvBatches) while sampling the process's resident memory.
// Peak RSS must stay far below the file's size: only a batch is ever in memory.
//
//   npm run build && node scripts/stream-rss.mjs [--rows 1000000] [--features 32] [--epochs 1] [--file PATH] [--keep]
//
// Uses the built package (dist/), so the figure is what users get, without a TypeScript loader's overhead.
import { spawnSync } from 'node:child_process';
import { createWriteStream, existsSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';
import { parseArgs } from 'node:util';

const { values: v } = parseArgs({
  options: {
    rows: { type: 'string', default: '1000000' },
    features: { type: 'string', default: '32' },
    epochs: { type: 'string', default: '1' },
    batch: { type: 'string', default: '1024' },
    file: { type: 'string' },
    keep: { type: 'boolean', default: false },
    child: { type: 'boolean', default: false },
  },
});
const rows = Number(v.rows), features = Number(v.features), epochs = Number(v.epochs), batch = Number(v.batch);
const file = v.file ?? join(tmpdir(), `descent-stream-${rows}x${features}.csv`);
const mb = (b) => `${(b / 2 ** 20).toFixed(1)} MiB`;
const lib = new URL('../dist/node.js', import.meta.url);

if (v.child) {
  // The measured process: nothing but the library, the stream and the sampler.
  const { init, linear, trainStream, csvBatches, csvStats, backendInfo } = await import(lib);
  await init();
  let peak = process.memoryUsage().rss;
  const sample = () => { peak = Math.max(peak, process.memoryUsage().rss); };
  const timer = setInterval(sample, 20);
  const base = process.memoryUsage().rss;
  const t0 = performance.now();
  const stats = await csvStats(file, { batch });
  const tStats = performance.now() - t0;
  const model = linear({ features });
  let batches = 0;
  const result = await trainStream(model, () => csvBatches(file, { batch, standardize: stats }), {
    optimizer: { name: 'sgd', lr: 0.01 }, epochs,
    onBatch: () => { if (++batches % 64 === 0) sample(); },
  });
  clearInterval(timer);
  sample();
  const out = {
    backend: backendInfo().name, rows: stats.rows, features, batch, epochs: result.epochs, batches,
    baseRss: base, peakRss: peak, heapUsed: process.memoryUsage().heapUsed, wasmMemory: backendInfo().memoryBytes,
    statsMs: tStats, trainMs: result.ms, loss: result.history.map((h) => h.loss), stopReason: result.stopReason,
  };
  process.stdout.write(JSON.stringify(out) + '\n');
  process.exit(0);
}

if (!(v.keep && existsSync(file))) {
  const { regressionChunks, csvChunks } = await import(new URL('../dist/synthetic.js', import.meta.url).href);
  const t0 = performance.now();
  const ws = createWriteStream(file);
  // 7 significant digits: float32 precision is not the point here, and exact texts are slower to write.
  for (const text of csvChunks(regressionChunks({ samples: rows, features, informative: Math.min(10, features), noise: 10, seed: 1 }, 10_000), undefined, 7)) {
    if (!ws.write(text)) await once(ws, 'drain');
  }
  ws.end();
  await once(ws, 'finish');
  console.log(`wrote ${file}: ${rows} rows × ${features} features, ${mb(statSync(file).size)} in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
}
const size = statSync(file).size;
const child = spawnSync(process.execPath, [new URL(import.meta.url).pathname, '--child', '--file', file, '--rows', String(rows),
  '--features', String(features), '--epochs', String(epochs), '--batch', String(batch)], { encoding: 'utf8', maxBuffer: 1 << 20 });
if (child.status !== 0) {
  process.stderr.write(child.stderr);
  process.exit(1);
}
const r = JSON.parse(child.stdout.trim().split('\n').pop());
const rate = (r.rows * r.epochs) / (r.trainMs / 1000);
console.log(`streamed ${r.rows} rows × ${r.features} features, batch ${r.batch}, ${r.epochs} epoch(s) on ${r.backend}: ` +
  `statistics pass ${(r.statsMs / 1000).toFixed(1)} s, training ${(r.trainMs / 1000).toFixed(1)} s (${Math.round(rate).toLocaleString('en')} rows/s), loss ${r.loss.map((l) => l.toPrecision(5)).join(' → ')}`);
console.log(`file size  ${mb(size)}`);
console.log(`peak RSS   ${mb(r.peakRss)} (${((r.peakRss / size) * 100).toFixed(1)}% of the file; ${mb(r.baseRss)} before reading; WASM memory ${mb(r.wasmMemory)})`);
if (r.peakRss >= size / 2) {
  console.error('peak RSS is not well below the file size');
  process.exit(1);
}
