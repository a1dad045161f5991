// Two steps of every rule written out by hand, in f64, from PyTorch's documented update (and its 1.13
// source where the two differ), on a 3-element parameter vector. Each step is spelled out: no loop over
// steps and no call into descent's own code, so a wrong kernel cannot agree with itself here.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { init, optimizer, optimizerNames, type BackendName, type OptimizerOptions } from '../src/index.js';

type V = number[];
const P0: V = [1.0, -2.0, 0.5];
const G1: V = [0.5, -1.0, 2.0];
// Element 2 drops from 2 to 0.05, so AMSGrad's max and Adamax's decayed max keep the old value there.
const G2: V = [-0.25, 0.75, 0.05];

/** Elementwise helper: f(i) for i = 0, 1, 2. */
const each = (f: (i: number) => number): V => [f(0), f(1), f(2)];
const sign = Math.sign, sqrt = Math.sqrt, abs = Math.abs;

interface HandCase {
  title: string;
  options: OptimizerOptions;
  /** The parameters after each step, by hand; the gradients are G1 then G2 unless `grads` says otherwise. */
  expected: V[];
  grads?: V[];
}

const cases: HandCase[] = [];

{
  // SGD, momentum 0.9, dampening 0.1, weight decay 0.01: the buffer starts as the first gradient.
  const lr = 0.1, mu = 0.9, tau = 0.1, wd = 0.01;
  const d1 = each((i) => G1[i] + wd * P0[i]);
  const b1 = d1;
  const p1 = each((i) => P0[i] - lr * b1[i]);
  const d2 = each((i) => G2[i] + wd * p1[i]);
  const b2 = each((i) => mu * b1[i] + (1 - tau) * d2[i]);
  const p2 = each((i) => p1[i] - lr * b2[i]);
  cases.push({ title: 'sgd momentum+dampening+wd', options: { name: 'sgd', lr, momentum: mu, dampening: tau, weightDecay: wd }, expected: [p1, p2] });
}
{
  // Plain SGD: p − lr·g, numbers small enough to check in one's head.
  cases.push({
    title: 'sgd plain', options: { name: 'sgd', lr: 0.1 },
    expected: [[0.95, -1.9, 0.3], [0.975, -1.975, 0.295]],
  });
}
{
  // SGD Nesterov: the step uses g + μ·b.
  const lr = 0.1, mu = 0.9;
  const b1 = G1;
  const p1 = each((i) => P0[i] - lr * (G1[i] + mu * b1[i]));
  const b2 = each((i) => mu * b1[i] + G2[i]);
  const p2 = each((i) => p1[i] - lr * (G2[i] + mu * b2[i]));
  cases.push({ title: 'sgd nesterov', options: { name: 'sgd', lr, momentum: mu, nesterov: true }, expected: [p1, p2] });
}
{
  // Adam with L2 weight decay in the gradient.
  const lr = 0.01, b1 = 0.9, b2 = 0.999, eps = 1e-8, wd = 0.01;
  const d1 = each((i) => G1[i] + wd * P0[i]);
  const m1 = each((i) => (1 - b1) * d1[i]);
  const v1 = each((i) => (1 - b2) * d1[i] ** 2);
  const p1 = each((i) => P0[i] - (lr / (1 - b1)) * m1[i] / (sqrt(v1[i]) / sqrt(1 - b2) + eps));
  const d2 = each((i) => G2[i] + wd * p1[i]);
  const m2 = each((i) => b1 * m1[i] + (1 - b1) * d2[i]);
  const v2 = each((i) => b2 * v1[i] + (1 - b2) * d2[i] ** 2);
  const p2 = each((i) => p1[i] - (lr / (1 - b1 ** 2)) * m2[i] / (sqrt(v2[i]) / sqrt(1 - b2 ** 2) + eps));
  cases.push({ title: 'adam wd', options: { name: 'adam', lr, weightDecay: wd }, expected: [p1, p2] });
}
{
  // AMSGrad: step 2 divides by max(v1, v2); for element 2, v2 < v1.
  const lr = 0.01, b1 = 0.9, b2 = 0.999, eps = 1e-8;
  const m1 = each((i) => (1 - b1) * G1[i]);
  const v1 = each((i) => (1 - b2) * G1[i] ** 2);
  const p1 = each((i) => P0[i] - (lr / (1 - b1)) * m1[i] / (sqrt(v1[i]) / sqrt(1 - b2) + eps));
  const m2 = each((i) => b1 * m1[i] + (1 - b1) * G2[i]);
  const v2 = each((i) => b2 * v1[i] + (1 - b2) * G2[i] ** 2);
  assert.ok(v2[2] < v1[2], 'the AMSGrad case must exercise the max');
  const vmax = each((i) => Math.max(v1[i], v2[i]));
  const p2 = each((i) => p1[i] - (lr / (1 - b1 ** 2)) * m2[i] / (sqrt(vmax[i]) / sqrt(1 - b2 ** 2) + eps));
  cases.push({ title: 'adam amsgrad', options: { name: 'adam', lr, amsgrad: true }, expected: [p1, p2] });
}
{
  // AdamW: p·(1 − lr·λ) first, the gradient untouched.
  const lr = 0.01, b1 = 0.9, b2 = 0.999, eps = 1e-8, wd = 0.1;
  const q1 = each((i) => P0[i] * (1 - lr * wd));
  const m1 = each((i) => (1 - b1) * G1[i]);
  const v1 = each((i) => (1 - b2) * G1[i] ** 2);
  const p1 = each((i) => q1[i] - (lr / (1 - b1)) * m1[i] / (sqrt(v1[i]) / sqrt(1 - b2) + eps));
  const q2 = each((i) => p1[i] * (1 - lr * wd));
  const m2 = each((i) => b1 * m1[i] + (1 - b1) * G2[i]);
  const v2 = each((i) => b2 * v1[i] + (1 - b2) * G2[i] ** 2);
  const p2 = each((i) => q2[i] - (lr / (1 - b1 ** 2)) * m2[i] / (sqrt(v2[i]) / sqrt(1 - b2 ** 2) + eps));
  cases.push({ title: 'adamw', options: { name: 'adamw', lr, weightDecay: wd }, expected: [p1, p2] });
}
{
  // Adagrad with every option: the accumulator starts at 0.25, step t uses lr/(1 + (t − 1)·η).
  const lr = 0.1, eta = 0.5, wd = 0.01, s0 = 0.25, eps = 1e-10;
  const d1 = each((i) => G1[i] + wd * P0[i]);
  const s1 = each((i) => s0 + d1[i] ** 2);
  const p1 = each((i) => P0[i] - lr * d1[i] / (sqrt(s1[i]) + eps));
  const d2 = each((i) => G2[i] + wd * p1[i]);
  const s2 = each((i) => s1[i] + d2[i] ** 2);
  const p2 = each((i) => p1[i] - (lr / (1 + eta)) * d2[i] / (sqrt(s2[i]) + eps));
  cases.push({
    title: 'adagrad all options',
    options: { name: 'adagrad', lr, lrDecay: eta, weightDecay: wd, initialAccumulatorValue: s0 },
    expected: [p1, p2],
  });
}
{
  // Adagrad from a zero accumulator: the first step is lr·sign(g).
  const p1 = each((i) => P0[i] - 0.1 * sign(G1[i]));
  const s1 = each((i) => G1[i] ** 2);
  const p2 = each((i) => p1[i] - 0.1 * G2[i] / sqrt(s1[i] + G2[i] ** 2));
  cases.push({ title: 'adagrad defaults', options: { name: 'adagrad', lr: 0.1 }, expected: [p1, p2] });
}
{
  // Adadelta: δ = √(u + ε)/√(a + ε)·g with u, a running averages of δ² and g².
  const lr = 1.0, rho = 0.9, eps = 1e-6, wd = 0.01;
  const d1 = each((i) => G1[i] + wd * P0[i]);
  const a1 = each((i) => (1 - rho) * d1[i] ** 2);
  const delta1 = each((i) => sqrt(0 + eps) / sqrt(a1[i] + eps) * d1[i]);
  const u1 = each((i) => (1 - rho) * delta1[i] ** 2);
  const p1 = each((i) => P0[i] - lr * delta1[i]);
  const d2 = each((i) => G2[i] + wd * p1[i]);
  const a2 = each((i) => rho * a1[i] + (1 - rho) * d2[i] ** 2);
  const delta2 = each((i) => sqrt(u1[i] + eps) / sqrt(a2[i] + eps) * d2[i]);
  const p2 = each((i) => p1[i] - lr * delta2[i]);
  cases.push({ title: 'adadelta wd', options: { name: 'adadelta', weightDecay: wd }, expected: [p1, p2] });
}
{
  // RMSprop, defaults: d = √s + ε.
  const lr = 0.01, alpha = 0.99, eps = 1e-8;
  const s1 = each((i) => (1 - alpha) * G1[i] ** 2);
  const p1 = each((i) => P0[i] - lr * G1[i] / (sqrt(s1[i]) + eps));
  const s2 = each((i) => alpha * s1[i] + (1 - alpha) * G2[i] ** 2);
  const p2 = each((i) => p1[i] - lr * G2[i] / (sqrt(s2[i]) + eps));
  cases.push({ title: 'rmsprop defaults', options: { name: 'rmsprop', lr }, expected: [p1, p2] });
}
{
  // RMSprop centered with momentum: d = √(s − c²) + ε, b = μ·b + g/d.
  const lr = 0.01, alpha = 0.9, eps = 1e-8, mu = 0.5;
  const s1 = each((i) => (1 - alpha) * G1[i] ** 2);
  const c1 = each((i) => (1 - alpha) * G1[i]);
  const b1 = each((i) => G1[i] / (sqrt(s1[i] - c1[i] ** 2) + eps));
  const p1 = each((i) => P0[i] - lr * b1[i]);
  const s2 = each((i) => alpha * s1[i] + (1 - alpha) * G2[i] ** 2);
  const c2 = each((i) => alpha * c1[i] + (1 - alpha) * G2[i]);
  const b2 = each((i) => mu * b1[i] + G2[i] / (sqrt(s2[i] - c2[i] ** 2) + eps));
  const p2 = each((i) => p1[i] - lr * b2[i]);
  cases.push({ title: 'rmsprop centered momentum', options: { name: 'rmsprop', lr, alpha, momentum: mu, centered: true }, expected: [p1, p2] });
}
{
  // Adamax: u = max(β2·u, |g| + ε); element 2 keeps β2·u1 at step 2.
  const lr = 0.01, b1 = 0.9, b2 = 0.999, eps = 1e-8;
  const m1 = each((i) => (1 - b1) * G1[i]);
  const u1 = each((i) => Math.max(0, abs(G1[i]) + eps));
  const p1 = each((i) => P0[i] - (lr / (1 - b1)) * m1[i] / u1[i]);
  const m2 = each((i) => b1 * m1[i] + (1 - b1) * G2[i]);
  const u2 = each((i) => Math.max(b2 * u1[i], abs(G2[i]) + eps));
  assert.is(u2[2], b2 * u1[2]);
  const p2 = each((i) => p1[i] - (lr / (1 - b1 ** 2)) * m2[i] / u2[i]);
  cases.push({ title: 'adamax', options: { name: 'adamax', lr }, expected: [p1, p2] });
}

