// The body of test/trust.property.test.ts, run in a worker thread so that the test can bound it with a timeout
// (a hang in synchronous code cannot be interrupted from the same thread). fast-check builds hostile inputs of
// five kinds — text options, saved models (truncated, huge declared sizes, getters), saved text vectorizers
// (hostile word patterns, idf), saved training states, PNG files (truncated, oversized headers, garbage, special
// files) — and every load or call must end in a result or a DescentError within CASE_MS, never another exception.
import { parentPort } from 'node:worker_threads';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deflateSync } from 'node:zlib';
import fc from 'fast-check';
import { PNG } from 'pngjs';
import { init, Dataset, Model, Network, softmax, sequential, Trainer, DescentError, type TrainState } from '../src/node.ts';
import { HashingVectorizer, vectorizerFromJSON, vectorizerToJSON } from '../src/text/index.ts';

const RUNS = Number(process.env.TRUST_RUNS ?? 2000);
const CASE_MS = 3000;
/** The message of errors the generated getters throw themselves: the caller's own exception may pass through. */
const GETTER = 'getter of the test';

const WEIRD = [null, '', 'x', true, [], {}, -1, 0, 0.5, 1e9, 2 ** 31, 2 ** 40, 1e308, -1e308, NaN, Infinity, -Infinity, 1n, undefined];
const weird = fc.constantFrom(...WEIRD);

/** A value, or an object whose property is a getter that throws or changes on every read. */
function withGetters(o: Record<string, unknown>, key: string, kind: number): Record<string, unknown> {
  const out = { ...o };
  let reads = 0;
  const base = o[key];
  if (kind === 0) Object.defineProperty(out, key, { enumerable: true, get: () => { throw new Error(GETTER); } });
  else Object.defineProperty(out, key, { enumerable: true, get: () => (reads++ % 2 === 0 ? base : 1e9) });
  return out;
}

/** Mutates a JSON value: replaces a field (at some depth) by a weird value, deletes it, or truncates arrays. */
function mutate(v: unknown, path: number[], replacement: unknown, mode: number): unknown {
  if (v === null || typeof v !== 'object') return replacement;
  const keys = Object.keys(v);
  if (keys.length === 0) return v;
  const k = keys[path[0] % keys.length];
  const copy: Record<string, unknown> = Array.isArray(v) ? ([...v] as unknown as Record<string, unknown>) : { ...(v as Record<string, unknown>) };
  if (path.length <= 1) {
    if (mode === 0) delete copy[k];
    else if (mode === 1 && Array.isArray(copy[k])) copy[k] = (copy[k] as unknown[]).slice(0, (copy[k] as unknown[]).length >> 1);
    else copy[k] = replacement;
    return copy;
  }
  copy[k] = mutate(copy[k], path.slice(1), replacement, mode);
  return copy;
}

const TOKEN_PIECES = ['a', '\\w', '[a-z]', '.', '\\s', '\\d', '(', ')', '(?:', '|', '+', '*', '?', '{2,}', '{1,3}', '{1,99999}', '\\1', '(?=a)', '$', '^', '\\b', '[^!]', '!'];
const hostileSource = fc.array(fc.constantFrom(...TOKEN_PIECES), { minLength: 1, maxLength: 10 }).map((a) => a.join(''));
const textArb = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.constantFrom('a'.repeat(3000) + '!', 'ab '.repeat(1000), `${'x'.repeat(2000)} y`, '\u0000\uffff\ud800 z', ''),
);

type Case =
  | { kind: 'text'; options: Record<string, unknown>; texts: string[]; getter: number }
  | { kind: 'model'; which: number; path: number[]; value: unknown; mode: number; cut: number; getter: number }
  | { kind: 'vectorizer'; source: string; flags: string; idf: unknown; features: unknown; text: string }
  | { kind: 'state'; path: number[]; value: unknown; mode: number; cut: number }
  | { kind: 'png'; variant: number; width: number; height: number; cut: number; junk: number };

