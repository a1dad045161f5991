// A character GPT on Moby-Dick (bench/lib/gpt-recipe.ts): nanoGPT's stack (gpt(): 2 blocks, 4 heads, d 64,
// context 32, dropout 0, GPT-2 initialization), batches of 32 windows, AdamW lr 1e-3, betas (0.9, 0.95), weight
// decay 0.1, 1,000 steps, against PyTorch CPU (bench/peers/torch_gpt.py: the same model in torch.nn, run by
// DESCENT_TORCH_PYTHON). Both sides train on the same windows in the same order (drawn once here, written to a
// file the peer reads) and are judged on the same validation windows: the non-overlapping windows of the last
// 10% of the text, the loss the mean cross-entropy over every position.
//
// - check: PyTorch starts from descent's initialization (its safetensors file, loaded with strict names: the
//   same tensors and parameter count), both take the same CHECK_STEPS steps; the validation loss before and
//   after them and the mean training loss must agree (CHECK_TOL).
// - (a) step time: the median ms of one training step (Trainer.step(1), tinybench) on wasm-simd with one thread
//   and with `threads: 2`, and PyTorch's median step (after 10 warm-up steps) with 1 and 2 threads.
// - (b) quality: the whole recipe, seeds 1 and 2 (each side's own GPT-2 draws from the seed; the windows drawn
//   from the seed by descent's Rng), the validation perplexity every 250 steps. Target: descent within 5% of PyTorch.
// - (c) the char GRU of `descent charlm` (charLmLayers' default network and its Adam recipe) trained for the
//   wall time descent's GPT took (its training steps), its validation perplexity on the GPT's targets.
//
// Flops of a step (the "3 × forward" count): per position, per block 2·(3d² + d² + 8d²) for the projections and
// the MLP, 2·2·T·d for Q·Kᵀ and P·V (the full T × T), and 2·d·vocab for the head; times 3, times batch·T.
//
// PyTorch with 2 threads on a busy host: OpenMP's default spin-waiting makes a step many times slower than one
// thread (954 ms against 73 ms at load 12 on 2 cores); OMP_WAIT_POLICY=PASSIVE in the environment (passed on to
// the peer) avoids it, and the row's note says which policy ran.
//
// `npx tsx bench/gpt.bench.ts [--quick | --timing]`: --quick is (a) on descent alone, with short budgets;
// --timing is (a) in full with PyTorch, without (b) and (c); no flag runs everything and writes bench/results/gpt.json.
import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir, loadavg } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Row, type RunOptions, measure, roofline, fmtMs, addRatios, table } from './lib/harness.js';
import { measureLimits, machineInfo } from './lib/machine.js';
import { isMain } from './lib/main.js';
import { torchPython } from './network.bench.js';
import { init, disposeThreads, backendInfo } from '../src/node.js';
import { simdWasm } from '../src/backends/binaries.generated.js';
import { toSafetensors } from '../src/interchange/torch-state.js';
import {
  RECIPE, mobyDick140, trainStarts, windowsAt, validationWindows, recipeGpt, recipeTrainer, descentRun, runTorchGpt, writeIds, gruRun,
  type GptText, type RunResult, type TorchGptResult, type GruResult,
} from './lib/gpt-recipe.js';

export const name = 'gpt';

/**
 * Steps of the same-initialization check, and its tolerance on the losses (relative). Measured: the two sides agree
 * to ~1e-7 (float32 rounding); after 20 steps lr 1.1e-3 moves PyTorch's validation loss by 1.4e-2, beta2 0.999 by
 * 1.3e-3, weight decay 0.01 by 5.6e-4.
 */
const CHECK_STEPS = 20;
const CHECK_TOL = 1e-4;
/** The issue's target: descent's validation perplexity within 5% of PyTorch's. */
const QUALITY_TOL = 0.05;
const SEEDS = [1, 2];

/** The binary that runs (init picks the shared-memory twin where threads can run, for one thread too). */
function ourBinary(): string {
  const sha = backendInfo().sha256 ?? '';
  return `${sha === simdWasm.sha256 ? 'descent.simd.wasm' : 'descent.simd-threads.wasm'} ${sha.slice(0, 8)}`;
}

