// Node-only: checkpoint files. Each is written to a temporary file, fsynced, then renamed over its name (and
// the folder fsynced), so a crash leaves the previous file or the new one, never half of one. The text is a
// header line with the body's byte length and SHA-256, then the TrainState's JSON: a file cut at any byte,
// or changed, is refused with a DataError naming it. Imported for its effect by the Node entry.
import { appendFileSync, closeSync, existsSync, fsyncSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { DataError } from '../errors.js';
import type { TrainState } from './state.js';
import { setCheckpointHost } from './checkpoint.js';

const FORMAT = 'descent-checkpoint';
const NAME = /^checkpoint-\d{12}\.json$/;

const sha256 = (s: Buffer | string) => createHash('sha256').update(s).digest('hex');

/** A state as checkpoint text: `{"format","version","bytes","sha256"}\n` then the state's JSON. */
export function encodeCheckpoint(state: TrainState): string {
  const body = JSON.stringify(state);
  return JSON.stringify({ format: FORMAT, version: 1, bytes: Buffer.byteLength(body), sha256: sha256(body) }) + '\n' + body;
}

/** Decodes {@link encodeCheckpoint}'s text, checking the header, the length and the checksum. */
export function decodeCheckpoint(bytes: Buffer, source: string): TrainState {
  const nl = bytes.indexOf(0x0a);
  if (nl < 0) throw new DataError(`${source}: not a descent checkpoint (no header line; truncated?)`);
  let head: { format?: unknown; version?: unknown; bytes?: unknown; sha256?: unknown };
  try {
    head = JSON.parse(bytes.subarray(0, nl).toString('utf8'));
  } catch {
    throw new DataError(`${source}: not a descent checkpoint (its header line is not JSON)`);
  }
  if (head === null || typeof head !== 'object' || head.format !== FORMAT) throw new DataError(`${source}: not a descent checkpoint (format is not "${FORMAT}")`);
  if (head.version !== 1) throw new DataError(`${source}: unsupported checkpoint version ${JSON.stringify(head.version)}`);
  const body = bytes.subarray(nl + 1);
  if (body.length !== head.bytes) {
    throw new DataError(`${source}: ${body.length} bytes of state, the header says ${String(head.bytes)} (${body.length < Number(head.bytes) ? 'truncated' : 'trailing bytes'})`);
  }
  if (sha256(body) !== head.sha256) throw new DataError(`${source}: the state's SHA-256 does not match its header (the file was changed or damaged)`);
  const state = JSON.parse(body.toString('utf8')) as TrainState;
  if (state === null || typeof state !== 'object' || state.format !== 'descent-train-state') throw new DataError(`${source}: the checkpoint holds no training state`);
  return state;
}

/** Reads and checks one checkpoint file; any damage is a DataError naming it. */
export function readCheckpoint(file: string): TrainState {
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch (e) {
    const code = (e as { code?: string }).code;
    throw new DataError(`cannot read ${file}: ${code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a directory' : (e as Error).message}`);
  }
  return decodeCheckpoint(bytes, file);
}

/** The checkpoint files of a folder, oldest (fewest steps) first. */
export function checkpointFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).filter((f) => NAME.test(f)).sort();
}

/**
 * The newest checkpoint of a folder that reads back intact, with the newer ones refused (file and error).
 * No intact checkpoint: a DataError naming the folder (and why its files were refused).
 */
export function latestCheckpoint(dir: string): { file: string; state: TrainState; refused: { file: string; error: DataError }[] } {
  const refused: { file: string; error: DataError }[] = [];
  const files = checkpointFiles(dir);
  for (let i = files.length - 1; i >= 0; i--) {
    const file = join(dir, files[i]);
    try {
      return { file, state: readCheckpoint(file), refused };
    } catch (e) {
      if (!(e instanceof DataError)) throw e;
      refused.push({ file, error: e });
    }
  }
  throw new DataError(`no intact checkpoint in ${dir}` + (refused.length ? `: ${refused.map((r) => r.error.message).join('; ')}` : ' (no checkpoint-*.json files)'));
}

/** Writes dir/name through a temporary file, fsync and rename; then fsyncs the folder so the rename is durable. */
function writeAtomic(dir: string, name: string, text: string): void {
  mkdirSync(dir, { recursive: true });
  const final = join(dir, name), tmp = join(dir, `.${name}.${process.pid}.tmp`);
  const fd = openSync(tmp, 'w');
  try {
    writeSync(fd, text);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, final);
  try {
    const d = openSync(dir, 'r');
    try { fsyncSync(d); } finally { closeSync(d); }
  } catch {
    // Some file systems refuse fsync on a folder; the rename itself is still atomic.
  }
}

setCheckpointHost({
  writeAtomic,
  encode: encodeCheckpoint,
  list: checkpointFiles,
  remove: (dir, name) => unlinkSync(join(dir, name)),
  append: (file, line) => appendFileSync(file, line),
});
