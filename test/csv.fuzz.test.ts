// CSV reading under fire: thousands of generated inputs, malformed on purpose. Every input must end as
// a typed error (DataError, ShapeError, or HyperParameterError for an option the input makes
// impossible) or as a correct table: never another exception, never a hang, never a NaN in the data.
// Seeds are fixed so a failure reproduces; fast-check prints the shrunk counterexample.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import { init, Dataset, DataError, ShapeError, HyperParameterError, type CSVOptions } from '../src/node.js';
import { parseCSV } from '../src/data/csv/read.js';
import { formatCSV } from '../src/data/csv/format.js';
import type { CSVTable } from '../src/data/csv/options.js';
import { f32Text } from '../src/data/csv/format.js';

const TYPED = [DataError, ShapeError, HyperParameterError];

/** Pieces CSV goes wrong with: numbers of every shape, markers of missing values, quotes, separators, junk. */
const NUMBERS = ['0', '1', '-2', '3.5', '.5', '5.', '1e3', '-1e-3', '+7', '12', '0.25'];
const ODD_NUMBERS = ['1e999', '-1e39', '1e39', '3.4028236e38', '1e-50', '0x1F', '1_000', 'Infinity', '-Infinity'];
const MISSING = ['NaN', 'nan', 'NA', 'N/A', '?', 'null', ''];
const WORDS = ['abc', 'setosa', 'virginica', 'yes', 'é', '\u00a0', '\u0000'];
const SEPARATORS = [',', ';', '\t', '\n', '\r\n', '\r', ' ', '  '];
const QUOTES = ['"', '""', '"a,b"', '"1"', "'", '#', '\ufeff'];
const TOKENS = [...NUMBERS, ...ODD_NUMBERS, ...MISSING, ...WORDS, ...SEPARATORS, ...QUOTES];

// Weighted towards numbers and separators, so that a fair share of inputs parse and the checks on
// returned tables are exercised too, not only the error paths.
const token = fc.oneof(
  { arbitrary: fc.constantFrom(...NUMBERS), weight: 8 },
  { arbitrary: fc.constantFrom(',', ',', '\n'), weight: 6 },
  { arbitrary: fc.constantFrom(...ODD_NUMBERS, ...MISSING, ...WORDS), weight: 2 },
  { arbitrary: fc.constantFrom(...SEPARATORS, ...QUOTES), weight: 1 },
);
const inputs = fc.array(token, { maxLength: 60 }).map((t) => t.join(''));
const cell = fc.oneof(
  { arbitrary: fc.constantFrom(...NUMBERS), weight: 30 },
  { arbitrary: fc.constantFrom(...ODD_NUMBERS, ...MISSING, ...WORDS, ' ', '"', '""', '"1"', "'", '\ufeff'), weight: 1 },
);
// Grids of one width (a header of names first), with the odd bad cell and the odd short or long row.
const mostlyCSV = fc.integer({ min: 1, max: 5 }).chain((w) => fc.tuple(
  fc.array(fc.oneof(
    { arbitrary: fc.array(cell, { minLength: w, maxLength: w }), weight: 20 },
    { arbitrary: fc.array(cell, { minLength: 0, maxLength: w + 2 }), weight: 1 },
  ), { minLength: 1, maxLength: 8 }),
  fc.constantFrom(',', ';'),
  fc.boolean(),
).map(([rows, sep, named]) => [
  ...(named ? [Array.from({ length: w }, (_, i) => (i === w - 1 ? 'y' : String.fromCharCode(97 + i))).join(sep)] : []),
  ...rows.map((r) => r.join(sep)),
].join('\n')));

// Mostly defaults (as most callers pass), sometimes an option that does not fit the text.
const maybe = <T>(a: fc.Arbitrary<T>) => fc.option(a, { nil: undefined, freq: 4 });
const options: fc.Arbitrary<CSVOptions> = fc.record({
  target: maybe(fc.oneof(fc.integer({ min: -4, max: 6 }), fc.constantFrom('y', 'a', '1', 'nope'))),
  header: maybe(fc.boolean()),
  delimiter: maybe(fc.constantFrom(',', ';', '\t', '"', '')),
  labels: maybe(fc.constantFrom('auto', 'none', 'integer')),
  missing: maybe(fc.constantFrom('error', 'drop', 'mean')),
  comment: maybe(fc.constantFrom('#', ',')),
}).map((o) => {
  // Absent keys, not keys set to undefined: that is how callers write options.
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(o)) if (v !== undefined) out[k] = v;
  return out as CSVOptions;
});

/** The invariants of a table parseCSV returns. */
function checkTable(t: CSVTable): void {
  assert.ok(t.rows >= 1 && t.features >= 1, 'at least one row and one feature');
  assert.is(t.x.length, t.rows * t.features);
  assert.is(t.y.length, t.rows);
  assert.is(t.featureNames.length, t.features);
  for (let i = 0; i < t.x.length; i++) if (!Number.isFinite(t.x[i])) assert.unreachable(`x[${i}] = ${t.x[i]}`);
  for (let i = 0; i < t.y.length; i++) {
    if (!Number.isFinite(t.y[i])) assert.unreachable(`y[${i}] = ${t.y[i]}`);
    if (t.classes && !(Number.isInteger(t.y[i]) && t.y[i] >= 0 && t.y[i] < t.classes.length)) assert.unreachable(`label ${t.y[i]} outside the ${t.classes.length} classes`);
  }
}

