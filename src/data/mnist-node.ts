// Node-only: reads the MNIST built-in (data/mnist.u8.gz) synchronously through node:fs and node:zlib,
// then decodes it with the browser-safe decoder (data/mnist.ts). Imported by the Node entry only.
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { DataError } from '../errors.js';
import { decodeMnist, isGzip, type ImageTable } from './mnist.js';

/** Reads and decodes an MNIST-U8 file, gzip-compressed or not; any failure is a one-line DataError. */
export function readMnistFile(path: string | URL, shown = String(path)): ImageTable {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(path);
  } catch (e) {
    const code = (e as { code?: string }).code;
    throw new DataError(`cannot read ${shown}: ${code === 'ENOENT' ? 'no such file' : (e as Error).message}`);
  }
  if (isGzip(bytes)) {
    try {
      bytes = gunzipSync(bytes);
    } catch (e) {
      throw new DataError(`${shown}: cannot gunzip (${(e as Error).message}); the file is corrupted or truncated`);
    }
  }
  return decodeMnist(bytes, shown);
}
