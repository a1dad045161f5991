// Metrics on plain arrays equal scikit-learn's (test/fixtures/metrics.json, made by scripts/fixtures/metrics.py)
// to 1e-12 — binary, 3-class, and 10-class with a class absent from the truth — and evaluate(ds, { metrics })
// on linear models and networks reports the same figures as those functions on predict/predictProba.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import {
  init, Dataset, softmax, logistic, linear, mlp, train, DataError, HyperParameterError,
  accuracyScore, confusionMatrix, precisionRecallFscoreSupport, precisionScore, recallScore, f1Score, rocAuc, logLoss,
  topKAccuracy, meanAbsoluteError, meanSquaredError, rootMeanSquaredError, r2Score, type PrfSupport,
} from '../src/index.js';
import { existsSync } from 'node:fs';
import { BACKENDS } from './_util.js';
import { bin, cli, jsonLines, root } from './cli.helpers.js';

const fx = JSON.parse(readFileSync(new URL('./fixtures/metrics.json', import.meta.url), 'utf8'));
const TOL = 1e-12;

function close(a: number, b: number, what: string): void {
  assert.ok(Math.abs(a - b) <= TOL, `${what}: ${a} vs scikit-learn ${b} (diff ${Math.abs(a - b)})`);
}
function closeAll(a: ArrayLike<number>, b: number[], what: string): void {
  assert.is(a.length, b.length, `${what}: length`);
  for (let i = 0; i < b.length; i++) close(a[i], b[i], `${what}[${i}]`);
}

for (const c of fx.classification) {
  test(`scikit-learn ${fx.sklearn} figures to 1e-12: ${c.name}`, () => {
    const { yTrue, yPred, proba, classes: k } = c;
    const labels = Array.from({ length: k }, (_, i) => i);
    close(accuracyScore(yTrue, yPred), c.accuracy, 'accuracy');
    assert.equal(confusionMatrix(yTrue, yPred, { labels }), c.confusionMatrix);
    assert.equal(confusionMatrix(yTrue, yPred), c.confusionMatrixDefault);
    for (const avg of ['micro', 'macro', 'weighted'] as const) {
      const r = precisionRecallFscoreSupport(yTrue, yPred, { average: avg, labels }) as { precision: number; recall: number; fScore: number };
      close(r.precision, c[avg].precision, `${avg} precision`);
      close(r.recall, c[avg].recall, `${avg} recall`);
      close(r.fScore, c[avg].f1, `${avg} f1`);
      close(f1Score(yTrue, yPred, { average: avg, labels }) as number, c[avg].f1, `f1Score ${avg}`);
    }
    const none = precisionRecallFscoreSupport(yTrue, yPred, { average: 'none', labels }) as PrfSupport;
    closeAll(none.precision, c.none.precision, 'per-class precision');
    closeAll(none.recall, c.none.recall, 'per-class recall');
    closeAll(none.fScore, c.none.f1, 'per-class f1');
    assert.equal(none.support, c.none.support);
    close(f1Score(yTrue, yPred, { average: 'macro' }) as number, c.macroDefaultLabels, 'macro f1, labels seen only');
    close(f1Score(yTrue, yPred, { average: 'macro', labels, beta: 2 }) as number, c.f2Macro, 'F2 macro');
    close(logLoss(yTrue, proba), c.logLoss, 'log loss');
    if (k === 2) {
      close(precisionScore(yTrue, yPred) as number, c.binary.precision, 'binary precision');
      close(recallScore(yTrue, yPred) as number, c.binary.recall, 'binary recall');
      close(f1Score(yTrue, yPred) as number, c.binary.f1, 'binary f1');
      close(rocAuc(yTrue, proba), c.rocAuc, 'binary ROC AUC');
      close(topKAccuracy(yTrue, proba, 1), c.topK1, 'top-1 (binary)');
    } else if (c.rocAuc !== null) {
      close(rocAuc(yTrue, proba), c.rocAuc, 'one-vs-rest macro ROC AUC');
      close(rocAuc(yTrue, proba, { average: 'weighted' }), c.rocAucWeighted, 'one-vs-rest weighted ROC AUC');
      close(topKAccuracy(yTrue, proba, 2), c.topK2, 'top-2');
    } else {
      // scikit-learn raises for a class without true rows; so does rocAuc, with a DataError.
      assert.throws(() => rocAuc(yTrue, proba, { labels }), (e: Error) => e instanceof DataError && /only one class present/.test(e.message));
      assert.throws(() => rocAuc(yTrue, proba), (e: Error) => e instanceof DataError && /9 classes in yTrue but 10 score columns/.test(e.message));
      close(topKAccuracy(yTrue, proba, 2), c.topK2, 'top-2');
      close(topKAccuracy(yTrue, proba, 3), c.topK3, 'top-3');
      assert.throws(() => precisionScore(yTrue, yPred), (e: Error) => e instanceof HyperParameterError && /multiclass/.test(e.message));
    }
    // Nested rows give the same figures as the flat matrix.
    if (k > 2) {
      const rows = yTrue.map((_: number, r: number) => proba.slice(r * k, r * k + k));
      close(logLoss(yTrue, rows), c.logLoss, 'log loss, nested rows');
    }
  });
}