/** Runs one input: a typed error or a valid table, within a time bound. */
function attempt(text: string, o: CSVOptions): 'ok' | 'error' {
  const t0 = performance.now();
  try {
    checkTable(parseCSV(text, o));
    return 'ok';
  } catch (e) {
    if (e instanceof assert.Assertion) throw e;
    if (!TYPED.some((T) => e instanceof T)) throw new Error(`untyped ${(e as Error)?.constructor?.name}: ${(e as Error)?.message} for ${JSON.stringify(text)} ${JSON.stringify(o)}`);
    assert.ok((e as Error).message.length > 0 && !(e as Error).message.includes('undefined'), `a readable message: ${(e as Error).message}`);
    return 'error';
  } finally {
    assert.ok(performance.now() - t0 < 1000, 'no case takes a second');
  }
}

test('random token soup: a typed error or a valid table, never a crash or a NaN', () => {
  const seen = { ok: 0, error: 0 };
  fc.assert(fc.property(inputs, options, (text, o) => { seen[attempt(text, o)]++; }), { numRuns: 2500, seed: 20260101 });
  // Soup is nearly always malformed (tokens run together into odd numbers and ragged rows): this test
  // is about the error paths; the grids below exercise the tables that come back.
  assert.ok(seen.error > 1500, `the error paths are exercised: ${JSON.stringify(seen)}`);
});

test('near-CSV grids (rows of cells, some bad): a typed error or a valid table', () => {
  const seen = { ok: 0, error: 0 };
  fc.assert(fc.property(mostlyCSV, options, (text, o) => { seen[attempt(text, o)]++; }), { numRuns: 2500, seed: 7 });
  assert.ok(seen.ok > 100 && seen.error > 100, `both outcomes are exercised: ${JSON.stringify(seen)}`);
});

const finite32 = fc.float({ noNaN: true, noDefaultInfinity: true });
const grids = fc.integer({ min: 1, max: 5 }).chain((w) => fc.array(fc.array(finite32, { minLength: w + 1, maxLength: w + 1 }), { minLength: 1, maxLength: 12 }));

test('well-formed numeric tables read back exactly (float32 round trip)', () => {
  fc.assert(fc.property(grids, (g) => {
    const d = g[0].length - 1;
    const x = Float32Array.from(g.flatMap((r) => r.slice(0, d)));
    const y = Float32Array.from(g.map((r) => r[d]));
    const t = parseCSV(formatCSV(x, y, d));
    checkTable(t);
    for (let i = 0; i < x.length; i++) if (t.x[i] !== x[i]) assert.unreachable(`x[${i}]: ${t.x[i]} vs ${x[i]}`);
    for (let i = 0; i < y.length; i++) if (t.y[i] !== y[i]) assert.unreachable(`y[${i}]: ${t.y[i]} vs ${y[i]}`);
  }), { numRuns: 1000, seed: 3 });
});

test('one bad cell in a good table: a DataError naming its line and column', () => {
  const bad = fc.constantFrom('abc', '1e999', '0x10', 'Infinity', '1,5', '', 'NA', '"unclosed');
  fc.assert(fc.property(grids, fc.nat(), fc.nat(), bad, (g, rr, cc, cell) => {
    const w = g[0].length;
    const r = rr % g.length, c = cc % w;
    const lines = ['h' + Array.from({ length: w }, (_, i) => i).join(',h'), ...g.map((row) => row.map(f32Text).join(','))];
    const cells = lines[r + 1].split(',');
    cells[c] = cell;
    lines[r + 1] = cells.join(',');
    const text = lines.join('\n') + '\n';
    try {
      // labels: 'none', so that text in the target column is an error too (not class names).
      parseCSV(text, { labels: 'none' });
    } catch (e) {
      assert.instance(e, DataError, String(e));
      const err = e as DataError;
      if (cell === '"unclosed') {
        assert.match(err.message, /malformed CSV/);
        return;
      }
      assert.is(err.line, r + 2, err.message);
      if (cell === '1,5') assert.match(err.message, new RegExp(`line ${r + 2} has ${w + 1} cells`));
      else {
        assert.match(err.message, new RegExp(`line ${r + 2}, column ${c + 1} \\(h${c}\\)`));
        assert.is(err.column, c === w - 1 ? w - 1 : c, 'column (the target reports the feature count)');
      }
      return;
    }
    assert.unreachable(`no error for ${JSON.stringify(cell)} at line ${r + 2}, column ${c + 1}`);
  }), { numRuns: 1000, seed: 11 });
});

test('Dataset.fromCSV on fuzzed text: typed errors, finite data, nothing left allocated on failure', async () => {
  await init({ backend: 'wasm-simd' });
  fc.assert(fc.property(mostlyCSV, options, (text, o) => {
    let ds: Dataset | undefined;
    try {
      ds = Dataset.fromCSV(text + '\n', o);
      const x = ds.x, y = ds.y;
      assert.ok(x.every(Number.isFinite) && y.every(Number.isFinite));
    } catch (e) {
      if (e instanceof assert.Assertion) throw e;
      assert.ok(TYPED.some((T) => e instanceof T), `untyped: ${e}`);
    } finally {
      ds?.dispose();
    }
  }), { numRuns: 500, seed: 5 });
});

test.run();
