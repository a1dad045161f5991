// Issue 15, "defaults that converge" through the library: train(model, ds) with NO options on every built-in
// reaches within 0.02 of scikit-learn's figure in data/README.md (test R² for diabetes, test accuracy for the
// others; the multinomial logistic regression column where there is one, else SGD — the bar the CLI's
// test/cli.defaults.test.ts uses), on raw features: the model standardizes them itself.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { init, Dataset, train, linear, logistic, softmax } from '../src/node.js';
import { builtinCatalog, builtinNames } from '../src/data/catalog.js';

test.before(async () => {
  await init();
});

test('train(model, ds) with no options: within 0.02 of scikit-learn on every built-in', () => {
  const rows: string[] = [];
  for (const name of builtinNames) {
    const info = builtinCatalog[name];
    const all = Dataset.builtin(name);
    const { train: tr, test: te } = all.split({ every: 5 });
    all.dispose();
    const d = tr.features;
    const model = info.task === 'regression' ? linear({ features: d })
      : info.classes === 2 ? logistic({ features: d }) : softmax({ features: d, classes: info.classes! });
    try {
      const r = train(model, tr);
      assert.is(r.stopReason, 'epochs', name);
      const pre = model.preprocessing!;
      assert.ok(pre, `${name}: the model carries its standardization`);
      assert.equal(Array.from(pre.mean), Array.from(tr.stats().mean), `${name}: fitted on the training rows`);
      assert.is(pre.scalesTarget, info.task === 'regression', `${name}: target scaled for regression only`);
      const e = model.evaluate(te); // raw test rows
      const got = info.metric === 'r2' ? e.r2! : e.accuracy!;
      const bar = info.reference.logistic ?? info.reference.sgd!;
      rows.push(`${name} ${got.toFixed(4)} vs ${bar.toFixed(4)} (${r.epochs} epochs)`);
      assert.ok(got >= bar - 0.02, `${name}: ${got} is more than 0.02 below scikit-learn's ${bar}`);
      if (info.task === 'regression') {
        // Raw rows in, the target's units out (diabetes: 25–346).
        const p = model.predict(te.x);
        const mean = p.reduce((a, b) => a + b, 0) / p.length;
        assert.ok(mean > 100 && mean < 200, `${name}: predictions in the target's units, mean ${mean}`);
      }
    } finally {
      model.dispose();
      tr.dispose();
      te.dispose();
    }
  }
  console.log(`    train() defaults: ${rows.join(', ')}`);
});

test.run();