const caseArb: fc.Arbitrary<Case> = fc.oneof(
  fc.record({
    kind: fc.constant('text' as const),
    options: fc.dictionary(
      fc.constantFrom('analyzer', 'ngramRange', 'lowercase', 'stopWords', 'stop_words', 'features', 'seed', 'alternateSign', 'sublinearTf', 'tfidf', 'norm', 'ngram', 'tokenPattern', 'classes'),
      fc.oneof(weird, fc.constantFrom('word', 'char', 'char_wb', 'english', 'l2', [1, 2], [1, 1e9], [2, 1], [0, 3], [1, 32], 16, 1024, /[a-z]+/g, /[a-z]+/, ['the'])),
      { maxKeys: 4 },
    ),
    texts: fc.array(textArb, { minLength: 1, maxLength: 3 }),
    getter: fc.integer({ min: -1, max: 1 }),
  }),
  fc.record({
    kind: fc.constant('model' as const), which: fc.integer({ min: 0, max: 1 }),
    path: fc.array(fc.nat(), { minLength: 1, maxLength: 3 }), value: fc.oneof(weird, fc.constantFrom(1e6, 1e9, 2 ** 30, -5, [1e9], 'sequential', 'softmax')),
    mode: fc.integer({ min: 0, max: 3 }), cut: fc.integer({ min: -1, max: 400 }), getter: fc.integer({ min: -1, max: 1 }),
  }),
  fc.record({
    kind: fc.constant('vectorizer' as const), source: hostileSource, flags: fc.constantFrom('g', 'gu', 'gi', '', 'gy', 'gv', 'x'),
    idf: fc.oneof(fc.constant(undefined), weird, fc.constantFrom([1e308], [2, 2, 2, 2], [0.5, 1, 1, 1])), features: fc.oneof(fc.constant(4), weird), text: textArb,
  }),
  fc.record({
    kind: fc.constant('state' as const), path: fc.array(fc.nat(), { minLength: 1, maxLength: 3 }),
    value: fc.oneof(weird, fc.constantFrom([0, 0, 0, 0], 7, 1e9, [NaN])), mode: fc.integer({ min: 0, max: 3 }), cut: fc.integer({ min: -1, max: 3000 }),
  }),
  fc.record({
    kind: fc.constant('png' as const), variant: fc.integer({ min: 0, max: 8 }), width: fc.constantFrom(1, 8, 9, 20000, 65535, 0, 2 ** 31),
    height: fc.constantFrom(1, 8, 20000, 65535, 0), cut: fc.nat(), junk: fc.nat(),
  }),
);

function crc32(b: Uint8Array): number {
  let c = 0xffffffff;
  for (const x of b) {
    c ^= x;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  }
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Uint8Array): Buffer {
  const out = Buffer.alloc(12 + data.length);
  out.writeUInt32BE(data.length, 0);
  out.write(type, 4, 'latin1');
  Buffer.from(data).copy(out, 8);
  out.writeUInt32BE(crc32(out.subarray(4, 8 + data.length)), 8 + data.length);
  return out;
}

function headerPng(w: number, h: number, idat: Uint8Array): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(w >>> 0, 0);
  ihdr.writeUInt32BE(h >>> 0, 4);
  ihdr[8] = 8;
  ihdr[9] = 6;
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr), chunk('IDAT', idat), chunk('IEND', new Uint8Array(0))]);
}

