// Saved files that declare huge sizes in a few bytes are refused before the memory they declare is allocated:
// the memory a failed load takes stays within a small bound, whatever size the file claims.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { init, Model, Dataset, softmax, Trainer, DescentError, type TrainState } from '../src/index.js';
import { vectorizerFromJSON, vectorizerToJSON } from '../src/text/index.js';

const LIMIT = 32 * 2 ** 20;

/** Runs `load` (which must throw a DescentError) and returns the bytes of ArrayBuffers and heap it left or peaked at. */
function grown(label: string, load: () => unknown): number {
  const before = process.memoryUsage();
  let peak = 0;
  try {
    load();
    assert.unreachable(`${label}: accepted`);
  } catch (e) {
    assert.instance(e, DescentError, `${label}: ${String(e)}`);
  }
  const after = process.memoryUsage();
  peak = Math.max(after.arrayBuffers - before.arrayBuffers, after.rss - before.rss);
  return peak;
}

for (const backend of ['js', 'wasm-simd'] as const) {
  test(`${backend}: a model, vectorizer or training state declaring huge sizes is refused within ${LIMIT / 2 ** 20} MiB`, async () => {
    await init({ backend });
    const m = softmax({ features: 4, classes: 3 }).toJSON();
    const cases: [string, () => unknown][] = [
      ['model features 1e9', () => Model.fromJSON(JSON.stringify({ ...m, features: 1e9 }))],
      ['model outputs 1e6', () => Model.fromJSON(JSON.stringify({ ...m, outputs: 1e6 }))],
      ['model features 2^31', () => Model.fromJSON({ ...m, features: 2 ** 31 })],
      ['vectorizer 2^30 columns with tfidf', () => vectorizerFromJSON({ ...vectorizerToJSON({ features: 4 }), features: 2 ** 30, tfidf: true, idf: [1, 1] })],
    ];
    const x: number[][] = [], y: number[] = [];
    for (let i = 0; i < 16; i++) {
      x.push([i % 3, i % 5, i % 2, 1]);
      y.push(i % 3);
    }
    const ds = Dataset.fromArrays(x, y);
    const model = softmax({ features: 4, classes: 3 });
    const t = new Trainer(model, ds, { batch: 4, epochs: 2 });
    t.step(2);
    const good = JSON.parse(JSON.stringify(t.save())) as TrainState;
    t.dispose();
    const huge = (edit: (s: TrainState) => void) => {
      const s = structuredClone(good);
      edit(s);
      return () => new Trainer(model, ds, { batch: 4, epochs: 2, resume: s });
    };
    cases.push(['state rows 1e9', huge((s) => { s.config.rows = 1e9; })]);
    cases.push(['state nParams 1e9', huge((s) => { s.config.nParams = 1e9; })]);
    cases.push(['state epoch 1e15', huge((s) => { s.epoch = 1e15; })]);
    for (const [label, load] of cases) {
      const g = grown(label, load);
      assert.ok(g < LIMIT, `${label}: ${(g / 2 ** 20).toFixed(1)} MiB`);
    }
    model.dispose();
    ds.dispose();
  });
}

test.run();