export function stepFlops(vocab: number): number {
  const { dim: d, context: T, blocks, batch } = RECIPE;
  return 3 * batch * T * (blocks * (2 * 12 * d * d + 2 * 2 * T * d) + 2 * d * vocab);
}

/** Everything one run measured (bench/results/gpt.json). */
export interface GptReport {
  data: string;
  recipe: typeof RECIPE;
  check?: { steps: number; descent: number[]; torch: number[]; maxRel: number };
  timing: { contender: string; medianMs: number; cpuMs?: number }[];
  quality: { seed: number; descent: RunResult; torch?: TorchGptResult; relDiff?: number; gru?: GruResult }[];
  /** The host's 1-, 5- and 15-minute load averages as the suite started and ended (other processes share the cores). */
  load: { start: number[]; end?: number[] };
}

let lastReport: GptReport | null = null;

const rel = (a: number, b: number) => Math.abs(a - b) / Math.abs(b);
const mean = (a: number[]) => a.reduce((s, v) => s + v, 0) / a.length;
const slim = (r: RunResult) => ({ ...r, stepMs: undefined, losses: r.losses.filter((_, i) => (i + 1) % 50 === 0) });

/** Descent's and PyTorch's losses from the same initialization over the same windows: [val 0, val after, mean training loss]. */
function check(python: string, dir: string, idsFile: string, text: GptText, log: (s: string) => void): NonNullable<GptReport['check']> {
  const starts = trainStarts(text, CHECK_STEPS, 1);
  const net = recipeGpt(text, 1), tr = windowsAt(text.ids, starts), va = validationWindows(text);
  const initFile = join(dir, 'init.safetensors');
  writeFileSync(initFile, toSafetensors(net));
  try {
    const d = descentRun(net, tr, va, CHECK_STEPS, 0, 0);
    const t = runTorchGpt(python, dir, idsFile, text, starts, { steps: CHECK_STEPS, seed: 1, threads: 1, init: initFile, warmup: 0 });
    if (t.params !== net.size) throw new Error(`torch_gpt.py's model has ${t.params} parameters, descent's gpt() ${net.size}`);
    const ours = [d.evals[0].valLoss, d.evals[d.evals.length - 1].valLoss, mean(d.losses)];
    const theirs = [t.evals[0].valLoss, t.evals[t.evals.length - 1].valLoss, mean(t.losses)];
    const maxRel = Math.max(...ours.map((v, i) => rel(v, theirs[i])));
    log(`  check (same initialization, ${CHECK_STEPS} steps): validation loss ${ours[0].toFixed(6)} → ${ours[1].toFixed(6)} (PyTorch ` +
      `${theirs[0].toFixed(6)} → ${theirs[1].toFixed(6)}), mean training loss ${ours[2].toFixed(6)} (${theirs[2].toFixed(6)}): within ${maxRel.toExponential(1)}`);
    if (!(maxRel <= CHECK_TOL)) throw new Error(`equality check failed: descent's GPT and torch_gpt.py from the same initialization differ by ${maxRel} (> ${CHECK_TOL}): ${ours} vs ${theirs}`);
    return { steps: CHECK_STEPS, descent: ours, torch: theirs, maxRel };
  } finally {
    net.dispose();
    tr.dispose();
    va.dispose();
  }
}

