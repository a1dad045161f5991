// The MNIST built-in's file format, its encoder and a browser-safe decoder. No fs here: Node reads the
// file (data/mnist.u8.gz) in data/mnist-node.ts; a page fetches the bytes and calls mnistFromBytes.
// The default entry does not import this module, so browser bundles carry it only when an app asks for it.
//
// Format (all of it gzip-compressed in the shipped file):
//   bytes 0–7    magic, ASCII "MNIST-U8"
//   bytes 8–11   rows, u32 little-endian
//   byte  12     channels (1), byte 13 height (28), byte 14 width (28), byte 15 classes (10)
//   then rows records of channels·height·width pixel bytes (0–255, row-major) and one label byte (0..classes-1)
// The length is exactly 16 + rows · (pixels + 1) bytes.
import { DataError } from '../errors.js';

/** The 8 bytes every MNIST file starts with: ASCII "MNIST-U8". */
export const MNIST_MAGIC: readonly number[] = [0x4d, 0x4e, 0x49, 0x53, 0x54, 0x2d, 0x55, 0x38];
/** Header size in bytes. */
export const MNIST_HEADER_BYTES = 16;
/** The seed of the Rng shuffle that fixes the row order of the shipped file (scripts/build-mnist.mjs). */
export const MNIST_SHUFFLE_SEED = 11;

/** Decoded image data: pixels scaled to [0, 1] (byte / 255, as f32), labels as f32 class indices. */
export interface ImageTable {
  /** Row-major pixels, rows × features, each byte / 255 in f32. */
  x: Float32Array;
  /** Labels 0..classes-1. */
  y: Float32Array;
  rows: number;
  /** channels · height · width. */
  features: number;
  /** [channels, height, width]. */
  imageShape: [number, number, number];
  classes: number;
}

/** Pixel feature names: px0 … px{n-1}, row-major (px{28·r + c} is row r, column c of a 28×28 image). */
export function pixelNames(features: number): string[] {
  return Array.from({ length: features }, (_, i) => `px${i}`);
}

/** Encodes images (bytes, row-major, `pixels` per row) and labels in the format above (uncompressed). */
export function encodeMnist(pixels: Uint8Array, labels: Uint8Array, shape: [number, number, number] = [1, 28, 28], classes = 10): Uint8Array {
  const [c, h, w] = shape;
  const d = c * h * w;
  const rows = labels.length;
  if (pixels.length !== rows * d) throw new DataError(`encodeMnist: ${pixels.length} pixel bytes for ${rows} labels of ${d} pixels`);
  const out = new Uint8Array(MNIST_HEADER_BYTES + rows * (d + 1));
  out.set(MNIST_MAGIC, 0);
  new DataView(out.buffer).setUint32(8, rows, true);
  out[12] = c; out[13] = h; out[14] = w; out[15] = classes;
  for (let r = 0; r < rows; r++) {
    if (labels[r] >= classes) throw new DataError(`encodeMnist: label ${labels[r]} of row ${r} is not below ${classes}`, { row: r, column: d });
    const at = MNIST_HEADER_BYTES + r * (d + 1);
    out.set(pixels.subarray(r * d, r * d + d), at);
    out[at + d] = labels[r];
  }
  return out;
}

/** True when the bytes start with the gzip magic (1f 8b). */
export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

const SCALE = /* @__PURE__ */ (() => {
  const t = new Float32Array(256);
  for (let k = 0; k < 256; k++) t[k] = k / 255;
  return t;
})();

/**
 * Decodes an uncompressed MNIST file (synchronous). A gzip file, a bad magic, a length that does not
 * match the header (a truncated file) or a label out of range is a DataError.
 */
export function decodeMnist(bytes: Uint8Array, source = 'MNIST file'): ImageTable {
  if (!(bytes instanceof Uint8Array)) throw new DataError(`${source}: expected a Uint8Array`);
  if (isGzip(bytes)) throw new DataError(`${source}: the bytes are gzip-compressed; use mnistFromBytes (async) or gunzip them first`);
  if (bytes.length < MNIST_HEADER_BYTES) {
    throw new DataError(`${source}: ${bytes.length} bytes, shorter than the ${MNIST_HEADER_BYTES}-byte header (truncated?)`);
  }
  for (let i = 0; i < MNIST_MAGIC.length; i++) {
    if (bytes[i] !== MNIST_MAGIC[i]) throw new DataError(`${source}: bad magic, not an MNIST-U8 file`);
  }
  const rows = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(8, true);
  const c = bytes[12], h = bytes[13], w = bytes[14], classes = bytes[15];
  const d = c * h * w;
  if (rows < 1 || d < 1 || classes < 2) {
    throw new DataError(`${source}: bad header (rows ${rows}, shape ${c}×${h}×${w}, classes ${classes})`);
  }
  const expected = MNIST_HEADER_BYTES + rows * (d + 1);
  if (bytes.length !== expected) {
    const whole = Math.floor((bytes.length - MNIST_HEADER_BYTES) / (d + 1));
    throw new DataError(`${source}: ${bytes.length} bytes, expected ${expected} for ${rows} rows of ${c}×${h}×${w} pixels and a label` +
      (bytes.length < expected ? ` (truncated after row ${whole})` : ' (trailing bytes)'), bytes.length < expected ? { row: whole } : {});
  }
  const x = new Float32Array(rows * d);
  const y = new Float32Array(rows);
  for (let r = 0; r < rows; r++) {
    const at = MNIST_HEADER_BYTES + r * (d + 1);
    const label = bytes[at + d];
    if (label >= classes) throw new DataError(`${source}: row ${r} has label ${label}, expected 0..${classes - 1}`, { row: r, column: d });
    y[r] = label;
    const o = r * d;
    for (let j = 0; j < d; j++) x[o + j] = SCALE[bytes[at + j]];
  }
  return { x, y, rows, features: d, imageShape: [c, h, w], classes };
}

/** Gunzips with the platform's DecompressionStream (browsers, Deno, Node ≥ 18); a corrupt stream is a DataError. */
export async function gunzip(bytes: Uint8Array, source = 'MNIST file'): Promise<Uint8Array> {
  const DS = (globalThis as { DecompressionStream?: new (format: string) => TransformStream<Uint8Array, Uint8Array> }).DecompressionStream;
  if (typeof DS !== 'function') {
    throw new DataError(`${source}: gzip-compressed, and this platform has no DecompressionStream; decompress the bytes first`);
  }
  try {
    const stream = new Blob([bytes as Uint8Array<ArrayBuffer>]).stream().pipeThrough(new DS('gzip'));
    return new Uint8Array(await new Response(stream).arrayBuffer());
  } catch (e) {
    throw new DataError(`${source}: cannot gunzip (${(e as Error).message}); the file is corrupted or truncated`);
  }
}

/**
 * Decodes MNIST bytes as fetched (gzip-compressed, as shipped in data/mnist.u8.gz) or already
 * decompressed. Browser-safe (no fs): `mnistFromBytes(new Uint8Array(await (await fetch(url)).arrayBuffer()))`.
 * Pixels are byte / 255 in [0, 1]; labels 0–9. A corrupted or truncated file is a DataError.
 */
export async function mnistFromBytes(bytes: Uint8Array, source = 'MNIST file'): Promise<ImageTable> {
  return decodeMnist(isGzip(bytes) ? await gunzip(bytes, source) : bytes, source);
}