// NAdam: μₜ = β1·(1 − ½·0.96^(t·ψ)). PyTorch 1.13's single-tensor code divides the momentum term by
// 1 − Πₜ·μₜ·μₜ₊₁ (μₜ twice); the paper and PyTorch ≥ 2.0 by 1 − Πₜ·μₜ₊₁. descent follows 1.13.
function nadamByHand(muTwice: boolean): V[] {
  const lr = 0.01, b1 = 0.9, b2 = 0.999, eps = 1e-8, psi = 0.004, wd = 0.01;
  const mu = (t: number) => b1 * (1 - 0.5 * 0.96 ** (t * psi));
  const extra = (t: number) => (muTwice ? mu(t) : 1);
  const d1 = each((i) => G1[i] + wd * P0[i]);
  const m1 = each((i) => (1 - b1) * d1[i]);
  const v1 = each((i) => (1 - b2) * d1[i] ** 2);
  const P1 = mu(1);
  const den1 = each((i) => sqrt(v1[i] / (1 - b2)) + eps);
  const p1 = each((i) => P0[i]
    - lr * (1 - mu(1)) / (1 - P1) * d1[i] / den1[i]
    - lr * mu(2) / (1 - P1 * extra(1) * mu(2)) * m1[i] / den1[i]);
  const d2 = each((i) => G2[i] + wd * p1[i]);
  const m2 = each((i) => b1 * m1[i] + (1 - b1) * d2[i]);
  const v2 = each((i) => b2 * v1[i] + (1 - b2) * d2[i] ** 2);
  const P2 = mu(1) * mu(2);
  const den2 = each((i) => sqrt(v2[i] / (1 - b2 ** 2)) + eps);
  const p2 = each((i) => p1[i]
    - lr * (1 - mu(2)) / (1 - P2) * d2[i] / den2[i]
    - lr * mu(3) / (1 - P2 * extra(2) * mu(3)) * m2[i] / den2[i]);
  return [p1, p2];
}
cases.push({ title: 'nadam wd (PyTorch 1.13)', options: { name: 'nadam', lr: 0.01, weightDecay: 0.01 }, expected: nadamByHand(true) });

