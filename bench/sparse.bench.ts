// Sparse (CSR) training: `npx tsx bench/sparse.bench.ts [--quick] [--only kernels|pipeline]`.
// 1. One epoch of plain SGD with L2 on hashed-text-like rows (2^18 columns, ~284 stored per row as the spam
//    messages have): the lazily scaled path, O(stored entries) per row, on every backend; beside it, the same
//    epoch through the dense-gradient path (SGD with momentum, which updates all 2^18 weights per step) on
//    far fewer rows, to show what the lazy path saves; and, at 4096 columns, the dense kernels on the densified
//    rows against the sparse ones.
// 2. The spam pipeline end to end, in documents/s with vectorizing included: Dataset.fromText on the 4836
//    training messages of the seed-13 split + train() with scikit-learn's SGDClassifier settings, against
//    scikit-learn's HashingVectorizer(2^18) + SGDClassifier(log_loss) on the same split and machine
//    (scripts/text-sklearn-baseline.py, run by this bench with DESCENT_SKLEARN_PYTHON or /usr/bin/python3 when it has scikit-learn). One untimed run first
//    (the JIT's warm-up, as scikit-learn's compiled code has none), then the median of the timed ones. Beside
//    scikit-learn's settings, SparseAdam and train()'s sparse default at one row per step over 5 epochs (the
//    lazy adaptive path, assembly/sparse-adaptive.ts), each with its test accuracy against scikit-learn's.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { type Row, type RunOptions, measure } from './lib/harness.js';
import { BACKENDS, binaryOf } from './lib/backends.js';
import { isMain, runAlone } from './lib/main.js';
import { init, Dataset, logistic, train, Trainer, type TrainOptions } from '../src/index.js';
import { Rng } from '../src/rng.js';
import { loadSpamAssassin, shuffledSplit } from '../src/text/node.js';
import type { SparseDataset } from '../src/data/sparse.js';

export const name = 'sparse';

/** scikit-learn's SGDClassifier defaults, as descent options (the spam test's). */
export const SKLEARN_SGD: TrainOptions = {
  optimizer: { name: 'sgd', lr: 1 }, schedule: { name: 'optimal' }, penalty: 'l2', alpha: 1e-4, batch: 1,
  epochs: 1000, tol: 1e-3, nIterNoChange: 5,
};

/** Seeded CSR rows: `nnz` distinct columns of `d` per row, l2-normalized values, labels 0/1. */
function hashedRows(rows: number, d: number, nnz: number, seed: number) {
  const rng = new Rng(seed);
  const indptr = new Int32Array(rows + 1), indices = new Int32Array(rows * nnz), values = new Float32Array(rows * nnz);
  const y = new Float32Array(rows);
  for (let r = 0; r < rows; r++) {
    const cols = new Set<number>();
    while (cols.size < nnz) cols.add(Math.floor(rng.next() * d));
    const sorted = [...cols].sort((a, b) => a - b);
    for (let j = 0; j < nnz; j++) {
      indices[r * nnz + j] = sorted[j];
      values[r * nnz + j] = (rng.next() < 0.5 ? -1 : 1) / Math.sqrt(nnz);
    }
    indptr[r + 1] = (r + 1) * nnz;
    y[r] = sorted[0] % 2;
  }
  return { csr: { indptr, indices, values }, y };
}

function densify(csr: { indptr: Int32Array; indices: Int32Array; values: Float32Array }, rows: number, d: number): Float32Array {
  const x = new Float32Array(rows * d);
  for (let r = 0; r < rows; r++) for (let p = csr.indptr[r]; p < csr.indptr[r + 1]; p++) x[r * d + csr.indices[p]] = csr.values[p];
  return x;
}

