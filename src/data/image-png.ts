// Node-only: a PNG file read and checked before it is decoded. A file is data from outside: a FIFO or a device
// named *.png would block or never end, a header may claim 65535×65535 pixels over a few bytes, a truncated
// IDAT stream would leave pixels the decoder never wrote (uninitialised memory, bytes of earlier allocations),
// garbage would decode as an image. So: only regular files of bounded size are read; the header's size is
// checked against the limits before anything is inflated; every chunk's CRC is checked; and the image data must
// inflate to exactly the bytes the header promises (bounded by that size) before pngjs decodes it.
import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs';
import { inflateSync } from 'node:zlib';
import { DataError } from '../errors.js';

/** The largest PNG file read (bytes): a 4096×4096 RGBA image stored without compression fits. */
export const MAX_PNG_BYTES = 128 * 2 ** 20;
/** The most pixels an image from a folder may have (4096×4096): decoding allocates about 30 bytes a pixel. */
export const MAX_PNG_PIXELS = 2 ** 24;

const SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
/** Samples per pixel of each PNG colour type, and the bit depths it allows. */
const COLOUR: Record<number, { samples: number; depths: number[] }> = {
  0: { samples: 1, depths: [1, 2, 4, 8, 16] },
  2: { samples: 3, depths: [8, 16] },
  3: { samples: 1, depths: [1, 2, 4, 8] },
  4: { samples: 2, depths: [8, 16] },
  6: { samples: 4, depths: [8, 16] },
};

/** The header of a PNG that passed {@link checkPng}. */
export interface PngHeader {
  width: number;
  height: number;
}

/**
 * The bytes of the file at `path`, read only when it is a regular file of at most {@link MAX_PNG_BYTES}
 * (opened without blocking, so a FIFO is refused rather than waited on). A DataError names the file otherwise.
 */
export function readRegularFile(path: string, maxBytes = MAX_PNG_BYTES): Buffer {
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
  } catch (e) {
    throw new DataError(`${path}: cannot open (${(e as { code?: string }).code ?? (e as Error).message})`);
  }
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) throw new DataError(`${path}: not a regular file (a folder, FIFO, socket or device); only image files are read`);
    if (st.size > maxBytes) throw new DataError(`${path}: ${st.size} bytes; an image file may have at most ${maxBytes}`);
    const buf = Buffer.alloc(st.size);
    let at = 0;
    while (at < buf.length) {
      const n = readSync(fd, buf, at, buf.length - at, at);
      if (n === 0) break;
      at += n;
    }
    return at === buf.length ? buf : buf.subarray(0, at);
  } finally {
    closeSync(fd);
  }
}

let crcTable: Uint32Array | null = null;

function crc32(buf: Uint8Array, from: number, to: number): number {
  if (!crcTable) {
    crcTable = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      crcTable[n] = c >>> 0;
    }
  }
  let c = 0xffffffff;
  for (let i = from; i < to; i++) c = crcTable[(c ^ buf[i]) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/** Bytes of filtered scanlines of a w×h (sub-)image: a filter byte per line, then the packed samples. */
function scanlineBytes(w: number, h: number, bitsPerPixel: number): number {
  return w === 0 || h === 0 ? 0 : h * (1 + Math.ceil((w * bitsPerPixel) / 8));
}

/** The inflated size of the image data: Adam7's seven passes when interlaced. */
function expectedBytes(w: number, h: number, bitsPerPixel: number, interlaced: boolean): number {
  if (!interlaced) return scanlineBytes(w, h, bitsPerPixel);
  const passes = [[0, 0, 8, 8], [4, 0, 8, 8], [0, 4, 4, 8], [2, 0, 4, 4], [0, 2, 2, 4], [1, 0, 2, 2], [0, 1, 1, 2]];
  let total = 0;
  for (const [x0, y0, dx, dy] of passes) total += scanlineBytes(Math.ceil((w - x0) / dx), Math.ceil((h - y0) / dy), bitsPerPixel);
  return total;
}

/**
 * Checks a PNG before it is decoded: signature, IHDR (size within `maxPixels` and, when given, equal to
 * `expect`), every chunk's bounds and CRC, and image data that inflates to exactly the header's size. Returns
 * the size; throws a DataError naming `path` for anything else.
 */
export function checkPng(buf: Uint8Array, path: string, expect?: PngHeader, maxPixels = MAX_PNG_PIXELS): PngHeader {
  const bad = (why: string): never => {
    throw new DataError(`${path}: not a readable PNG image (${why})`);
  };
  if (buf.length < 8 + 25 || SIGNATURE.some((b, i) => buf[i] !== b)) bad('no PNG signature');
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const type = (at: number) => String.fromCharCode(buf[at], buf[at + 1], buf[at + 2], buf[at + 3]);
  if (view.getUint32(8) !== 13 || type(12) !== 'IHDR') bad('the first chunk is not a 13-byte IHDR');
  const width = view.getUint32(16), height = view.getUint32(20);
  const depth = buf[24], colour = buf[25], interlace = buf[28];
  if (width < 1 || height < 1) bad(`size ${width}×${height}`);
  // The size is checked before anything is inflated or allocated for the pixels.
  if (width * height > maxPixels) throw new DataError(`${path}: the image is ${width}×${height}; images may have at most ${maxPixels} pixels`);
  if (expect && (width !== expect.width || height !== expect.height)) return { width, height };
  const c = COLOUR[colour];
  if (!c || !c.depths.includes(depth)) bad(`colour type ${colour} with bit depth ${depth}`);
  if (buf[26] !== 0 || buf[27] !== 0 || interlace > 1) bad('unknown compression, filter or interlace method');
  const parts: Uint8Array[] = [];
  let at = 8, ended = false, idat = 0;
  while (at < buf.length) {
    if (at + 12 > buf.length) bad(`a chunk at byte ${at} is cut short`);
    const len = view.getUint32(at);
    const t = type(at + 4);
    if (len > buf.length - at - 12) bad(`the ${JSON.stringify(t)} chunk at byte ${at} is cut short`);
    if (crc32(buf, at + 4, at + 8 + len) !== view.getUint32(at + 8 + len)) bad(`the ${JSON.stringify(t)} chunk at byte ${at} fails its CRC`);
    if (t === 'IDAT') {
      parts.push(buf.subarray(at + 8, at + 8 + len));
      idat += len;
    }
    at += 12 + len;
    if (t === 'IEND') {
      ended = true;
      break;
    }
  }
  if (!ended) bad('no IEND chunk: the file is cut short');
  if (idat === 0) bad('no image data (IDAT)');
  const expected = expectedBytes(width, height, c.samples * depth, interlace === 1);
  let inflated: Buffer;
  try {
    inflated = inflateSync(Buffer.concat(parts), { maxOutputLength: expected + 1 });
  } catch (e) {
    const code = (e as { code?: string }).code;
    bad(code === 'ERR_BUFFER_TOO_LARGE' ? `the image data holds more than the ${expected} bytes its header gives` : `the image data does not inflate: ${String((e as Error).message).slice(0, 80)}`);
  }
  if (inflated!.length !== expected) bad(`the image data holds ${inflated!.length} bytes, its header gives ${expected}: the file is cut short or damaged`);
  return { width, height };
}
