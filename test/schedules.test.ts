// Learning-rate schedules: each sequence against its closed form (PyTorch / scikit-learn) at chosen
// steps, reduce-on-plateau's reaction, warm-up composition, and the lr recorded in train()'s history.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createSchedule, linear, train, Dataset, type ScheduleOptions } from '../src/index.ts';
import { BACKENDS, use } from './toolkit-helpers.ts';

const close = (a: number, b: number, what: string) =>
  assert.ok(Math.abs(a - b) <= 1e-12 * Math.max(1, Math.abs(b)), `${what}: ${a} ≠ ${b}`);

const sched = (o: ScheduleOptions | undefined, baseLr = 0.1, stepsPerEpoch = 5, runSteps = 500, extra = {}) =>
  createSchedule(o, { baseLr, stepsPerEpoch, runSteps, ...extra });

test('constant (and no schedule) keep the optimizer lr', () => {
  for (const s of [sched(undefined), sched({ name: 'constant' })]) {
    for (const t of [0, 1, 7, 499]) close(s.lr(t), 0.1, `step ${t}`);
  }
});

test('step: lr0·γ^⌊epoch/stepSize⌋, per epoch by default and per batch on request', () => {
  const s = sched({ name: 'step', stepSize: 3, gamma: 0.5 });
  // 5 batches per epoch: epochs 0–2 share lr0, epoch 3 starts at step 15.
  for (const [t, e] of [[0, 0], [14, 2], [15, 3], [29, 5], [30, 6], [77, 15]]) close(s.lr(t), 0.1 * 0.5 ** Math.floor(e / 3), `step ${t}`);
  const b = sched({ name: 'step', stepSize: 4, gamma: 0.1, every: 'batch' });
  for (const t of [0, 3, 4, 11, 12]) close(b.lr(t), 0.1 * 0.1 ** Math.floor(t / 4), `batch step ${t}`);
});

test('multiStep: γ to the number of milestones passed', () => {
  const s = sched({ name: 'multiStep', milestones: [2, 5, 9], gamma: 0.1 });
  const want = (e: number) => 0.1 * 0.1 ** [2, 5, 9].filter((m) => m <= e).length;
  for (const e of [0, 1, 2, 4, 5, 8, 9, 20]) close(s.lr(e * 5 + 2), want(e), `epoch ${e}`);
});

test('exponential: lr0·γ^epoch', () => {
  const s = sched({ name: 'exponential', gamma: 0.9 });
  for (const e of [0, 1, 2, 10, 50]) close(s.lr(e * 5), 0.1 * 0.9 ** e, `epoch ${e}`);
  close(s.lr(5 * 10 + 4), 0.1 * 0.9 ** 10, 'last batch of epoch 10');
});

test('invScaling (scikit-learn): eta0 / t^power_t with t = step + 1', () => {
  const s = sched({ name: 'invScaling', powerT: 0.25 });
  for (const t of [0, 1, 9, 99, 499]) close(s.lr(t), 0.1 / (t + 1) ** 0.25, `step ${t}`);
  close(sched({ name: 'invScaling' }).lr(3), 0.1 / 2, 'default powerT 0.5');
});

test("optimal (scikit-learn): 1/(alpha·(t0 + t − 1)), t0 from the typw heuristic", () => {
  // alpha = 1e-4: typw = √(1/√α) = 10, eta0 = 10, t0 = 1/(eta0·α) = 1000.
  const s = sched({ name: 'optimal', alpha: 1e-4 });
  close(s.lr(0), 10, 'first step equals eta0');
  for (const t of [1, 10, 1000, 123456]) close(s.lr(t), 1 / (1e-4 * (1000 + t)), `step ${t}`);
  // Without its own alpha it takes the training penalty's.
  close(sched({ name: 'optimal' }, 0.1, 5, 500, { alpha: 0.01 }).lr(0), Math.sqrt(1 / Math.sqrt(0.01)), 'alpha from the penalty');
});

