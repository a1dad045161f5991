// Online updates on sparse rows: partialFit with a sparse Dataset ≡ partialFit with the densified one (plain SGD,
// the lazily scaled path, and Adam, the dense-gradient path), on every backend.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Dataset, logistic, partialFit } from '../src/index.ts';
import { Rng } from '../src/rng.ts';
import { BACKENDS, use } from './toolkit-helpers.ts';

function rows(n: number, d: number, seed: number) {
  const rng = new Rng(seed);
  const indptr = [0], indices: number[] = [], values: number[] = [], dense = new Float32Array(n * d), y: number[] = [];
  for (let r = 0; r < n; r++) {
    for (let c = 0; c < d; c++) {
      if (rng.next() < 0.2) {
        const v = Math.fround(2 * rng.next() - 1);
        indices.push(c);
        values.push(v);
        dense[r * d + c] = v;
      }
    }
    indptr.push(indices.length);
    y.push(r % 2);
  }
  return { csr: { indptr, indices, values }, dense, y };
}

for (const b of BACKENDS) {
  test(`[${b}] partialFit on sparse rows ≡ on the densified rows (sgd lazy path, adam dense path)`, async () => {
    await use(b);
    const d = 29;
    for (const optimizer of [{ name: 'sgd', lr: 0.3 }, { name: 'adam', lr: 0.05 }] as const) {
      const ms = logistic({ features: d }), md = logistic({ features: d });
      for (let k = 0; k < 4; k++) {
        const { csr, dense, y } = rows(9, d, k);
        const sp = Dataset.fromSparse(csr, y, { features: d }), dn = Dataset.fromArrays(dense, y, { features: d });
        const rs = partialFit(ms, sp, { optimizer, l2: 0.01, batch: 3 } as never);
        const rd = partialFit(md, dn, { optimizer, l2: 0.01, batch: 3 } as never);
        assert.ok(Math.abs(rs.loss - rd.loss) <= 1e-5 * Math.max(1, Math.abs(rd.loss)), `${optimizer.name} call ${k}: loss ${rs.loss} vs ${rd.loss}`);
        sp.dispose();
        dn.dispose();
      }
      const a = ms.params, c = md.params;
      for (let i = 0; i < a.length; i++) assert.ok(Math.abs(a[i] - c[i]) <= 1e-5 * Math.max(1, Math.abs(c[i])), `${optimizer.name} param ${i}: ${a[i]} vs ${c[i]}`);
      ms.dispose();
      md.dispose();
    }
  });
}

test.run();