async function main(): Promise<{ runs: number; accepted: number }> {
  await init({ backend: 'wasm-simd' });
  const tmp = mkdtempSync(join(tmpdir(), 'descent-trust-property-'));
  // Fixtures: a good model, network, vectorizer, state and PNG to damage.
  const good = softmax({ features: 4, classes: 3 });
  const modelText = JSON.stringify(good.toJSON());
  const net = sequential({ inputShape: [4], layers: [{ type: 'dense', units: 3 }, { type: 'relu' }, { type: 'dense', units: 3 }], loss: 'softmax' });
  const netText = JSON.stringify(net.toJSON());
  net.dispose();
  const fitted = new HashingVectorizer({ tfidf: true, features: 4 }).fit(['a b c', 'b c d']);
  const vecJSON = vectorizerToJSON({ tfidf: true, features: 4 }, fitted);
  const x: number[][] = [], y: number[] = [];
  for (let i = 0; i < 32; i++) {
    x.push([Math.sin(i), Math.cos(i), i % 5, i % 2]);
    y.push(i % 3);
  }
  const ds = Dataset.fromArrays(x, y);
  const opts = { optimizer: { name: 'adam' as const, lr: 0.05 }, batch: 8, epochs: 3, seed: 1 };
  const t0 = new Trainer(good, ds, opts);
  t0.step(5);
  const stateText = JSON.stringify(t0.save());
  t0.dispose();
  const p = new PNG({ width: 8, height: 8 });
  p.data.fill(200);
  const goodPng = PNG.sync.write(p);
  const pngRoot = join(tmp, 'png');
  for (const c of ['a', 'b']) {
    mkdirSync(join(pngRoot, c), { recursive: true });
    writeFileSync(join(pngRoot, c, 'good.png'), goodPng);
  }
  let canFifo = true;
  let accepted = 0, runs = 0;

  const run = (c: Case): void => {
    switch (c.kind) {
      case 'text': {
        let o = c.options;
        const keys = Object.keys(o);
        if (c.getter >= 0 && keys.length > 0) o = withGetters(o, keys[0], c.getter);
        const v = new HashingVectorizer(o as never);
        v.transform(c.texts);
        const d = Dataset.fromText(c.texts.map((t) => t || 'x'), c.texts.map((_, i) => i % 2), o as never);
        d.dispose();
        return;
      }
      case 'model': {
        const text = c.which === 0 ? modelText : netText;
        let input: unknown;
        if (c.cut >= 0 && c.cut < text.length) input = text.slice(0, c.cut);
        else {
          input = mutate(JSON.parse(text), c.path, c.value, c.mode);
          if (c.getter >= 0 && input && typeof input === 'object') input = withGetters(input as Record<string, unknown>, Object.keys(input)[0] ?? 'format', c.getter);
        }
        const m = c.which === 0 ? Model.fromJSON(input as never) : Network.fromJSON(input as never);
        m.dispose();
        return;
      }
      case 'vectorizer': {
        const j = { ...vecJSON, tokenPattern: { source: c.source, flags: c.flags }, tfidf: c.idf !== undefined, features: c.features, idf: c.idf as never };
        if (c.idf === undefined) delete (j as { idf?: unknown }).idf;
        const v = vectorizerFromJSON(j);
        v.transform([c.text || 'x']);
        return;
      }
      case 'state': {
        // No loader reads a state's text (the caller parses it): damaged states are mutated objects.
        const resume = mutate(JSON.parse(stateText), c.path, c.value, c.cut % 2 === 0 ? 1 : c.mode) as TrainState;
        const m = Model.fromJSON(JSON.parse(stateText).model);
        try {
          const t = new Trainer(m, ds, { ...opts, resume });
          t.step(2);
          t.dispose();
        } finally {
          m.dispose();
        }
        return;
      }
      case 'png': {
        const file = join(pngRoot, 'b', 'case.png');
        rmSync(file, { recursive: true, force: true });
        const junk = Buffer.from(Array.from({ length: 64 + (c.junk % 200) }, (_, i) => (i * 131 + c.junk) & 255));
        switch (c.variant) {
          case 0: writeFileSync(file, goodPng.subarray(0, c.cut % goodPng.length)); break;
          case 1: writeFileSync(file, headerPng(c.width, c.height, deflateSync(Buffer.alloc(c.cut % 300)))); break;
          case 2: writeFileSync(file, headerPng(8, 8, junk)); break;
          case 3: { const b = Buffer.from(goodPng); b[c.cut % b.length] ^= 1 + (c.junk % 255); writeFileSync(file, b); break; }
          case 4: mkdirSync(file); break;
          case 5: symlinkSync('/dev/zero', file); break;
          case 6:
            if (canFifo) {
              try {
                execFileSync('mkfifo', [file]);
              } catch {
                canFifo = false;
                writeFileSync(file, junk);
              }
            } else writeFileSync(file, junk);
            break;
          case 7: symlinkSync(join(pngRoot, 'nowhere.png'), file); break;
          default: writeFileSync(file, headerPng(c.width, c.height, deflateSync(Buffer.alloc(Math.min(2 ** 16, (c.width >>> 0) * 5 + 1))))); break;
        }
        const d = Dataset.fromImageFolder(pngRoot);
        d.dispose();
        return;
      }
    }
  };

  fc.assert(fc.property(caseArb, (c) => {
    runs++;
    const t = performance.now();
    try {
      run(c);
      accepted++;
    } catch (e) {
      const ok = e instanceof DescentError || (e instanceof Error && e.message === GETTER);
      if (!ok) throw new Error(`untyped ${(e as Error)?.name}: ${String((e as Error)?.message ?? e).slice(0, 300)}\n${String((e as Error)?.stack).split('\n').slice(1, 6).join('\n')}`);
    }
    const ms = performance.now() - t;
    if (ms > CASE_MS) throw new Error(`a ${c.kind} case took ${ms.toFixed(0)} ms`);
  }), { numRuns: RUNS, seed: 27, endOnFailure: true });
  ds.dispose();
  good.dispose();
  rmSync(tmp, { recursive: true, force: true });
  return { runs, accepted };
}

main().then((r) => parentPort?.postMessage({ ok: true, ...r }), (e: unknown) => parentPort?.postMessage({ ok: false, message: String((e as Error)?.message ?? e).slice(0, 4000) }));