test('regression metrics equal scikit-learn to 1e-12; constant targets as r2_score', () => {
  const r = fx.regression;
  close(meanAbsoluteError(r.yTrue, r.yPred), r.mae, 'MAE');
  close(meanSquaredError(r.yTrue, r.yPred), r.mse, 'MSE');
  close(rootMeanSquaredError(r.yTrue, r.yPred), r.rmse, 'RMSE');
  close(r2Score(r.yTrue, r.yPred), r.r2, 'R²');
  assert.is(r2Score([2, 2, 2], [2, 2, 2]), 1);
  assert.is(r2Score([2, 2, 2], [2, 2, 3]), 0);
});

test('hand-checked small cases: ties in ROC AUC and top-k, zero division, clipping in log loss', () => {
  // AUC with a tie between a positive and a negative counts half: pairs (pos > neg) = 3 + 0.5 of 4.
  close(rocAuc([0, 0, 1, 1], [0.1, 0.4, 0.4, 0.8]), 0.875, 'tied AUC');
  // Ties in top-k go to the higher class index (scikit-learn's stable sort, reversed).
  assert.is(topKAccuracy([0, 2], [[0.5, 0.5, 0], [0.2, 0.4, 0.4]], 1), 0.5);
  assert.equal(precisionScore([0, 1, 1], [0, 0, 0], { average: 'none' }), [1 / 3, 0]);
  assert.equal(precisionScore([0, 1, 1], [0, 0, 0], { average: 'none', zeroDivision: 1 }), [1 / 3, 1]);
  close(logLoss([1, 0], [1, 0]), -Math.log(1 - 2 ** -52), 'clipped certain predictions');
  assert.throws(() => accuracyScore([0, 1], [0]), /has 1 values, expected 2/);
  assert.throws(() => accuracyScore([0, 1.5], [0, 1]), (e: Error) => e instanceof DataError && /not a class index/.test(e.message));
  assert.throws(() => f1Score([0, 1], [0, 1], { average: 'mean' as 'macro' }), (e: Error) => e instanceof HyperParameterError);
});

function blobs(n: number, k: number, d: number, seed: number): { x: Float32Array; y: Float32Array } {
  let s = seed;
  const rnd = () => ((s = (s * 1103515245 + 12345) >>> 0) / 2 ** 32);
  const x = new Float32Array(n * d), y = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    y[i] = i % k;
    for (let j = 0; j < d; j++) x[i * d + j] = (j === y[i] ? 1.5 : 0) + 2 * (rnd() - 0.5) + 3 * rnd() * (j === 0 ? 1 : 0);
  }
  return { x, y };
}

