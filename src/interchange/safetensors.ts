// The safetensors file format (https://github.com/huggingface/safetensors), pure and browser-safe: an
// 8-byte little-endian header length N, N bytes of JSON — for every tensor its dtype, shape and
// data_offsets [begin, end) into the data that follows, plus an optional `__metadata__` map of strings —
// then the raw little-endian tensor bytes. The decoder trusts nothing: every header field is checked and a
// bad one is a DataError naming the tensor, before any tensor is read.
import { DataError } from '../errors.js';
import { show } from '../validate.js';

/** Element types of the format, with their sizes in bytes. */
export const SAFETENSORS_DTYPES = {
  BOOL: 1, U8: 1, I8: 1, F8_E4M3: 1, F8_E5M2: 1, I16: 2, U16: 2, F16: 2, BF16: 2, I32: 4, U32: 4, F32: 4, I64: 8, U64: 8, F64: 8,
} as const;

/** A dtype of the format. */
export type SafetensorsDtype = keyof typeof SAFETENSORS_DTYPES;

/** Dtypes the decoder converts to f32 values (the 8-bit floats are known but refused). */
const READABLE = new Set<string>(['BOOL', 'U8', 'I8', 'I16', 'U16', 'F16', 'BF16', 'I32', 'U32', 'F32', 'I64', 'U64', 'F64']);

/** Dtypes the encoder writes. */
export type WritableDtype = 'F32' | 'F64' | 'I64';

/** A decoded tensor: its dtype in the file, its shape and its values as f32 (F32 exact; others rounded to f32). */
export interface SafeTensor {
  dtype: SafetensorsDtype;
  shape: number[];
  data: Float32Array;
}

/** A tensor to encode: values, shape (its product must be the number of values) and dtype (default F32). */
export interface TensorToWrite {
  data: ArrayLike<number>;
  shape: readonly number[];
  dtype?: WritableDtype;
}

/** A decoded file: tensors in the header's order and the `__metadata__` strings ({} when absent). */
export interface DecodedSafetensors {
  tensors: Map<string, SafeTensor>;
  metadata: Record<string, string>;
}

/** The largest header the reader accepts (the reference implementation's limit: 100 MB). */
export const MAX_HEADER_BYTES = 100_000_000;

/** True on little-endian hosts (every engine in practice): F32 data is then copied, not read value by value. */
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);
const product = (shape: readonly number[]): number => shape.reduce((a, b) => a * b, 1);

/**
 * Encodes tensors (written in the order given) and string metadata as a safetensors file. The header is
 * padded with spaces to a multiple of 8 bytes, as the reference writer does, so the data stays aligned.
 */
export function encodeSafetensors(tensors: Record<string, TensorToWrite> | Map<string, TensorToWrite>, metadata: Record<string, string> = {}): Uint8Array {
  const entries = tensors instanceof Map ? [...tensors] : Object.entries(tensors);
  const header: Record<string, unknown> = {};
  if (!isObject(metadata)) throw new DataError(`safetensors metadata must be an object of strings, got ${show(metadata)}`);
  for (const [k, v] of Object.entries(metadata)) {
    if (typeof v !== 'string') throw new DataError(`safetensors metadata "${k}" must be a string, got ${show(v)}`);
  }
  if (Object.keys(metadata).length > 0) header.__metadata__ = { ...metadata };
  let offset = 0;
  for (const [name, t] of entries) {
    if (name === '__metadata__') throw new DataError('a tensor cannot be named "__metadata__"');
    const dtype = t.dtype ?? 'F32';
    if (dtype !== 'F32' && dtype !== 'F64' && dtype !== 'I64') throw new DataError(`tensor "${name}": cannot write dtype ${show(dtype)} (F32, F64 or I64)`);
    if (!Array.isArray(t.shape) || !t.shape.every((d) => Number.isInteger(d) && d >= 0)) throw new DataError(`tensor "${name}": shape must be an array of integers ≥ 0, got ${show(t.shape)}`);
    if (product(t.shape) !== t.data.length) throw new DataError(`tensor "${name}": shape [${t.shape.join(', ')}] holds ${product(t.shape)} values, got ${t.data.length}`);
    const bytes = t.data.length * SAFETENSORS_DTYPES[dtype];
    header[name] = { dtype, shape: [...t.shape], data_offsets: [offset, offset + bytes] };
    offset += bytes;
  }
  let json = new TextEncoder().encode(JSON.stringify(header));
  const padded = Math.ceil(json.length / 8) * 8;
  const out = new Uint8Array(8 + padded + offset);
  const view = new DataView(out.buffer);
  view.setBigUint64(0, BigInt(padded), true);
  out.set(json, 8);
  out.fill(0x20, 8 + json.length, 8 + padded);
  json = new Uint8Array(0);
  const base = 8 + padded;
  for (const [name, t] of entries) {
    const at = base + (header[name] as { data_offsets: number[] }).data_offsets[0];
    const dtype = t.dtype ?? 'F32';
    if (dtype === 'F32' && LITTLE_ENDIAN) {
      out.set(new Uint8Array(Float32Array.from(t.data).buffer), at);
      continue;
    }
    for (let i = 0; i < t.data.length; i++) {
      const v = t.data[i];
      if (dtype === 'F32') view.setFloat32(at + 4 * i, v, true);
      else if (dtype === 'F64') view.setFloat64(at + 8 * i, v, true);
      else {
        if (!Number.isSafeInteger(v)) throw new DataError(`tensor "${name}": I64 value ${i} is ${show(v)}, not a safe integer`, { column: i });
        view.setBigInt64(at + 8 * i, BigInt(v), true);
      }
    }
  }
  return out;
}

