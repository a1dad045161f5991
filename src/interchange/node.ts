// Safetensors files on disk (Node only).
import { readFileSync, writeFileSync } from 'node:fs';
import { DataError } from '../errors.js';
import type { Network } from '../models/network/network.js';
import { networkFromSafetensors, toSafetensors } from './torch-state.js';

/** Writes the network as a safetensors file (see toSafetensors: PyTorch's names, the spec in __metadata__). */
export function saveSafetensors(net: Network, path: string): void {
  const bytes = toSafetensors(net);
  try {
    writeFileSync(path, bytes);
  } catch (e) {
    throw new DataError(`${path}: cannot write (${(e as Error).message})`);
  }
}

/** Reads a network from a safetensors file written by descent (see networkFromSafetensors). */
export function readSafetensors(path: string): Network {
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(readFileSync(path));
  } catch (e) {
    throw new DataError(`${path}: cannot read (${(e as Error).message})`);
  }
  return networkFromSafetensors(bytes);
}