async function kernels(o: RunOptions): Promise<Row[]> {
  const rows: Row[] = [];
  const t = { timeMs: o.quick ? 300 : 1500, minSamples: o.quick ? 3 : 7 };
  const n = 4836, nnz = 284;
  const big = hashedRows(n, 2 ** 18, nnz, 1);
  const epoch = (o2: TrainOptions) => (m: ReturnType<typeof logistic>, ds: Dataset) => train(m, ds, { epochs: 1, shuffle: false, ...o2 });
  for (const be of BACKENDS) {
    await init({ backend: be });
    const ds = Dataset.fromSparse(big.csr, big.y, { features: 2 ** 18 });
    const m = logistic({ features: 2 ** 18 });
    const lazy = epoch({ optimizer: { name: 'sgd', lr: 0.1 }, batch: 1, l2: 1e-4 });
    const med = await measure(`lazy ${be}`, () => lazy(m, ds), t);
    rows.push({ suite: name, case: `SGD + L2 epoch, ${n} rows × 2^18, ${nnz} stored/row, batch 1 (lazy scale)`, contender: be, binary: binaryOf(be), ...med,
      note: `${((n * nnz) / (med.medianMs / 1e3) / 1e6).toFixed(1)} M stored entries/s` });
    o.log(`  lazy SGD epoch ${be}: ${med.medianMs.toFixed(1)} ms`);
    // The same epoch in runs of 64 batches (Trainer.step, as trainInWorker's progress runs): the scale carries on
    // from run to run, and each run ends writing w = scale·v over all 2^18 weights.
    const runs = await measure(`lazy runs of 64 ${be}`, () => {
      const tr = new Trainer(m, ds, { epochs: 1, shuffle: false, optimizer: { name: 'sgd', lr: 0.1 }, batch: 1, l2: 1e-4 });
      while (!tr.done) tr.step(64);
      tr.dispose();
    }, t);
    rows.push({ suite: name, case: `SGD + L2 epoch as above, in runs of 64 batches (Trainer.step(64), w written per run)`, contender: be, binary: binaryOf(be), ...runs,
      note: `${((runs.medianMs - med.medianMs) / Math.ceil(n / 64) * 1e3).toFixed(0)} µs per run more than one run` });
    o.log(`  lazy SGD epoch in runs of 64 ${be}: ${runs.medianMs.toFixed(1)} ms`);
    // The dense-gradient path: 2^18 weights per step, so 100 rows only.
    const few = ds.subset(Array.from({ length: 100 }, (_, i) => i));
    const dense = epoch({ optimizer: { name: 'sgd', lr: 0.1, momentum: 0.9 }, batch: 1, l2: 1e-4 });
    const dmed = await measure(`dense-update ${be}`, () => dense(m, few), { ...t, minSamples: 3 });
    rows.push({ suite: name, case: `SGD momentum + L2, 100 rows × 2^18, batch 1 (dense update per step)`, contender: be, binary: binaryOf(be), ...dmed,
      note: `${(dmed.medianMs / 100 * 1e3).toFixed(0)} µs per row against ${(med.medianMs / n * 1e3).toFixed(1)} µs lazily` });
    o.log(`  dense-update 100 rows ${be}: ${dmed.medianMs.toFixed(1)} ms`);
    few.dispose();
    m.dispose();
    ds.dispose();
  }
  // At 4096 columns the densified rows fit: the dense kernels against the sparse ones on the same data (not in --quick).
  if (o.quick) return rows;
  const d = 4096, small = hashedRows(2000, d, 64, 2);
  const x = densify(small.csr, 2000, d);
  for (const be of BACKENDS) {
    await init({ backend: be });
    for (const [kind, ds] of [['sparse', Dataset.fromSparse(small.csr, small.y, { features: d })], ['dense', Dataset.fromArrays(x, small.y, { features: d })]] as const) {
      const m = logistic({ features: d });
      const med = await measure(`${kind} ${be}`, () => train(m, ds, { epochs: 1, shuffle: false, optimizer: { name: 'sgd', lr: 0.1 }, batch: 1, l2: 1e-4 }), t);
      rows.push({ suite: name, case: `SGD + L2 epoch, 2000 rows × 4096, 64 stored/row, batch 1: ${kind} rows`, contender: be, binary: binaryOf(be), ...med });
      o.log(`  4096-column epoch ${kind} ${be}: ${med.medianMs.toFixed(2)} ms`);
      m.dispose();
      ds.dispose();
    }
  }
  return rows;
}

/**
 * The spam recipes: scikit-learn's SGDClassifier settings, and one row per example of the adaptive lazy path — SparseAdam
 * (lr 0.01) and train()'s default on sparse data (no optimizer: SparseAdam with a cosine schedule), one row per step
 * over 5 epochs, as a user who picks stochastic batching on text would run them.
 */
const SPAM_RECIPES: [string, TrainOptions][] = [
  ["scikit-learn's SGD settings", SKLEARN_SGD],
  ["sparseAdam lr 0.01, batch 'stochastic', 5 epochs", { optimizer: { name: 'sparseAdam', lr: 0.01 }, batch: 'stochastic', epochs: 5 }],
  ["no optimizer (the sparse default), batch 'stochastic', 5 epochs", { batch: 'stochastic', epochs: 5 }],
];