{
  // RAdam with a constant gradient g and no weight decay: m_t = (1 − β1ᵗ)·g and v_t = (1 − β2ᵗ)·g², so
  // the unrectified steps (ρₜ ≤ 5, t ≤ 5 for β2 = 0.999) move by lr·g and the rectified ones by
  // lr·rₜ·√(1 − β2ᵗ)·g/(√(1 − β2ᵗ)·|g| + ε). The two hand-written steps are 6 and 7, the first rectified
  // ones; 5·lr·g before them is what the unrectified steps must have done.
  const lr = 0.01, b2 = 0.999, eps = 1e-8;
  const rhoInf = 2 / (1 - b2) - 1;
  const rho = (t: number) => rhoInf - 2 * t * b2 ** t / (1 - b2 ** t);
  const r = (t: number) => sqrt((rho(t) - 4) * (rho(t) - 2) * rhoInf / ((rhoInf - 4) * (rhoInf - 2) * rho(t)));
  assert.ok(rho(5) <= 5 && rho(6) > 5, 'steps 6 and 7 must be the first rectified ones');
  const g = G1;
  const p5 = each((i) => P0[i] - 5 * lr * g[i]);
  const step = (t: number, p: V) => each((i) => p[i] - lr * r(t) * sqrt(1 - b2 ** t) * g[i] / (sqrt(1 - b2 ** t) * abs(g[i]) + eps));
  const p6 = step(6, p5);
  const p7 = step(7, p6);
  cases.push({ title: 'radam across the rectification threshold', options: { name: 'radam', lr }, grads: Array(7).fill(g), expected: [p5, p6, p7] });
}
{
  // RAdam's first two steps: bias-corrected momentum only, p − lr·m/(1 − β1ᵗ).
  const lr = 0.01, b1 = 0.9;
  const m1 = each((i) => (1 - b1) * G1[i]);
  const p1 = each((i) => P0[i] - lr * m1[i] / (1 - b1));
  const m2 = each((i) => b1 * m1[i] + (1 - b1) * G2[i]);
  const p2 = each((i) => p1[i] - lr * m2[i] / (1 - b1 ** 2));
  cases.push({ title: 'radam first steps', options: { name: 'radam', lr }, expected: [p1, p2] });
}

