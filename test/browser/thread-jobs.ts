// The jobs of the thread-determinism tests, shared by Node (test/worker.threads.test.ts, test/browser.threads.test.ts)
// and the Chromium harness (test/browser/threads-harness.ts): generated from a seed, so both sides train on the same bits.
import type { WorkerTrainOptions } from '../../src/worker/protocol.js';

/** One job: data, a linear or MLP model, train() options, and how many blocks one batch holds (threads used ≤ blocks). */
export interface ThreadJob {
  name: string;
  x: Float32Array;
  y: Float32Array;
  features: number;
  model: { kind: 'logistic' } | { kind: 'mlp'; hidden: number[]; classes: number; seed: number };
  train: WorkerTrainOptions;
  blocks: number;
}

/** A small linear congruential generator: the same numbers in every engine. */
function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

function data(rows: number, features: number, classes: number, seed: number): { x: Float32Array; y: Float32Array } {
  const r = lcg(seed);
  const x = new Float32Array(rows * features), y = new Float32Array(rows);
  for (let i = 0; i < rows; i++) {
    const c = Math.floor(r() * classes);
    y[i] = c;
    for (let j = 0; j < features; j++) x[i * features + j] = (j % classes === c ? 1 : 0) + (r() - 0.5) * 2;
  }
  return { x, y };
}

/**
 * Linear (logistic, 1,024-row blocks) and MLP (128-row blocks), mini-batch and full batch, each with at least
 * 4 blocks per batch so that threads 1…4 all run.
 */
export function threadJobs(): ThreadJob[] {
  const lin = data(8192, 24, 2, 11), net = data(2048, 32, 3, 12), small = data(1024, 32, 3, 13);
  const adam = { name: 'adam' as const, lr: 0.01 };
  return [
    { name: 'logistic mini-batch 4096', ...lin, features: 24, model: { kind: 'logistic' }, train: { optimizer: adam, batch: 4096, epochs: 3, seed: 3, standardize: false }, blocks: 4 },
    { name: 'logistic full batch', ...lin, features: 24, model: { kind: 'logistic' }, train: { optimizer: adam, batch: 'full', epochs: 4, seed: 3, standardize: false }, blocks: 8 },
    { name: 'MLP mini-batch 512', ...net, features: 32, model: { kind: 'mlp', hidden: [16], classes: 3, seed: 5 }, train: { optimizer: adam, batch: 512, epochs: 2, seed: 3, standardize: false }, blocks: 4 },
    { name: 'MLP full batch', ...small, features: 32, model: { kind: 'mlp', hidden: [16], classes: 3, seed: 5 }, train: { optimizer: adam, batch: 'full', epochs: 4, seed: 3, standardize: false }, blocks: 8 },
  ];
}