test('cosine with warm restarts (SGDR): T_0 = 3, T_mult = 2, eta_min', () => {
  const lr0 = 0.1, etaMin = 0.001;
  const s = sched({ name: 'cosine', t0: 3, tMult: 2, etaMin });
  const c = (tc: number, ti: number) => etaMin + (lr0 - etaMin) * (1 + Math.cos(Math.PI * tc / ti)) / 2;
  // Periods of 3, 6, 12 epochs: restarts at epochs 3 and 9.
  const want: [number, number, number][] = [[0, 0, 3], [1, 1, 3], [2, 2, 3], [3, 0, 6], [4, 1, 6], [8, 5, 6], [9, 0, 12], [20, 11, 12], [21, 0, 24]];
  for (const [e, tc, ti] of want) close(s.lr(e * 5), c(tc, ti), `epoch ${e}`);
  close(s.lr(3 * 5), lr0, 'restart returns to lr0');
  // Default period: the whole run, i.e. CosineAnnealingLR(T_max = epochs).
  const whole = sched({ name: 'cosine' }, 0.1, 5, 50); // 10 epochs
  for (const e of [0, 5, 9]) close(whole.lr(e * 5), 0.05 * (1 + Math.cos(Math.PI * e / 10)), `whole-run epoch ${e}`);
  const perBatch = sched({ name: 'cosine', every: 'batch' }, 0.1, 5, 50);
  close(perBatch.lr(25), 0.05, 'per batch: half way at step 25 of 50');
});

test('oneCycle (PyTorch OneCycleLR): two phases, cosine annealing', () => {
  const s = sched({ name: 'oneCycle', maxLr: 1, totalSteps: 100 }, 0.1, 5, 100);
  const initial = 1 / 25, minLr = initial / 1e4;
  const cos = (a: number, b: number, p: number) => b + (a - b) / 2 * (Math.cos(Math.PI * p) + 1);
  close(s.lr(0), initial, 'starts at maxLr/divFactor');
  close(s.lr(29), 1, 'peak at pct_start·total − 1');
  close(s.lr(10), cos(initial, 1, 10 / 29), 'warming phase');
  close(s.lr(60), cos(1, minLr, (60 - 29) / (99 - 29)), 'annealing phase');
  close(s.lr(99), minLr, 'ends at initial/finalDivFactor');
  const lin = sched({ name: 'oneCycle', maxLr: 1, totalSteps: 100, annealStrategy: 'linear', threePhase: true }, 0.1, 5, 100);
  close(lin.lr(29), 1, 'three-phase peak');
  close(lin.lr(58), initial, 'three-phase back to initial at 2·pct·total − 2');
  close(lin.lr(40), (initial - 1) * ((40 - 29) / (58 - 29)) + 1, 'three-phase second leg');
});

test('linear warm-up composes with any schedule (SequentialLR semantics)', () => {
  const w = sched({ name: 'exponential', gamma: 0.5, warmup: { steps: 10, startFactor: 0.2 } });
  for (const t of [0, 3, 9]) close(w.lr(t), 0.1 * (0.2 + 0.8 * t / 10), `warm-up step ${t}`);
  // After the warm-up the schedule proper starts from its own step 0 (epochs counted from there).
  for (const k of [0, 1, 4]) close(w.lr(10 + 5 * k), 0.1 * 0.5 ** k, `after warm-up, epoch ${k}`);
  const c = sched({ name: 'constant', warmup: { steps: 4 } });
  close(c.lr(0), 0.1 / 3, 'PyTorch LinearLR default start factor 1/3');
  close(c.lr(4), 0.1, 'full lr after the warm-up');
});

test('reduce-on-plateau reacts after more than `patience` bad epochs, not before', () => {
  const s = sched({ name: 'plateau', patience: 2, factor: 0.5, threshold: 0.01 });
  const lrs: number[] = [];
  // Improving, then a plateau (changes below the 1 % relative threshold count as bad).
  const losses = [10, 8, 6, 5.99, 5.98, 5.97, 5.96, 5.95, 5.94, 5.93, 3, 2.99];
  for (const l of losses) {
    s.epochEnd({ loss: l });
    lrs.push(s.lr(0));
  }
  // Bad epochs: 5.99, 5.98 (patience 2 tolerated), 5.97 is the third → reduce after it.
  assert.equal(lrs.slice(0, 5), [0.1, 0.1, 0.1, 0.1, 0.1], 'no reduction while within patience');
  close(lrs[5], 0.05, 'first reduction after the third bad epoch');
  close(lrs[6], 0.05, 'counter restarts after a reduction');
  close(lrs[8], 0.025, 'second reduction three bad epochs later');
  close(lrs[10], 0.025, 'an improvement does not reduce');
});

