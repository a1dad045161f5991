// The safetensors decoder against broken files: cut at every byte of the header and of the data, header
// fields replaced one by one (offsets out of range, overlapping or leaving gaps, unknown dtypes, shapes that do
// not match the byte count, non-JSON, wrong types), and random byte flips. Each is a DataError (naming the
// tensor where one is at fault) — never another exception — and building a network from one allocates nothing.
// The layer spec in __metadata__ fuzzed the same way: typed errors, nothing allocated. Decoding of F16 and BF16
// is checked against bit patterns whose values are known exactly.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import { init, sequential, DataError, DescentError } from '../src/index.js';
import { backend } from '../src/runtime/index.js';
import { decodeSafetensors, encodeSafetensors } from '../src/interchange/safetensors.js';
import { networkFromSafetensors, toSafetensors } from '../src/interchange/torch-state.js';

const GOOD = encodeSafetensors({
  a: { data: [1, -2.5, 3, 4e-3, 5, 6], shape: [2, 3] },
  b: { data: [7, 8], shape: [2], dtype: 'F64' },
  n: { data: [42], shape: [], dtype: 'I64' },
}, { format: 'pt', note: 'x' });

const headerLength = (bytes: Uint8Array): number => Number(new DataView(bytes.buffer, bytes.byteOffset).getBigUint64(0, true));

/** A file with the given header object (JSON, padded) and `data` bytes after it. */
function withHeader(header: unknown, data: Uint8Array | number): Uint8Array {
  const json = new TextEncoder().encode(typeof header === 'string' ? header : JSON.stringify(header));
  const body = typeof data === 'number' ? new Uint8Array(data) : data;
  const out = new Uint8Array(8 + json.length + body.length);
  new DataView(out.buffer).setBigUint64(0, BigInt(json.length), true);
  out.set(json, 8);
  out.set(body, 8 + json.length);
  return out;
}

const isDataError = (re?: RegExp) => (e: unknown): boolean => e instanceof DataError && (!re || re.test((e as Error).message));

test('a good file decodes: F32 exact, F64 and I64 as f32, metadata strings', () => {
  const d = decodeSafetensors(GOOD);
  assert.equal(Array.from(d.tensors.get('a')!.data), Array.from(Float32Array.from([1, -2.5, 3, 4e-3, 5, 6])));
  assert.equal(d.tensors.get('a')!.shape, [2, 3]);
  assert.equal(Array.from(d.tensors.get('b')!.data), [7, 8]);
  assert.equal(Array.from(d.tensors.get('n')!.data), [42]);
  assert.equal(d.tensors.get('n')!.shape, []);
  assert.equal(d.metadata, { format: 'pt', note: 'x' });
  assert.is(headerLength(GOOD) % 8, 0, 'the header is padded to 8 bytes');
});

test('F16 and BF16 bit patterns read as their exact values', () => {
  const f16: [number, number][] = [[0x3c00, 1], [0xc000, -2], [0x7bff, 65504], [0x0001, 2 ** -24], [0x03ff, 1023 * 2 ** -24], [0x3555, 0.333251953125], [0x7c00, Infinity], [0xfc00, -Infinity], [0x8000, -0]];
  const bf16: [number, number][] = [[0x3f80, 1], [0xc040, -3], [0x3eaa, 0.33203125], [0x7f7f, 3.3895313892515355e38], [0x0001, 9.183549615799121e-41]];
  for (const [dtype, table] of [['F16', f16], ['BF16', bf16]] as const) {
    const data = new Uint8Array(2 * table.length);
    table.forEach(([bits], i) => new DataView(data.buffer).setUint16(2 * i, bits, true));
    const d = decodeSafetensors(withHeader({ t: { dtype, shape: [table.length], data_offsets: [0, data.length] } }, data));
    assert.equal(Array.from(d.tensors.get('t')!.data), table.map(([, v]) => v), dtype);
    if (dtype === 'F16') assert.ok(Object.is(d.tensors.get('t')!.data[8], -0), 'the sign of zero');
  }
});

test('cut at every byte: a DataError, never another exception', () => {
  for (let n = 0; n < GOOD.length; n++) {
    assert.throws(() => decodeSafetensors(GOOD.slice(0, n)), isDataError(), `cut at ${n} of ${GOOD.length}`);
  }
  assert.throws(() => decodeSafetensors(new Uint8Array([...GOOD, 0])), isDataError(/cover 48 bytes but the file holds 49/));
});

