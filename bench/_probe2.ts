import { init, mlp, Trainer } from '/work/main/src/node.js';
import { mnistTrain } from '/work/main/bench/network.bench.js';
await init();
const ds = mnistTrain();
const batch = Number(process.argv[2] ?? 128);
const mk = (threads?: number) => { const t = new Trainer(mlp({ features: 784, hidden: [128], classes: 10, seed: 1 }), ds, { optimizer: { name: 'adam', lr: 1e-3 }, batch, threads, epochs: 1e6 }); t.step(t.batchesPerEpoch); return t; };
const t1 = mk(1), t2 = mk(2);
const ep = (t: Trainer) => { const c0 = process.cpuUsage(), w0 = performance.now(); t.step(t.batchesPerEpoch); const c = process.cpuUsage(c0); return [performance.now() - w0, (c.user + c.system) / 1000]; };
const r1: number[] = [], r2: number[] = [], c1: number[] = [], c2: number[] = [], ratio: number[] = [];
for (let i = 0; i < 15; i++) { const [a, ca] = ep(t1); const [b, cb] = ep(t2); r1.push(a); r2.push(b); c1.push(ca); c2.push(cb); ratio.push(a / b); }
const med = (x: number[]) => [...x].sort((p, q) => p - q)[x.length >> 1];
console.log(`batch ${batch}: t1 ${med(r1).toFixed(1)} ms (cpu ${med(c1).toFixed(1)}), t2 ${med(r2).toFixed(1)} ms (cpu ${med(c2).toFixed(1)}), paired ratio ${med(ratio).toFixed(2)}, min ${Math.min(...r1).toFixed(1)}/${Math.min(...r2).toFixed(1)}`);
const p = (t2 as any).pool; console.log('jobs gemm', p?.gemmJobs(), 'optim', p?.optimJobs(), 'colSplit', p?.colSplit, 'threads', p?.threads);
t1.dispose(); t2.dispose(); ds.dispose();
