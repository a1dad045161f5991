// End-to-end epochs through the public API (train(), as a user calls it): logistic regression + Adam,
// full batch, mini-batch 32 and stochastic, on every descent backend and on TF.js (cpu and wasm). Every
// contender first trains one epoch from zero and must land on the `js` parameters (to a tolerance)
// before it is timed.
import { type Row, type RunOptions, measure, checkClose, roofline } from './lib/harness.js';
import { BACKENDS, binaryOf } from './lib/backends.js';
import { problem, shape } from './lib/data.js';
import { isMain, runAlone } from './lib/main.js';
import { init, Dataset, logistic, train, type BatchOption } from '../src/index.js';
import type { Model } from '../src/models/linear/model.js';
import { TfLogistic, tfBinary, useTf, type TfBackend } from './peers/tfjs.js';

export const name = 'train';

const LR = 1e-3;
/** Parameters after one Adam epoch agree with `js` to this relative tolerance (float32 rounding over many steps). */
export const TRAIN_TOL = 2e-3;

const BATCHES: { batch: BatchOption; size: (n: number) => number; label: string }[] = [
  { batch: 'full', size: (n) => n, label: 'full batch' },
  { batch: 32, size: () => 32, label: 'mini-batch 32' },
  { batch: 'stochastic', size: () => 1, label: 'stochastic' },
];

/** One epoch of descent's train() on the current data. */
export function descentEpoch(m: Model, ds: Dataset, batch: BatchOption): void {
  train(m, ds, { standardize: false, optimizer: { name: 'adam', lr: LR }, batch, epochs: 1, shuffle: false }); // raw data, as the peers get it (train() standardizes by default)
}

/** Parameters of descent's js backend after one epoch from zero on the first `rows` rows. */
export async function jsReference(X: Float32Array, y: Float32Array, rows: number, d: number, batch: BatchOption): Promise<Float32Array> {
  await init({ backend: 'js' });
  const ds = Dataset.fromArrays(X.subarray(0, rows * d), y.subarray(0, rows), { features: d });
  const m = logistic({ features: d });
  descentEpoch(m, ds, batch);
  const p = m.params;
  m.dispose();
  ds.dispose();
  return p;
}

export async function run(o: RunOptions): Promise<Row[]> {
  const shapes: [number, number][] = o.quick ? [[1000, 10], [100000, 100]] : [[1000, 10], [100000, 100], [1000000, 32]];
  const rows: Row[] = [];
  const tfBins = { wasm: await tfBinary('wasm'), cpu: await tfBinary('cpu') };
  for (const [n, d] of shapes) {
    const P = problem(n, d);
    const zero = new Float32Array(d + 1);
    // descent: one dataset and model per backend (objects bind to the backend current when made).
    const ours: { be: string; ds: Dataset; m: Model }[] = [];
    for (const be of BACKENDS) {
      await init({ backend: be });
      ours.push({ be, ds: Dataset.fromArrays(P.X, P.yBin, { features: d }), m: logistic({ features: d }) });
    }
    const peers: TfLogistic[] = [];
    // --quick: TF.js on its wasm backend only (the ratio the targets use); the full run adds tfjs-cpu.
    for (const be of (o.quick ? ['wasm'] : ['wasm', 'cpu']) as TfBackend[]) peers.push(await TfLogistic.create(be, P.X, P.yBin, n, d));
    for (const { batch, size, label } of BATCHES) {
      const bs = size(n);
      const nb = Math.ceil(n / bs);
      const caseName = `logistic+adam ${shape(n, d)} ${label}`;
      const flops = 4 * n * d, bytes = 4 * n * d + 8 * n;
      const slow = bs === 1 ? 2 : bs < n ? 1 : 0;
      const t = { timeMs: o.quick ? [250, 300, 400][slow] : [1000, 1500, 2500][slow], minSamples: o.quick ? [8, 4, 3][slow] : [20, 8, 5][slow] };
      let ref: Float32Array | null = null;
      for (const { be, ds, m } of ours) {
        m.setParams(zero);
        descentEpoch(m, ds, batch);
        const got = m.params;
        if (be === 'js') ref = got;
        const err = checkClose(`${caseName} on ${be}`, got, ref!, TRAIN_TOL);
        const r = await measure(`${caseName} ${be}`, () => descentEpoch(m, ds, batch), t);
        rows.push(roofline({ suite: name, case: caseName, contender: be, binary: binaryOf(be), ...r, flops, bytes, maxRelErr: err }, o.limits));
        o.log(`  ${caseName} ${be}: ${r.medianMs.toPrecision(3)} ms`);
      }
      // TF.js: whole epochs where they take seconds at most, else the first K batches scaled to the epoch.
      const K = bs === n ? 1 : bs === 1 ? (o.quick ? 100 : 3000) : (o.quick ? 100 : 3125);
      const prefix = nb > K;
      const refK = prefix ? await jsReference(P.X, P.yBin, K * bs, d, batch) : ref!;
      for (const peer of peers) {
        await peer.prepare(bs, K);
        peer.reset();
        peer.epoch(bs, LR, K);
        const err = checkClose(`${caseName} on tfjs-${peer.backend}${prefix ? ` (first ${K} batches)` : ''}`, peer.params(), refK, TRAIN_TOL);
        await useTf(peer.backend);
        const r = await measure(`${caseName} tfjs-${peer.backend}`, () => peer.epoch(bs, LR, K), t);
        const scale = prefix ? nb / K : 1;
        rows.push(roofline({
          suite: name, case: caseName, contender: `tfjs-${peer.backend}`, binary: tfBins[peer.backend],
          medianMs: r.medianMs * scale, samples: r.samples, rme: r.rme, flops, bytes, maxRelErr: err,
          note: prefix ? `timed on the first ${K.toLocaleString('en-US')} of ${nb.toLocaleString('en-US')} batches, scaled to the epoch` : undefined,
        }, o.limits));
        o.log(`  ${caseName} tfjs-${peer.backend}: ${(r.medianMs * scale).toPrecision(3)} ms${prefix ? ` (from ${K} batches)` : ''}`);
      }
    }
    for (const { ds, m } of ours) {
      m.dispose();
      ds.dispose();
    }
    for (const p of peers) p.dispose();
  }
  return rows;
}

if (isMain(import.meta.url)) runAlone(name, run).catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
