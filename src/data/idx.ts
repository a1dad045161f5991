// The IDX file format of MNIST and Fashion-MNIST (LeCun's "idx3-ubyte"), decoded with every header field
// checked. Browser-safe: no fs, no zlib (gzipped files are gunzipped by the Node reader, data/mnist-full.ts).
//
// Layout, all integers big-endian:
//   bytes 0–1   zero
//   byte  2     element type: 0x08 u8, 0x09 i8, 0x0B i16, 0x0C i32, 0x0D f32, 0x0E f64
//   byte  3     number of dimensions (≥ 1)
//   then one u32 per dimension, then the elements, row-major: exactly the product of the dimensions.
import { DataError } from '../errors.js';

/** An IDX element type. */
export type IdxType = 'u8' | 'i8' | 'i16' | 'i32' | 'f32' | 'f64';

/** A decoded IDX array: its element type, its dimensions, and the elements row-major in native byte order. */
export interface IdxArray {
  type: IdxType;
  dims: number[];
  data: Uint8Array | Int8Array | Int16Array | Int32Array | Float32Array | Float64Array;
}

const TYPES: Readonly<Record<number, { type: IdxType; size: number }>> = {
  0x08: { type: 'u8', size: 1 }, 0x09: { type: 'i8', size: 1 }, 0x0b: { type: 'i16', size: 2 },
  0x0c: { type: 'i32', size: 4 }, 0x0d: { type: 'f32', size: 4 }, 0x0e: { type: 'f64', size: 8 },
};

/** The most elements an IDX array may hold here: a typed array's length limit on 32-bit engines, far above any dataset. */
const MAX_ELEMENTS = 2 ** 31 - 1;

const hex = (b: number) => '0x' + b.toString(16).padStart(2, '0');

/**
 * Decodes uncompressed IDX bytes. A wrong magic, an unknown element type, zero dimensions, a zero dimension,
 * a header or data shorter or longer than the header announces: a DataError naming `source`, before anything
 * is allocated.
 */
export function decodeIdx(bytes: Uint8Array, source = 'IDX file'): IdxArray {
  if (!(bytes instanceof Uint8Array)) throw new DataError(`${source}: expected a Uint8Array of IDX bytes`);
  if (bytes.length < 4) throw new DataError(`${source}: ${bytes.length} bytes, shorter than the 4-byte IDX magic (truncated?)`);
  if (bytes[0] !== 0 || bytes[1] !== 0) {
    throw new DataError(`${source}: not an IDX file: it starts ${hex(bytes[0])} ${hex(bytes[1])}, expected 0x00 0x00` +
      (bytes[0] === 0x1f && bytes[1] === 0x8b ? ' (gzip-compressed: gunzip it first, or read it with readIdx)' : ''));
  }
  const t = TYPES[bytes[2]];
  if (!t) throw new DataError(`${source}: unknown IDX element type ${hex(bytes[2])}; expected 0x08, 0x09, 0x0b, 0x0c, 0x0d or 0x0e`);
  const n = bytes[3];
  if (n < 1) throw new DataError(`${source}: the IDX header says 0 dimensions; an array has at least one`);
  const header = 4 + 4 * n;
  if (bytes.length < header) {
    throw new DataError(`${source}: ${bytes.length} bytes, shorter than the ${header}-byte header of ${n} dimensions (truncated)`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const dims: number[] = [];
  let count = 1;
  for (let k = 0; k < n; k++) {
    const d = view.getUint32(4 + 4 * k, false);
    if (d < 1) throw new DataError(`${source}: dimension ${k} of ${n} is 0 in the IDX header`);
    dims.push(d);
    count *= d;
    if (count > MAX_ELEMENTS) throw new DataError(`${source}: the IDX header's dimensions ${dims.join('×')}… exceed ${MAX_ELEMENTS} elements`);
  }
  const expected = header + count * t.size;
  if (bytes.length !== expected) {
    const why = bytes.length < expected ? `truncated after ${Math.floor((bytes.length - header) / t.size)} of ${count} elements` : 'trailing bytes';
    throw new DataError(`${source}: ${bytes.length} bytes, expected ${expected} for a ${t.type} array of ${dims.join('×')} (${why})`);
  }
  return { type: t.type, dims, data: elements(t.type, bytes, view, header, count) };
}

/** The elements in native byte order (u8 and i8 as views of the bytes, no copy). */
function elements(type: IdxType, bytes: Uint8Array, view: DataView, at: number, count: number): IdxArray['data'] {
  switch (type) {
    case 'u8': return bytes.subarray(at, at + count);
    case 'i8': return new Int8Array(bytes.buffer, bytes.byteOffset + at, count);
    case 'i16': { const a = new Int16Array(count); for (let i = 0; i < count; i++) a[i] = view.getInt16(at + 2 * i, false); return a; }
    case 'i32': { const a = new Int32Array(count); for (let i = 0; i < count; i++) a[i] = view.getInt32(at + 4 * i, false); return a; }
    case 'f32': { const a = new Float32Array(count); for (let i = 0; i < count; i++) a[i] = view.getFloat32(at + 4 * i, false); return a; }
    case 'f64': { const a = new Float64Array(count); for (let i = 0; i < count; i++) a[i] = view.getFloat64(at + 8 * i, false); return a; }
  }
}

/**
 * Encodes an array as IDX bytes (big-endian), the inverse of {@link decodeIdx}: for tests and for writing
 * data other tools read.
 */
export function encodeIdx(a: IdxArray): Uint8Array {
  const code = Number(Object.keys(TYPES).find((k) => TYPES[Number(k)].type === a.type));
  const size = TYPES[code].size;
  const count = a.dims.reduce((p, d) => p * d, 1);
  if (a.data.length !== count) throw new DataError(`encodeIdx: ${a.data.length} elements for dimensions ${a.dims.join('×')}`);
  const header = 4 + 4 * a.dims.length;
  const out = new Uint8Array(header + count * size);
  const view = new DataView(out.buffer);
  out[2] = code;
  out[3] = a.dims.length;
  a.dims.forEach((d, k) => view.setUint32(4 + 4 * k, d, false));
  for (let i = 0; i < count; i++) {
    const v = a.data[i], at = header + i * size;
    switch (a.type) {
      case 'u8': out[at] = v; break;
      case 'i8': view.setInt8(at, v); break;
      case 'i16': view.setInt16(at, v, false); break;
      case 'i32': view.setInt32(at, v, false); break;
      case 'f32': view.setFloat32(at, v, false); break;
      case 'f64': view.setFloat64(at, v, false); break;
    }
  }
  return out;
}
