// An LSTM trajectory against steps derived by hand: lstm(units 1) over T = 2 steps of one feature → dense(1),
// mean squared error, two rows, plain SGD (lr 0.5), three steps. The forward pass, the backward pass through
// time and the update are written out below in scalar f64 (gates i, f, g, o as torch.nn.LSTM), independently
// of the kernels; sequential / setWeights / partialFit must follow them on every backend (f32 kernels: 1e-5).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { init, sequential, partialFit, type BackendName } from '../src/index.js';

const BACKENDS: BackendName[] = ['js', 'wasm-scalar', 'wasm-simd'];
const sig = (a: number): number => 1 / (1 + Math.exp(-a));

interface P { wi: number[]; wh: number[]; bi: number[]; bh: number[]; w: number; b: number }

/** One row's loss (z − y)² and its gradient, by hand. */
function row(p: P, x: [number, number], y: number): { loss: number; g: P } {
  // Forward: h₀ = c₀ = 0.
  const st: { i: number; f: number; g: number; o: number; c: number; tc: number; h: number }[] = [];
  let h = 0, c = 0;
  for (const xt of x) {
    const a = [0, 1, 2, 3].map((k) => p.wi[k] * xt + p.bi[k] + p.wh[k] * h + p.bh[k]);
    const i = sig(a[0]), f = sig(a[1]), g = Math.tanh(a[2]), o = sig(a[3]);
    c = f * c + i * g;
    const tc = Math.tanh(c);
    h = o * tc;
    st.push({ i, f, g, o, c, tc, h });
  }
  const z = p.w * h + p.b;
  const dz = 2 * (z - y);
  const grad: P = { wi: [0, 0, 0, 0], wh: [0, 0, 0, 0], bi: [0, 0, 0, 0], bh: [0, 0, 0, 0], w: dz * h, b: dz };
  // Backward through time: step 2, then step 1.
  let dh = dz * p.w, dcNext = 0;
  for (let t = 1; t >= 0; t--) {
    const s = st[t];
    const cPrev = t > 0 ? st[t - 1].c : 0, hPrev = t > 0 ? st[t - 1].h : 0;
    const dc = dcNext + dh * s.o * (1 - s.tc * s.tc);
    const da = [dc * s.g * s.i * (1 - s.i), dc * cPrev * s.f * (1 - s.f), dc * s.i * (1 - s.g * s.g), dh * s.tc * s.o * (1 - s.o)];
    for (let k = 0; k < 4; k++) {
      grad.wi[k] += da[k] * x[t];
      grad.wh[k] += da[k] * hPrev;
      grad.bi[k] += da[k];
      grad.bh[k] += da[k];
    }
    dcNext = dc * s.f;
    dh = da.reduce((acc, v, k) => acc + v * p.wh[k], 0);
  }
  return { loss: (z - y) ** 2, g: grad };
}

/** One SGD step on the mean over the rows; returns the loss before it. */
function step(p: P, xs: [number, number][], ys: number[], lr: number): number {
  const n = xs.length;
  const rs = xs.map((x, r) => row(p, x, ys[r]));
  const upd = (v: number[], key: 'wi' | 'wh' | 'bi' | 'bh'): void => {
    for (let k = 0; k < 4; k++) v[k] -= lr * rs.reduce((acc, r) => acc + r.g[key][k], 0) / n;
  };
  upd(p.wi, 'wi'); upd(p.wh, 'wh'); upd(p.bi, 'bi'); upd(p.bh, 'bh');
  p.w -= lr * rs.reduce((acc, r) => acc + r.g.w, 0) / n;
  p.b -= lr * rs.reduce((acc, r) => acc + r.g.b, 0) / n;
  return rs.reduce((acc, r) => acc + r.loss, 0) / n;
}

const P0: P = { wi: [0.3, -0.5, 0.8, 0.1], wh: [-0.4, 0.6, 0.2, -0.7], bi: [0.05, 0.4, -0.2, 0.1], bh: [0.1, 0.3, 0.15, -0.05], w: 1.3, b: -0.2 };
const XS: [number, number][] = [[0.7, -1.1], [-0.4, 0.9]];
const YS = [0.5, -0.3];
const LR = 0.5;

const close = (got: number, want: number, what: string): void => {
  assert.ok(Math.abs(got - want) <= 1e-5 * Math.max(1, Math.abs(want)), `${what}: ${got} vs hand-derived ${want}`);
};

for (const b of BACKENDS) {
  test(`[${b}] lstm(1) over T=2 → dense(1), SGD: three steps = the hand-derived ones`, async () => {
    await init({ backend: b });
    const p: P = structuredClone(P0);
    const net = sequential({ inputShape: [2, 1], layers: [{ type: 'lstm', units: 1 }, { type: 'dense', units: 1 }], loss: 'squared' });
    try {
      net.setWeights(0, { weight: p.wi, weightHh: p.wh, bias: p.bi, biasHh: p.bh });
      net.setWeights(1, { weight: [p.w], bias: [p.b] });
      for (let t = 0; t < 3; t++) {
        const want = step(p, XS, YS, LR);
        const r = partialFit(net, { x: XS.flat(), y: YS }, { optimizer: { name: 'sgd', lr: LR } });
        close(r.loss, want, `step ${t} loss`);
        const l = net.getWeights(0), d = net.getWeights(1);
        for (let k = 0; k < 4; k++) {
          close(l.weight[k], p.wi[k], `step ${t} weight_ih[${k}]`);
          close(l.weightHh![k], p.wh[k], `step ${t} weight_hh[${k}]`);
          close(l.bias![k], p.bi[k], `step ${t} bias_ih[${k}]`);
          close(l.biasHh![k], p.bh[k], `step ${t} bias_hh[${k}]`);
        }
        close(d.weight[0], p.w, `step ${t} dense weight`);
        close(d.bias![0], p.b, `step ${t} dense bias`);
      }
      // The trajectory moved: the updates are not vanishingly small.
      assert.ok(Math.abs(net.getWeights(0).weight[0] - P0.wi[0]) > 1e-3, 'weight_ih moved');
    } finally {
      net.dispose();
    }
  });
}

test.run();