{
  // Lion with decoupled weight decay: p ← p·(1 − lr·λ) − lr·sign(β1·m + (1 − β1)·g); m ← β2·m + (1 − β2)·g.
  // Element 2's second gradient is negative but small, so the interpolated momentum keeps it positive:
  // sign(c) ≠ sign(g) there. The third step has a zero gradient, so its direction is sign(m₂) alone,
  // which holds only if m was updated with β2 (with β1 instead, element 0 would turn negative).
  const lr = 0.1, b1 = 0.9, b2 = 0.99, wd = 0.5;
  const G2L: V = [-0.25, 0.75, -0.05], G3L: V = [0, 0, 0];
  const p1 = each((i) => P0[i] * (1 - lr * wd) - lr * sign(b1 * 0 + (1 - b1) * G1[i]));
  const m1 = each((i) => b2 * 0 + (1 - b2) * G1[i]);
  const p2 = each((i) => p1[i] * (1 - lr * wd) - lr * sign(b1 * m1[i] + (1 - b1) * G2L[i]));
  const m2 = each((i) => b2 * m1[i] + (1 - b2) * G2L[i]);
  const p3 = each((i) => p2[i] * (1 - lr * wd) - lr * sign(b1 * m2[i] + (1 - b1) * G3L[i]));
  assert.equal(each((i) => sign(b1 * m1[i] + (1 - b1) * G2L[i])), [-1, 1, 1], 'the case exercises sign(c) ≠ sign(g)');
  cases.push({ title: 'lion decoupled decay', options: { name: 'lion', lr, betas: [b1, b2], weightDecay: wd }, expected: [p1, p2, p3], grads: [G1, G2L, G3L] });
}