/** Runs the suite. */
export async function run(o: RunOptions, mode: 'quick' | 'timing' | 'full' = o.quick ? 'quick' : 'full'): Promise<Row[]> {
  await init({ backend: 'wasm-simd' });
  const rows: Row[] = [];
  const text = mobyDick140();
  const flops = stepFlops(text.vocab.size);
  const report: GptReport = { data: text.what, recipe: RECIPE, timing: [], quality: [], load: { start: loadavg() } };
  o.log(`  ${text.what}`);
  const tp = mode === 'quick' ? { python: '', ok: false, reason: 'left out of --quick' } : torchPython();
  if (!tp.ok) {
    o.log(`  skipped: PyTorch peer: ${tp.reason}`);
    console.log(`skipped: PyTorch peer (gpt suite): ${tp.reason}`);
  }
  const dir = mkdtempSync(join(tmpdir(), 'descent-gpt-'));
  try {
    const idsFile = writeIds(dir, text);
    if (tp.ok) report.check = check(tp.python, dir, idsFile, text, o.log);

    // -- (a) step time
    const stepCase = `char GPT step: T ${RECIPE.context}, d ${RECIPE.dim}, ${RECIPE.heads} heads, ${RECIPE.blocks} blocks, batch ${RECIPE.batch}, AdamW`;
    const starts = trainStarts(text, RECIPE.steps, 1);
    const tr = windowsAt(text.ids, starts);
    const t = { timeMs: mode === 'quick' ? 1500 : 8000, minSamples: mode === 'quick' ? 10 : 50 };
    for (const threads of [1, 2]) {
      const net = recipeGpt(text, 1), trainer = recipeTrainer(net, tr, threads > 1 ? threads : undefined, 1000);
      try {
        let calls = 0;
        const c0 = process.cpuUsage();
        const r = await measure(`${stepCase} ${threads}t`, () => (calls++, trainer.step(1)), { ...t, warmupMs: 300 });
        const c = process.cpuUsage(c0), cpuMs = (c.user + c.system) / 1e3 / calls;
        const contender = threads === 1 ? 'wasm-simd' : `wasm-simd-${threads}t`;
        rows.push(roofline({ suite: name, case: stepCase, contender, binary: ourBinary() + (threads > 1 ? `, ${threads} threads` : ''),
          ...r, cpuMs, flops, note: `Trainer.step(1); CPU ${cpuMs.toPrecision(3)} ms/step (all threads)` }, o.limits));
        report.timing.push({ contender, medianMs: r.medianMs, cpuMs });
        o.log(`  ${contender}: ${fmtMs(r.medianMs)} per step (CPU ${cpuMs.toPrecision(3)} ms)`);
      } finally {
        trainer.dispose();
        net.dispose();
      }
    }
    disposeThreads();
    if (tp.ok) {
      for (const threads of [1, 2]) {
        const r = runTorchGpt(tp.python, dir, idsFile, text, starts.subarray(0, 300 * RECIPE.batch), { steps: 300, seed: 1, threads, noEval: true });
        const contender = `torch-cpu-${threads}t`;
        rows.push(roofline({ suite: name, case: stepCase, contender, binary: `PyTorch ${r.torch} (${r.capability}, ${r.threads} thread${r.threads > 1 ? 's' : ''})`,
          medianMs: r.medianMs, samples: r.stepMs.length - 10, rme: NaN, cpuMs: r.medianCpuMs, flops,
          note: `reference; median of steps 11–300; CPU ${r.medianCpuMs.toPrecision(3)} ms/step; bench/peers/torch_gpt.py` +
            (threads > 1 ? `; OMP_WAIT_POLICY ${process.env.OMP_WAIT_POLICY ?? 'unset (OpenMP spins: on a busy host set PASSIVE)'}` : '') }, o.limits));
        report.timing.push({ contender, medianMs: r.medianMs, cpuMs: r.medianCpuMs });
        o.log(`  ${contender}: ${fmtMs(r.medianMs)} per step (CPU ${r.medianCpuMs.toPrecision(3)} ms)`);
      }
    }
    tr.dispose();
    const by = (c: string) => report.timing.find((x) => x.contender === c)?.medianMs;
    const one = by('wasm-simd'), two = by('wasm-simd-2t'), pt = by('torch-cpu-1t');
    for (const r of rows) {
      const ptCpu = report.timing.find((x) => x.contender === 'torch-cpu-1t')?.cpuMs;
      if (r.contender === 'wasm-simd' && pt) r.note += `; PyTorch 1 thread / this = ${(pt / r.medianMs).toFixed(2)}× (wall), ${(ptCpu! / r.cpuMs!).toFixed(2)}× (CPU)`;
      if (r.contender === 'wasm-simd-2t' && one) r.note += `; 1 thread / 2 threads = ${(one / r.medianMs).toFixed(2)}×`;
    }
    if (one && two) o.log(`  descent 1 thread / 2 threads: ${(one / two).toFixed(2)}×${pt ? `; PyTorch 1 thread / descent 1 thread: ${(pt / one).toFixed(2)}×` : ''}`);

    // -- (b) quality and (c) the GRU for the same wall time
    if (mode === 'full') {
      const va = validationWindows(text);
      for (const seed of SEEDS) {
        const st = trainStarts(text, RECIPE.steps, seed), ds = windowsAt(text.ids, st), net = recipeGpt(text, seed);
        let d: RunResult;
        try {
          d = descentRun(net, ds, va, RECIPE.steps, RECIPE.evalEvery);
        } finally {
          net.dispose();
          ds.dispose();
        }
        const q: GptReport['quality'][number] = { seed, descent: d };
        const ppl = d.evals[d.evals.length - 1].valPerplexity;
        o.log(`  seed ${seed}: descent validation perplexity ${d.evals.map((e) => `${e.step}: ${e.valPerplexity.toFixed(3)}`).join(', ')}; ${fmtMs(d.medianMs)}/step, ${(d.trainMs / 1e3).toFixed(1)} s of steps`);
        const qCase = `char GPT, ${RECIPE.steps} steps, seed ${seed}: ms per step, validation perplexity in the note`;
        rows.push({ suite: name, case: qCase, contender: 'wasm-simd', binary: ourBinary(), medianMs: d.medianMs, samples: d.stepMs.length - 10, rme: NaN,
          note: `validation perplexity ${ppl.toFixed(3)} (${d.evals.map((e) => e.valPerplexity.toFixed(2)).join(' → ')} every ${RECIPE.evalEvery} steps); ${(d.trainMs / 1e3).toFixed(1)} s of steps` });
        if (tp.ok) {
          const tr2 = runTorchGpt(tp.python, dir, idsFile, text, st, { steps: RECIPE.steps, seed, threads: 1, evalEvery: RECIPE.evalEvery });
          const tppl = tr2.evals[tr2.evals.length - 1].valPerplexity;
          q.torch = tr2;
          q.relDiff = (ppl - tppl) / tppl;
          o.log(`  seed ${seed}: PyTorch validation perplexity ${tr2.evals.map((e) => `${e.step}: ${e.valPerplexity.toFixed(3)}`).join(', ')}; ${fmtMs(tr2.medianMs)}/step; descent ${(q.relDiff * 100).toFixed(2)}% from it`);
          rows.push({ suite: name, case: qCase, contender: 'torch-cpu-1t', binary: `PyTorch ${tr2.torch} (${tr2.capability}, 1 thread)`, medianMs: tr2.medianMs,
            samples: tr2.stepMs.length - 10, rme: NaN, note: `validation perplexity ${tppl.toFixed(3)} (${tr2.evals.map((e) => e.valPerplexity.toFixed(2)).join(' → ')}); ` +
              `descent ${(q.relDiff * 100).toFixed(2)}% from it (target within ${QUALITY_TOL * 100}%: ${Math.abs(q.relDiff) <= QUALITY_TOL ? 'met' : 'not met'})` });
        }
        q.gru = gruRun(text, seed, d.trainMs);
        const g = q.gru;
        o.log(`  seed ${seed}: char GRU for ${(g.trainMs / 1e3).toFixed(1)} s (${g.steps} steps of ${fmtMs(g.medianMs)}): validation perplexity ${g.matched.valPerplexity.toFixed(3)} on the GPT's targets, ${g.fullContext.valPerplexity.toFixed(3)} with full context`);
        rows.push({ suite: name, case: `char GRU (descent charlm) for the GPT's wall time, seed ${seed}`, contender: 'wasm-simd', binary: ourBinary(), medianMs: g.medianMs,
          samples: g.steps, rme: NaN, note: `${g.steps} steps in ${(g.trainMs / 1e3).toFixed(1)} s, ${g.params} parameters; validation perplexity ${g.matched.valPerplexity.toFixed(3)} on the GPT's targets and contexts ` +
            `(GPT ${ppl.toFixed(3)}: ${ppl < g.matched.valPerplexity ? 'below' : 'not below'}), ${g.fullContext.valPerplexity.toFixed(3)} on every character with ${RECIPE.context} of context` });
        report.quality.push(q);
      }
      va.dispose();
      report.load.end = loadavg();
      const out = fileURLToPath(new URL('results/', import.meta.url));
      mkdirSync(out, { recursive: true });
      writeFileSync(out + 'gpt.json', JSON.stringify({ ...report, machine: machineInfo(), binary: ourBinary(),
        quality: report.quality.map((q) => ({ ...q, descent: slim(q.descent), torch: q.torch && slim(q.torch) })) }, null, 2) + '\n');
      o.log('  wrote bench/results/gpt.json');
    }
  } finally {
    disposeThreads();
    rmSync(dir, { recursive: true, force: true });
  }
  report.load.end ??= loadavg();
  lastReport = report;
  return rows;
}

