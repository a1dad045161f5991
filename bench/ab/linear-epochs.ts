// Paired A/B of two checkouts: one epoch of logistic regression + Adam (lr 1e-3) on the train bench's
// 100,000 × 100 rows (bench/lib/data.ts), full batch, mini-batch 32 and stochastic, on wasm-simd, the checkout
// at OLD (built: npm run build:wasm there) and this one, alternating, in one process.
// npx tsx bench/ab/linear-epochs.ts OLD [rounds]: prints each side's median and the median of the paired ratios.
import { problem } from '../lib/data.js';

const old = process.argv[2];
if (!old) throw new Error('usage: npx tsx bench/ab/linear-epochs.ts OLD_CHECKOUT [rounds]');
const A = await import(`${old}/src/node.ts`);
const B = await import('../../src/node.ts');
const P = problem(100_000, 100);
async function setup(lib: any) {
  await lib.init({ backend: 'wasm-simd' });
  const ds = lib.Dataset.fromArrays(P.X, P.yBin, { features: 100 });
  const epoch = (batch: unknown) => {
    const m = lib.logistic({ features: 100 });
    const t = performance.now();
    lib.train(m, ds, { standardize: false, optimizer: { name: 'adam', lr: 1e-3 }, batch, epochs: 1, shuffle: false });
    const ms = performance.now() - t;
    m.dispose();
    return ms;
  };
  return { epoch };
}
const a = await setup(A), b = await setup(B);
const rounds = Number(process.argv[3] ?? 15);
const med = (v: number[]) => [...v].sort((x, y) => x - y)[v.length >> 1];
for (const batch of ['full', 32, 'stochastic'] as const) {
  const ra: number[] = [], rb: number[] = [], ratio: number[] = [];
  a.epoch(batch); b.epoch(batch);
  for (let i = 0; i < rounds; i++) {
    // Alternate which side runs first, so neither always follows the other.
    const [ta, tb] = i % 2 === 0 ? [a.epoch(batch), b.epoch(batch)] : ((tb) => [a.epoch(batch), tb])(b.epoch(batch));
    ra.push(ta); rb.push(tb); ratio.push(tb / ta);
  }
  console.log(`${batch}: old ${med(ra).toFixed(2)} ms, new ${med(rb).toFixed(2)} ms per epoch (medians of ${rounds}); paired new/old median ${med(ratio).toFixed(3)}`);
}
process.exit(0);