interface HeaderEntry {
  name: string;
  dtype: SafetensorsDtype;
  shape: number[];
  begin: number;
  end: number;
}

/** Parses and checks the header; returns the entries, the metadata and where the data starts. */
function readHeader(bytes: Uint8Array): { entries: HeaderEntry[]; metadata: Record<string, string>; base: number } {
  if (!(bytes instanceof Uint8Array)) throw new DataError(`safetensors: expected the file's bytes (a Uint8Array), got ${show(bytes)}`);
  if (bytes.length < 8) throw new DataError(`safetensors: the file holds ${bytes.length} bytes, fewer than the 8 of the header length`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const n64 = view.getBigUint64(0, true);
  if (n64 > BigInt(bytes.length - 8)) throw new DataError(`safetensors: the header length ${n64} runs past the end of the file (${bytes.length - 8} bytes after the length)`);
  const n = Number(n64);
  if (n > MAX_HEADER_BYTES) throw new DataError(`safetensors: the header length ${n} exceeds the limit of ${MAX_HEADER_BYTES} bytes`);
  if (n < 2) throw new DataError(`safetensors: the header length ${n} is too short for a JSON object`);
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(8, 8 + n));
  } catch {
    throw new DataError('safetensors: the header is not valid UTF-8');
  }
  let header: unknown;
  try {
    header = JSON.parse(text);
  } catch (e) {
    throw new DataError(`safetensors: the header is not valid JSON (${(e as Error).message})`);
  }
  if (!isObject(header)) throw new DataError(`safetensors: the header must be a JSON object, got ${show(header)}`);
  const base = 8 + n;
  const dataBytes = bytes.length - base;
  let metadata: Record<string, string> = {};
  const entries: HeaderEntry[] = [];
  for (const [name, raw] of Object.entries(header)) {
    if (name === '__metadata__') {
      if (!isObject(raw)) throw new DataError(`safetensors: __metadata__ must be an object of strings, got ${show(raw)}`);
      for (const [k, v] of Object.entries(raw)) if (typeof v !== 'string') throw new DataError(`safetensors: __metadata__ "${k}" must be a string, got ${show(v)}`);
      metadata = raw as Record<string, string>;
      continue;
    }
    const at = `safetensors: tensor "${name}"`;
    if (!isObject(raw)) throw new DataError(`${at} must be { dtype, shape, data_offsets }, got ${show(raw)}`);
    for (const k of Object.keys(raw)) if (k !== 'dtype' && k !== 'shape' && k !== 'data_offsets') throw new DataError(`${at} has an unknown field "${k}"`);
    const { dtype, shape, data_offsets: offsets } = raw;
    if (typeof dtype !== 'string' || !Object.prototype.hasOwnProperty.call(SAFETENSORS_DTYPES, dtype)) {
      throw new DataError(`${at}: unknown dtype ${show(dtype)}; expected one of ${Object.keys(SAFETENSORS_DTYPES).join(', ')}`);
    }
    if (!Array.isArray(shape) || !shape.every((d) => Number.isSafeInteger(d) && d >= 0)) throw new DataError(`${at}: shape must be an array of integers ≥ 0, got ${show(shape)}`);
    if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every((o) => Number.isSafeInteger(o) && o >= 0)) {
      throw new DataError(`${at}: data_offsets must be [begin, end] with integers ≥ 0, got ${show(offsets)}`);
    }
    const [begin, end] = offsets as number[];
    if (end < begin) throw new DataError(`${at}: data_offsets [${begin}, ${end}] end before they begin`);
    if (end > dataBytes) throw new DataError(`${at}: data_offsets [${begin}, ${end}] run past the ${dataBytes} bytes of data`);
    const want = product(shape) * SAFETENSORS_DTYPES[dtype as SafetensorsDtype];
    if (want !== end - begin) {
      throw new DataError(`${at}: shape [${shape.join(', ')}] of ${dtype} takes ${want} bytes, but data_offsets [${begin}, ${end}] hold ${end - begin}`);
    }
    entries.push({ name, dtype: dtype as SafetensorsDtype, shape: [...shape], begin, end });
  }
  // The tensors tile the data exactly: no gap, no overlap, nothing after the last one.
  const sorted = [...entries].sort((a, b) => a.begin - b.begin || a.end - b.end);
  let pos = 0;
  for (const e of sorted) {
    if (e.begin !== pos) {
      throw new DataError(e.begin < pos
        ? `safetensors: tensor "${e.name}" (data_offsets [${e.begin}, ${e.end}]) overlaps the tensor before it, which ends at ${pos}`
        : `safetensors: tensor "${e.name}" begins at ${e.begin}, leaving a gap after byte ${pos} of the data`);
    }
    pos = e.end;
  }
  if (pos !== dataBytes) throw new DataError(`safetensors: the tensors cover ${pos} bytes but the file holds ${dataBytes} bytes of data after the header`);
  return { entries, metadata: { ...metadata }, base };
}