test('reduce-on-plateau: cooldown, minLr, abs threshold and max mode', () => {
  const s = sched({ name: 'plateau', patience: 0, factor: 0.1, cooldown: 2, minLr: 0.002, thresholdMode: 'abs', threshold: 0.5 });
  const lrs: number[] = [];
  for (const l of [5, 4.8, 4.7, 4.6, 4.5, 4.4, 4.3, 4.2]) {
    s.epochEnd({ loss: l });
    lrs.push(s.lr(0));
  }
  // 4.8 is not better than 5 − 0.5: reduce at once (patience 0), then two cooldown epochs ignore bad ones.
  assert.equal(lrs.map((v) => +v.toPrecision(6)), [0.1, 0.01, 0.01, 0.01, 0.002, 0.002, 0.002, 0.002]);
  const m = sched({ name: 'plateau', mode: 'max', patience: 1, factor: 0.5 });
  for (const a of [0.5, 0.6, 0.6, 0.6]) m.epochEnd({ loss: a });
  close(m.lr(0), 0.05, 'max mode reduces when the metric stops rising');
});

for (const b of BACKENDS) {
  test(`[${b}] train() history records the lr of each epoch (per-epoch and per-batch schedules)`, async () => {
    await use(b);
    const x = Array.from({ length: 40 }, (_, i) => [i / 40, (i % 7) / 7]);
    const y = x.map(([u, v]) => 2 * u - v + 0.3);
    const ds = Dataset.fromArrays(x, y);
    const m = linear({ features: 2 });
    const r = train(m, ds, { optimizer: { name: 'sgd', lr: 0.2 }, batch: 10, epochs: 6, schedule: { name: 'step', stepSize: 2, gamma: 0.5 } });
    assert.equal(r.history.map((h) => h.lr), [0.2, 0.2, 0.1, 0.1, 0.05, 0.05]);
    assert.equal(r.history.map((h) => h.lrLast), [0.2, 0.2, 0.1, 0.1, 0.05, 0.05]);
    const m2 = linear({ features: 2 });
    const r2 = train(m2, ds, { optimizer: { name: 'adam', lr: 0.05 }, batch: 10, epochs: 5, schedule: { name: 'oneCycle' } });
    const s = createSchedule({ name: 'oneCycle' }, { baseLr: 0.05, stepsPerEpoch: 4, runSteps: 20 });
    r2.history.forEach((h, e) => {
      close(h.lr, s.lr(4 * e), `epoch ${e + 1} first batch`);
      close(h.lrLast, s.lr(4 * e + 3), `epoch ${e + 1} last batch`);
    });
    m.dispose();
    m2.dispose();
    ds.dispose();
  });

  test(`[${b}] reduce-on-plateau in train(): lr drops exactly where the rule says, replayed from the history`, async () => {
    await use(b);
    const x = Array.from({ length: 32 }, (_, i) => [Math.sin(i), Math.cos(3 * i)]);
    const y = x.map(([u, v], i) => u - 2 * v + 1 + 0.3 * Math.sin(7 * i)); // a residual floor: the loss plateaus
    const ds = Dataset.fromArrays(x, y);
    const m = linear({ features: 2 });
    const opts = { name: 'plateau', patience: 3, factor: 0.5, threshold: 1e-3 } as const;
    const r = train(m, ds, { optimizer: { name: 'sgd', lr: 0.3 }, batch: 'full', epochs: 80, schedule: opts });
    // Replay PyTorch's rule on the recorded losses: epoch e+1 uses the lr left by epoch e.
    const replay = createSchedule(opts, { baseLr: 0.3, stepsPerEpoch: 1, runSteps: 80 });
    let reductions = 0;
    for (let e = 0; e < r.history.length; e++) {
      close(r.history[e].lr, replay.lr(0), `epoch ${e + 1}`);
      if (replay.epochEnd({ loss: r.history[e].loss })) reductions++;
    }
    assert.ok(reductions >= 1, 'the least-squares loss reaches its floor, so the lr must drop');
    const firstDrop = r.history.findIndex((h) => h.lr < 0.3);
    assert.ok(firstDrop > 4, `no reduction before the loss plateaus (first drop at epoch ${firstDrop + 1})`);
    m.dispose();
    ds.dispose();
  });
}

test.run();