test('every header field checked, the tensor named', () => {
  const t = (over: Record<string, unknown>): Record<string, unknown> => ({ x: { dtype: 'F32', shape: [2], data_offsets: [0, 8], ...over } });
  const cases: [string, unknown, number, RegExp][] = [
    ['offsets past the data', t({ data_offsets: [0, 12] }), 8, /"x": data_offsets \[0, 12\] run past the 8 bytes/],
    ['offsets reversed', t({ data_offsets: [8, 0] }), 8, /"x": data_offsets \[8, 0\] end before/],
    ['negative offset', t({ data_offsets: [-1, 7] }), 8, /"x": data_offsets must be/],
    ['fractional offset', t({ data_offsets: [0, 7.5] }), 8, /"x": data_offsets must be/],
    ['three offsets', t({ data_offsets: [0, 4, 8] }), 8, /"x": data_offsets must be/],
    ['offsets as strings', t({ data_offsets: ['0', '8'] }), 8, /"x": data_offsets must be/],
    ['a gap before', t({ data_offsets: [4, 12] }), 12, /"x" begins at 4, leaving a gap/],
    ['bytes left after', t({}), 12, /cover 8 bytes but the file holds 12/],
    ['unknown dtype', t({ dtype: 'F31' }), 8, /"x": unknown dtype "F31"/],
    ['dtype lower case', t({ dtype: 'f32' }), 8, /"x": unknown dtype "f32"/],
    ['dtype missing', { x: { shape: [2], data_offsets: [0, 8] } }, 8, /"x": unknown dtype undefined/],
    ['8-bit floats', t({ dtype: 'F8_E4M3', shape: [8] }), 8, /"x" has dtype F8_E4M3, which descent cannot read/],
    ['shape too big', t({ shape: [3] }), 8, /"x": shape \[3\] of F32 takes 12 bytes, but data_offsets \[0, 8\] hold 8/],
    ['shape for another dtype', t({ dtype: 'F16' }), 8, /"x": shape \[2\] of F16 takes 4 bytes/],
    ['negative dim', t({ shape: [-2] }), 8, /"x": shape must be/],
    ['shape not an array', t({ shape: 2 }), 8, /"x": shape must be/],
    ['extra field', t({ extra: 1 }), 8, /"x" has an unknown field "extra"/],
    ['tensor not an object', { x: [1, 2] }, 0, /"x" must be \{ dtype, shape, data_offsets \}/],
    ['metadata not strings', { __metadata__: { a: 1 } }, 0, /__metadata__ "a" must be a string/],
    ['metadata an array', { __metadata__: ['a'] }, 0, /__metadata__ must be an object/],
    ['header an array', [], 0, /must be a JSON object/],
    ['header not JSON', '{"x": {', 0, /not valid JSON/],
  ];
  for (const [what, header, data, re] of cases) assert.throws(() => decodeSafetensors(withHeader(header, data)), isDataError(re), what);
  const two = { a: { dtype: 'F32', shape: [2], data_offsets: [0, 8] }, b: { dtype: 'F32', shape: [2], data_offsets: [4, 12] } };
  assert.throws(() => decodeSafetensors(withHeader(two, 12)), isDataError(/"b" \(data_offsets \[4, 12\]\) overlaps/), 'overlap');
  const huge = new Uint8Array(16);
  new DataView(huge.buffer).setBigUint64(0, 2n ** 63n, true);
  assert.throws(() => decodeSafetensors(huge), isDataError(/header length 9223372036854775808 runs past/));
  const bad = withHeader('{}', 0);
  bad[8] = 0xff;
  assert.throws(() => decodeSafetensors(bad), isDataError(/not valid UTF-8/));
  assert.throws(() => decodeSafetensors('abc' as never), isDataError(/expected the file's bytes/));
  assert.equal(decodeSafetensors(withHeader({ e: { dtype: 'F32', shape: [0, 3], data_offsets: [0, 0] } }, 0)).tensors.get('e')!.shape, [0, 3], 'an empty tensor is fine');
});

test('random byte flips in the header and random cuts: a DataError or a good decode, and no allocation', async () => {
  await init({ backend: 'wasm-simd' });
  const be = backend();
  const live = be.liveBytes();
  const n = headerLength(GOOD);
  fc.assert(fc.property(fc.array(fc.tuple(fc.integer({ min: 0, max: 8 + n - 1 }), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 4 }), (flips) => {
    const bytes = GOOD.slice();
    for (const [at, v] of flips) bytes[at] = v;
    try {
      decodeSafetensors(bytes);
    } catch (e) {
      if (!(e instanceof DataError)) throw e;
    }
    try {
      networkFromSafetensors(bytes).dispose();
    } catch (e) {
      if (!(e instanceof DataError)) throw e;
    }
  }), { numRuns: 2000, seed: 11 });
  assert.is(be.liveBytes(), live, 'nothing allocated');
});

test('the spec in __metadata__ fuzzed (characters changed, dropped, numbers replaced): typed errors, nothing allocated', async () => {
  await init({ backend: 'wasm-simd' });
  const net = sequential({ inputShape: [1, 6, 6], loss: 'softmax', layers: [
    { type: 'conv2d', filters: 2, kernel: 3 }, { type: 'batchNorm' }, { type: 'relu' }, { type: 'flatten' }, { type: 'dense', units: 3 }] });
  const good = decodeSafetensors(toSafetensors(net));
  net.dispose();
  const spec = good.metadata.descent;
  const be = backend();
  const live = be.liveBytes();
  let built = 0;
  const edit = fc.oneof(
    fc.tuple(fc.constant('set'), fc.nat(spec.length - 1), fc.constantFrom('0', '9', '-', '"', '[', ']', '{', '}', ',', 'x', '.', 'e')),
    fc.tuple(fc.constant('drop'), fc.nat(spec.length - 1), fc.constant('')),
    fc.tuple(fc.constant('number'), fc.nat(spec.length - 1), fc.constantFrom('0', '-1', '1e9', '2.5', 'null', '"3"', '[]', '1e400')),
  );
  fc.assert(fc.property(fc.array(edit, { minLength: 1, maxLength: 3 }), (edits) => {
    let text = spec;
    for (const [kind, at, v] of edits) {
      if (kind === 'number') {
        const m = /\d+(\.\d+)?/g;
        m.lastIndex = at;
        const hit = m.exec(text);
        if (hit) text = text.slice(0, hit.index) + v + text.slice(hit.index + hit[0].length);
      } else {
        text = text.slice(0, at) + v + text.slice(at + 1);
      }
    }
    try {
      networkFromSafetensors(encodeSafetensors(good.tensors as never, { descent: text })).dispose();
      built++;
    } catch (e) {
      if (!(e instanceof DescentError)) throw e;
    }
  }), { numRuns: 1500, seed: 5 });
  assert.is(be.liveBytes(), live, 'nothing allocated');
  assert.ok(built < 1500, 'most edits are refused');
});

test.run();