/** f16 bits → number. */
function halfToFloat(h: number): number {
  const s = h & 0x8000 ? -1 : 1, e = (h >> 10) & 0x1f, m = h & 0x3ff;
  if (e === 0) return s * m * 2 ** -24;
  if (e === 31) return m === 0 ? s * Infinity : NaN;
  return s * (1 + m / 1024) * 2 ** (e - 15);
}

// bf16 is the high half of an f32: shift its bits up and read them as one.
const BF16_BITS = new Uint32Array(1);
const BF16_VALUE = new Float32Array(BF16_BITS.buffer);

/** Reads one checked tensor's values as f32. */
function readValues(view: DataView, at: number, e: HeaderEntry): Float32Array {
  const count = product(e.shape);
  if (e.dtype === 'F32' && LITTLE_ENDIAN) return new Float32Array(new Uint8Array(view.buffer, view.byteOffset + at, 4 * count).slice().buffer);
  const out = new Float32Array(count);
  const size = SAFETENSORS_DTYPES[e.dtype];
  for (let i = 0, p = at; i < count; i++, p += size) {
    switch (e.dtype) {
      case 'F32': out[i] = view.getFloat32(p, true); break;
      case 'F16': out[i] = halfToFloat(view.getUint16(p, true)); break;
      case 'BF16': BF16_BITS[0] = view.getUint16(p, true) << 16; out[i] = BF16_VALUE[0]; break;
      case 'F64': out[i] = view.getFloat64(p, true); break;
      case 'BOOL': case 'U8': out[i] = view.getUint8(p); break;
      case 'I8': out[i] = view.getInt8(p); break;
      case 'I16': out[i] = view.getInt16(p, true); break;
      case 'U16': out[i] = view.getUint16(p, true); break;
      case 'I32': out[i] = view.getInt32(p, true); break;
      case 'U32': out[i] = view.getUint32(p, true); break;
      case 'I64': out[i] = Number(view.getBigInt64(p, true)); break;
      case 'U64': out[i] = Number(view.getBigUint64(p, true)); break;
    }
  }
  return out;
}

/**
 * Decodes a safetensors file: every header field is checked first (header length in range, UTF-8 JSON
 * object, known dtype, shape × dtype size = byte length, offsets in range, the tensors tiling the data with no
 * gap or overlap) with a DataError naming the tensor; then values are read as f32 (F32 exact; F16, BF16 and
 * integers exactly when f32 holds them; F64 rounded). The 8-bit float dtypes are refused.
 */
export function decodeSafetensors(bytes: Uint8Array): DecodedSafetensors {
  const { entries, metadata, base } = readHeader(bytes);
  for (const e of entries) {
    if (!READABLE.has(e.dtype)) throw new DataError(`safetensors: tensor "${e.name}" has dtype ${e.dtype}, which descent cannot read (F32, F16, BF16, F64 and integers)`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const tensors = new Map<string, SafeTensor>();
  for (const e of entries) tensors.set(e.name, { dtype: e.dtype, shape: e.shape, data: readValues(view, base + e.begin, e) });
  return { tensors, metadata };
}