for (const be of BACKENDS) {
  test(`${be}: evaluate(ds, { metrics }) of softmax, logistic, an MLP and a linear model equals the functions on predict/predictProba`, async () => {
    await init({ backend: be });
    const { x, y } = blobs(120, 3, 4, 5);
    const ds = Dataset.fromArrays(x, y, { features: 4 });
    const all = ['accuracy', 'precision', 'recall', 'f1', 'confusionMatrix', 'rocAuc', 'logLoss', 'topKAccuracy'] as const;
    const sm = softmax({ features: 4, classes: 3 });
    const net = mlp({ features: 4, hidden: [8], classes: 3, seed: 1 });
    try {
      for (const model of [sm, net]) {
        train(model, ds, { optimizer: { name: 'adam', lr: 0.05 }, batch: 16, epochs: 5, seed: 1 });
        const e = model.evaluate(ds, { metrics: [...all], k: 2 });
        const m = e.metrics!;
        const pred = model.predict(x), p = model.predictProba(x);
        assert.is(m.accuracy, e.accuracy, 'the same accuracy as without metrics');
        assert.is(m.accuracy, accuracyScore(y, pred));
        assert.equal(m.labels, [0, 1, 2]);
        assert.equal(m.confusionMatrix, confusionMatrix(y, pred, { labels: [0, 1, 2] }));
        assert.is(m.f1!.macro, f1Score(y, pred, { average: 'macro', labels: [0, 1, 2] }));
        assert.equal(m.recall!.perClass, recallScore(y, pred, { average: 'none', labels: [0, 1, 2] }));
        assert.is(m.rocAuc, rocAuc(y, p));
        assert.is(m.rocAucWeighted, rocAuc(y, p, { average: 'weighted' }));
        assert.is(m.logLoss, logLoss(y, p));
        assert.equal(m.topKAccuracy, { k: 2, value: topKAccuracy(y, p, 2) });
        assert.equal(m.support, [40, 40, 40]);
      }
      const yb = y.map((v) => (v === 0 ? 1 : 0));
      const bin = Dataset.fromArrays(x, yb, { features: 4 });
      const lg = logistic({ features: 4 });
      try {
        train(lg, bin, { optimizer: { name: 'adam', lr: 0.05 }, batch: 16, epochs: 5, seed: 1 });
        const m = lg.evaluate(bin, { metrics: ['rocAuc', 'f1', 'logLoss'] }).metrics!;
        assert.is(m.rocAuc, rocAuc(yb, lg.predictProba(x)));
        assert.is(m.f1!.perClass[1], f1Score(yb, lg.predict(x)));
        assert.is(m.logLoss, logLoss(yb, lg.predictProba(x)));
        assert.throws(() => lg.evaluate(bin, { metrics: ['mae'] }), (err: Error) => err instanceof HyperParameterError && /not a classification metric/.test(err.message));
      } finally {
        lg.dispose();
        bin.dispose();
      }
      const yr = Float32Array.from(x.filter((_, i) => i % 4 === 0), (v, i) => 10 + 3 * v - (i % 5));
      const reg = Dataset.fromArrays(x, yr, { features: 4 });
      const lin = linear({ features: 4 });
      try {
        train(lin, reg, { optimizer: { name: 'adam', lr: 0.05 }, batch: 16, epochs: 20, seed: 1 });
        const m = lin.evaluate(reg, { metrics: ['mae', 'rmse', 'r2'] }).metrics!;
        const pr = lin.predict(x);
        assert.is(m.mae, meanAbsoluteError(yr, pr));
        assert.is(m.rmse, rootMeanSquaredError(yr, pr));
        assert.is(m.r2, r2Score(yr, pr));
        assert.throws(() => lin.evaluate(reg, { metrics: ['f1'] }), /not a regression metric/);
        assert.throws(() => lin.evaluate(reg, { metric: ['r2'] } as never), (e: Error) => e instanceof HyperParameterError);
      } finally {
        lin.dispose();
        reg.dispose();
      }
    } finally {
      sm.dispose();
      net.dispose();
      ds.dispose();
    }
  });
}

const CLI_TEST = 'descent train --metrics: the per-class table and confusion matrix, and the same figures in --json';
if (existsSync(bin)) {
  test(CLI_TEST, () => {
    const args = ['train', 'iris', '--model', 'softmax', '--epochs', '20', '--seed', '3', '--metrics'];
    const text = cli(root, ...args);
    assert.is(text.code, 0, text.stderr);
    assert.match(text.stdout, /metrics \(test set, 30 rows\)\n\| class +\| precision \| recall \| +f1 \| support \|/);
    assert.match(text.stdout, /\| weighted avg \|/);
    assert.match(text.stdout, /confusion matrix \(rows: true class, columns: predicted class\)/);
    const json = cli(root, ...args, '--json');
    const m = jsonLines(json.stdout).find((o) => o.event === 'result')!.test.metrics;
    assert.equal(m.support, [10, 10, 10]);
    assert.is(m.confusionMatrix.flat().reduce((a: number, b: number) => a + b, 0), 30);
    const diag = m.confusionMatrix.map((row: number[], i: number) => row[i]).reduce((a: number, b: number) => a + b, 0);
    assert.is(m.accuracy, diag / 30);
    assert.match(text.stdout, new RegExp(`\\| macro avg +\\| +${m.precision.macro.toFixed(4)} \\|`));
    const reg = cli(root, 'train', 'diabetes', '--epochs', '10', '--metrics', '--json');
    const r = jsonLines(reg.stdout).find((o) => o.event === 'result')!.test;
    assert.ok(Math.abs(r.metrics.r2 - r.r2) < 1e-6, `R² ${r.metrics.r2} in the target units, ${r.r2} in the scaled units`);
    assert.ok(r.metrics.mae > 0 && r.metrics.rmse >= r.metrics.mae);
    const bad = cli(root, 'train', 'iris', '--stream', '--metrics');
    assert.is(bad.code, 2, bad.stderr);
  });
} else if (process.env.CI === 'true') {
  test(CLI_TEST, () => assert.unreachable('dist/ is missing under CI=true'));
} else {
  console.log(`  SKIPPED: ${CLI_TEST}: needs dist/ (npm run build)`);
  test.skip(CLI_TEST, () => {});
}

test.run();