/** Spam: fromText + train() per recipe, documents/s over the training set, vectorizing included; test accuracy beside. */
async function spam(o: RunOptions): Promise<Row[]> {
  const rows: Row[] = [];
  const corpus = loadSpamAssassin();
  const { train: tr, test: te } = shuffledSplit(corpus.texts.length, { seed: 13 });
  const texts = Array.from(tr, (i) => corpus.texts[i]), labels = Array.from(tr, (i) => corpus.labels[i]);
  const testTexts = Array.from(te, (i) => corpus.texts[i]), testLabels = Array.from(te, (i) => corpus.labels[i]);
  // --quick: one timed run per recipe, on wasm-simd only, and no scikit-learn (a Python process vectorizing the
  // corpus a dozen times); the full run (or `npx tsx bench/sparse.bench.ts --only pipeline`) has them all.
  const repeats = o.quick ? 1 : 5;
  const bestMs = new Map<Row, number>(), accuracy = new Map<Row, number>();
  for (const be of o.quick ? ['wasm-simd'] as const : ['wasm-simd', 'js'] as const) {
    await init({ backend: be });
    for (const [label, options] of SPAM_RECIPES) {
      const times: number[] = [], vec: number[] = [];
      let epochs = 0, acc = 0;
      const warm = Dataset.fromText(texts, labels);
      const wm = logistic({ features: warm.features });
      train(wm, warm, options);
      wm.dispose();
      warm.dispose();
      for (let k = 0; k < repeats; k++) {
        const t0 = performance.now();
        const ds = Dataset.fromText(texts, labels);
        const t1 = performance.now();
        const m = logistic({ features: ds.features });
        epochs = train(m, ds, options).epochs;
        times.push(performance.now() - t0);
        vec.push(t1 - t0);
        if (k === 0) {
          const p = m.predict((ds as SparseDataset).vectorizer!.transform(testTexts));
          acc = testLabels.reduce((n, yv, i) => n + (p[i] === yv ? 1 : 0), 0) / testLabels.length;
        }
        m.dispose();
        ds.dispose();
      }
      const med = median(times), mv = median(vec), best = Math.min(...times);
      // The best run beside the median: scikit-learn's script reports its best, so that pair is like for like.
      const row: Row = { suite: name, case: `spam: fromText + train (${texts.length} messages, ${label})`, contender: be, binary: binaryOf(be),
        medianMs: med, samples: repeats, rme: 0, note: `${Math.round(texts.length / (med / 1e3))} documents/s (vectorize ${mv.toFixed(0)} ms + train ${(med - mv).toFixed(0)} ms, ${epochs} epochs; best run ${Math.round(texts.length / (best / 1e3))} documents/s); test accuracy ${acc.toFixed(4)}` };
      rows.push(row);
      bestMs.set(row, best);
      accuracy.set(row, acc);
      o.log(`  spam ${label} ${be}: ${row.note}`);
    }
  }
  if (o.quick) {
    o.log('  spam scikit-learn: left out of --quick');
    return rows;
  }
  const script = fileURLToPath(new URL('../scripts/text-sklearn-baseline.py', import.meta.url));
  // DESCENT_SKLEARN_PYTHON: a Python with scikit-learn (a venv's), else Debian's python3-sklearn.
  const python = process.env.DESCENT_SKLEARN_PYTHON || '/usr/bin/python3';
  const py = spawnSync(python, [script, String(repeats)], { encoding: 'utf8', env: { ...process.env, OMP_NUM_THREADS: '1' } });
  const line = py.stdout?.split('\n').find((l) => l.startsWith('defaults'));
  const m = line?.match(/test accuracy ([\d.]+).*= ([\d.]+) s -> (\d+) documents\/s/);
  if (py.status === 0 && m) {
    const skAcc = Number(m[1]), skMs = Number(m[2]) * 1e3;
    const ours = [...rows];
    rows.push({ suite: name, case: `spam: fromText + train (${texts.length} messages, scikit-learn's SGD settings)`, contender: 'scikit-learn', binary: `${python} scikit-learn`,
      medianMs: skMs, samples: repeats, rme: 0, note: `${m[3]} documents/s (best of ${repeats}; ${line!.slice(0, 120)})` });
    o.log(`  spam scikit-learn: ${m[3]} documents/s, test accuracy ${skAcc.toFixed(4)}`);
    for (const r of ours) {
      o.log(`  spam ${r.case.slice(r.case.indexOf(', ') + 2, -1)} ${r.contender} / scikit-learn: ${(skMs / r.medianMs).toFixed(2)}× its documents/s (median run; best against best ${(skMs / bestMs.get(r)!).toFixed(2)}×), ` +
        `accuracy ${accuracy.get(r)!.toFixed(4)} vs ${skAcc.toFixed(4)} (${accuracy.get(r)! - skAcc >= 0 ? '+' : ''}${(accuracy.get(r)! - skAcc).toFixed(4)})`);
    }
  } else o.log(`  spam scikit-learn: not run (${(py.stderr || py.error?.message || 'no output').slice(0, 200)})`);
  return rows;
}

function median(a: number[]): number {
  const s = [...a].sort((x, y) => x - y);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

/** `--only kernels` or `--only pipeline` (part 2, the spam pipeline against scikit-learn) runs one part. */
function only(): string | undefined {
  const i = process.argv.indexOf('--only');
  return i >= 0 ? process.argv[i + 1] : undefined;
}

export async function run(o: RunOptions): Promise<Row[]> {
  const part = only();
  return [...(part === 'pipeline' ? [] : await kernels(o)), ...(part === 'kernels' ? [] : await spam(o))];
}

if (isMain(import.meta.url)) runAlone(name, run).catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