/** The suite's section of bench/RESULTS.md: the check, step times and the quality table of the last run. */
export function section(): string {
  const r = lastReport;
  if (!r) return '';
  const x = (a?: number, b?: number) => (a && b ? `${(a / b).toFixed(2)}×` : '—');
  const by = (c: string) => r.timing.find((t) => t.contender === c)?.medianMs;
  const la = (l: number[]) => l.map((v) => v.toFixed(1)).join(', ');
  const lines = [`Data: ${r.data}. Recipe: ${JSON.stringify(r.recipe)}. Load average (1, 5, 15 min) at the start ${la(r.load.start)}, at the end ${la(r.load.end ?? [])} on ${machineInfo().cores} cores.`, ''];
  if (r.check) lines.push(`Check: from descent's initialization, ${r.check.steps} steps on the same windows, PyTorch's validation and training losses within ${r.check.maxRel.toExponential(1)}.`, '');
  lines.push(`Step time: descent 1 thread ${by('wasm-simd') ? fmtMs(by('wasm-simd')!) : '—'}, 2 threads ${by('wasm-simd-2t') ? fmtMs(by('wasm-simd-2t')!) : '—'} ` +
    `(${x(by('wasm-simd'), by('wasm-simd-2t'))}); PyTorch 1 thread ${by('torch-cpu-1t') ? fmtMs(by('torch-cpu-1t')!) : '—'} (descent ${x(by('torch-cpu-1t'), by('wasm-simd'))} of its speed), 2 threads ${by('torch-cpu-2t') ? fmtMs(by('torch-cpu-2t')!) : '—'}. ` +
    `CPU time per step (steadier than wall time on a shared host): ${r.timing.map((t) => `${t.contender} ${t.cpuMs !== undefined ? fmtMs(t.cpuMs) : '—'}`).join(', ')}.`);
  if (r.quality.length) {
    lines.push('', '| seed | descent perplexity | PyTorch perplexity | descent vs PyTorch | descent ms/step | PyTorch ms/step | char GRU, same wall time (GPT targets; full context) |',
      '| ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
    for (const q of r.quality) {
      const last = (e: { valPerplexity: number }[]) => e[e.length - 1].valPerplexity.toFixed(3);
      lines.push(`| ${q.seed} | ${last(q.descent.evals)} | ${q.torch ? last(q.torch.evals) : '—'} | ${q.relDiff !== undefined ? `${(q.relDiff * 100).toFixed(2)}%` : '—'} | ` +
        `${fmtMs(q.descent.medianMs)} | ${q.torch ? fmtMs(q.torch.medianMs) : '—'} | ${q.gru ? `${q.gru.matched.valPerplexity.toFixed(3)}; ${q.gru.fullContext.valPerplexity.toFixed(3)} (${q.gru.steps} steps)` : '—'} |`);
    }
  }
  return lines.join('\n');
}

if (isMain(import.meta.url)) {
  (async () => {
    const mode = process.argv.includes('--quick') ? 'quick' : process.argv.includes('--timing') ? 'timing' : 'full';
    const log = (s: string) => process.stderr.write(s + '\n');
    const m = machineInfo();
    const limits = await measureLimits(true, log);
    const t0 = performance.now();
    const rows = await run({ quick: mode === 'quick', limits, log }, mode);
    addRatios(rows);
    console.log(`\`npx tsx bench/gpt.bench.ts${mode === 'full' ? '' : ` --${mode}`}\` on ${m.date.slice(0, 16).replace('T', ' ')} UTC (${((performance.now() - t0) / 1e3).toFixed(0)} s): ` +
      `${m.cpu}, ${m.cores} cores, Node ${m.node}; ${ourBinary()}; f32x4 peak ${limits.peakGflops.toFixed(1)} GFLOP/s (this run).\n`);
    console.log(table(rows) + '\n');
    console.log(section());
  })().catch((e) => {
    console.error(e);
    process.exitCode = 1;
  });
}