{
  // SparseAdam (every gradient element nonzero here): m ← m + (1 − β1)(g − m), v ← v + (1 − β2)(g² − v),
  // p ← p − lr·√(1 − β2ᵗ)/(1 − β1ᵗ) · m/(√v + ε). ε = 1e-3 sits next to √v, which is small (√(1 − β2)·|g| at
  // step 1), so Adam's placement (next to the bias-corrected √v̂) would give visibly different steps.
  const lr = 0.1, b1 = 0.9, b2 = 0.999, eps = 1e-3;
  const m1 = each((i) => (1 - b1) * G1[i]), v1 = each((i) => (1 - b2) * G1[i] * G1[i]);
  const p1 = each((i) => P0[i] - lr * sqrt(1 - b2) / (1 - b1) * m1[i] / (sqrt(v1[i]) + eps));
  const m2 = each((i) => m1[i] + (1 - b1) * (G2[i] - m1[i])), v2 = each((i) => v1[i] + (1 - b2) * (G2[i] * G2[i] - v1[i]));
  const p2 = each((i) => p1[i] - lr * sqrt(1 - b2 ** 2) / (1 - b1 ** 2) * m2[i] / (sqrt(v2[i]) + eps));
  cases.push({ title: 'sparseAdam (ε beside √v)', options: { name: 'sparseAdam', lr, betas: [b1, b2], eps }, expected: [p1, p2] });
}

// f32 parameters against f64 arithmetic: a few ulps of relative error per step.
const REL = 1e-6, ABS = 1e-7;
const BACKENDS: BackendName[] = ['js', 'wasm-scalar', 'wasm-simd'];

test('every rule covered', () => {
  const names = new Set(cases.map((c) => c.options.name));
  for (const n of optimizerNames) {
    assert.ok(names.has(n as never), `no hand-written case for ${n}`);
  }
});

test('the hand-written NAdam variants differ by more than the tolerance', () => {
  // Otherwise the NAdam case could not tell PyTorch 1.13's update from the paper's.
  const a = nadamByHand(true), b = nadamByHand(false);
  assert.ok(Math.abs(a[0][0] - b[0][0]) > 20 * (REL * Math.abs(a[0][0]) + ABS));
});

for (const c of cases) {
  test(`by hand: ${c.title}`, async () => {
    // Each step must move the parameters by much more than the tolerance, or the check is empty.
    let prev = P0;
    for (const p of c.expected) {
      for (let i = 0; i < 3; i++) assert.ok(Math.abs(p[i] - prev[i]) > 100 * (REL * Math.abs(p[i]) + ABS), `${c.title}: step too small`);
      prev = p;
    }
    const grads = c.grads ?? [G1, G2];
    for (const backend of BACKENDS) {
      await init({ backend });
      const opt = optimizer(structuredClone(c.options), 3);
      try {
        opt.params.set(P0);
        const skip = grads.length - c.expected.length; // steps before the first hand-written one
        for (let t = 0; t < grads.length; t++) {
          opt.grads.set(grads[t]);
          opt.step();
          if (t + 1 <= skip) continue;
          const want = c.expected[t - skip];
          for (let i = 0; i < 3; i++) {
            const got = opt.params[i];
            assert.ok(Math.abs(got - want[i]) <= REL * Math.abs(want[i]) + ABS,
              `${backend} ${c.title} step ${t + 1} p[${i}]: ${got} ≠ ${want[i]}`);
          }
        }
      } finally {
        opt.dispose();
      }
    }
  });
}

test.run();
