// Paired A/B of two checkouts: one epoch of the MNIST MLP (784-128-10, batch 128, Adam 1e-3) and of the small CNN (batch 128)
// on wasm-simd, the checkout at OLD (built: npm run build:wasm there) and this one, alternating, in one process.
// npx tsx bench/ab/network-epochs.ts OLD [rounds]: prints each side's median and the median of the paired ratios.
const old = process.argv[2];
if (!old) throw new Error('usage: npx tsx bench/ab/network-epochs.ts OLD_CHECKOUT [rounds]');
const A = await import(`${old}/src/node.ts`);
const B = await import('../../src/node.ts');
async function setup(lib: any) {
  await lib.init({ backend: 'wasm-simd' });
  const ds = lib.Dataset.builtin('mnist');
  const { train: tr } = ds.split({ every: 5 });
  tr.standardize(tr.stats());
  const mlp = lib.mlp({ features: 784, hidden: [128], classes: 10, seed: 1 });
  const cnn = lib.sequential({ inputShape: [1, 28, 28], layers: [
    { type: 'conv2d', filters: 8, kernel: 3 }, { type: 'relu' }, { type: 'maxPool2d', size: 2 },
    { type: 'conv2d', filters: 16, kernel: 3 }, { type: 'relu' }, { type: 'maxPool2d', size: 2 },
    { type: 'flatten' }, { type: 'dense', units: 10 }], loss: 'softmax', seed: 1 });
  const epoch = (m: any) => { const t = performance.now(); lib.train(m, tr, { optimizer: { name: 'adam', lr: 1e-3 }, batch: 128, epochs: 1, seed: 1, standardize: false }); return performance.now() - t; };
  return { epoch, mlp, cnn };
}
const a = await setup(A), b = await setup(B);
const rounds = Number(process.argv[3] ?? 15);
for (const which of ['mlp', 'cnn'] as const) {
  const ra: number[] = [], rb: number[] = [], ratio: number[] = [];
  a.epoch(a[which]); b.epoch(b[which]);
  for (let i = 0; i < rounds; i++) {
    const first = i % 2 === 0;
    const ta = first ? a.epoch(a[which]) : 0, tb = b.epoch(b[which]), ta2 = first ? ta : a.epoch(a[which]);
    ra.push(ta2); rb.push(tb); ratio.push(tb / ta2);
  }
  const med = (v: number[]) => [...v].sort((x, y) => x - y)[v.length >> 1];
  console.log(`${which}: old ${med(ra).toFixed(1)} ms, new ${med(rb).toFixed(1)} ms per epoch (medians of ${rounds}); paired new/old median ${med(ratio).toFixed(3)}`);
}
