// PNG files from disk that used to be accepted, leak memory into rows, decode gigabytes or hang: image data cut
// short (inside a well-formed chunk), garbage image data, headers of 20000×20000 and 65535×65535 over a few
// bytes, a FIFO or a folder named *.png. Each is a DataError naming the file, raised before decoding.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { PNG } from 'pngjs';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deflateSync, inflateSync } from 'node:zlib';
import { init, Dataset, DataError } from '../src/node.js';

const tmp = mkdtempSync(join(tmpdir(), 'descent-trust-png-'));
test.after(() => rmSync(tmp, { recursive: true, force: true }));

function crc32(b: Uint8Array): number {
  let c = 0xffffffff;
  for (const x of b) {
    c ^= x;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  }
  return (c ^ 0xffffffff) >>> 0;
}

/** One PNG chunk with a correct CRC. */
function chunk(type: string, data: Uint8Array): Buffer {
  const out = Buffer.alloc(12 + data.length);
  out.writeUInt32BE(data.length, 0);
  out.write(type, 4, 'latin1');
  Buffer.from(data).copy(out, 8);
  out.writeUInt32BE(crc32(out.subarray(4, 8 + data.length)), 8 + data.length);
  return out;
}

/** A well-framed PNG (RGBA, 8 bits) of the given header size whose IDAT holds `idat` (already compressed). */
function png(width: number, height: number, idat: Uint8Array): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8;
  ihdr[9] = 6;
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr), chunk('IDAT', idat), chunk('IEND', new Uint8Array(0))]);
}

/** A real 8×8 PNG's bytes (pngjs), and its raw filtered scanlines. */
function goodPng(seed: number): { file: Buffer; raw: Buffer } {
  const p = new PNG({ width: 8, height: 8 });
  for (let i = 0; i < p.data.length; i++) p.data[i] = (i * 37 + seed * 11) & 255;
  for (let i = 3; i < p.data.length; i += 4) p.data[i] = 255;
  const file = PNG.sync.write(p);
  const idat: Buffer[] = [];
  for (let at = 8; at < file.length;) {
    const len = file.readUInt32BE(at);
    if (file.toString('latin1', at + 4, at + 8) === 'IDAT') idat.push(file.subarray(at + 8, at + 8 + len));
    at += 12 + len;
  }
  return { file, raw: inflateSync(Buffer.concat(idat)) };
}

/** A two-class folder of good images plus `bad` as b/bad.png (or whatever `make` puts there). */
function folder(name: string, make: (path: string) => void): string {
  const dir = join(tmp, name);
  for (const c of ['a', 'b']) {
    mkdirSync(join(dir, c), { recursive: true });
    for (let i = 0; i < 2; i++) writeFileSync(join(dir, c, `img${i}.png`), goodPng(i).file);
  }
  make(join(dir, 'b', 'bad.png'));
  return dir;
}

function refused(dir: string, pattern: RegExp, options = {}): void {
  const t0 = performance.now();
  try {
    Dataset.fromImageFolder(dir, options);
  } catch (e) {
    assert.instance(e, DataError, String(e));
    assert.match((e as Error).message, /b\/bad\.png/);
    assert.match((e as Error).message, pattern);
    assert.ok(performance.now() - t0 < 5000, `refused in ${(performance.now() - t0).toFixed(0)} ms`);
    return;
  }
  assert.unreachable(`${dir} was accepted`);
}

test.before(async () => {
  await init({ backend: 'js' });
});

test('the good folder loads (the checks accept what pngjs writes)', () => {
  const dir = folder('good', (p) => writeFileSync(p, goodPng(5).file));
  const ds = Dataset.fromImageFolder(dir);
  assert.is(ds.rows, 5);
  ds.dispose();
});

test('image data cut short inside a well-formed IDAT chunk is refused (its missing pixels were uninitialised memory)', () => {
  const { raw } = goodPng(3);
  for (const keep of [0, 1, raw.length >> 1, raw.length - 1]) {
    refused(folder(`short${keep}`, (p) => writeFileSync(p, png(8, 8, deflateSync(raw.subarray(0, keep))))), /cut short|holds \d+ bytes/);
  }
  // A zlib stream that stops mid-way, and more data than the header gives.
  const z = deflateSync(raw);
  refused(folder('midstream', (p) => writeFileSync(p, png(8, 8, z.subarray(0, z.length >> 1)))), /does not inflate/);
  refused(folder('toolong', (p) => writeFileSync(p, png(8, 8, deflateSync(Buffer.concat([raw, raw]))))), /more than/);
});

test('garbage image data, a bad CRC, a missing IEND or a file cut mid-chunk is refused', () => {
  const junk = Buffer.from(Array.from({ length: 200 }, (_, i) => (i * 89 + 7) & 255));
  refused(folder('garbage', (p) => writeFileSync(p, png(8, 8, junk))), /not a readable PNG/);
  const good = goodPng(1).file;
  const flipped = Buffer.from(good);
  flipped[40] ^= 1;
  refused(folder('crc', (p) => writeFileSync(p, flipped)), /CRC|not a readable/);
  refused(folder('noend', (p) => writeFileSync(p, good.subarray(0, good.length - 12))), /IEND/);
  refused(folder('midchunk', (p) => writeFileSync(p, good.subarray(0, good.length - 20))), /cut short/);
});

test('headers of 20000×20000 and 65535×65535 over tiny data are refused before anything is inflated or allocated', () => {
  for (const side of [20000, 65535]) {
    const rss = process.memoryUsage().rss;
    refused(folder(`huge${side}`, (p) => writeFileSync(p, png(side, side, deflateSync(Buffer.alloc(100))))), /at most \d+ pixels/);
    assert.ok(process.memoryUsage().rss - rss < 64 * 2 ** 20, 'no large allocation');
  }
  // With an expected size, a header of another size is refused before decoding too.
  refused(folder('othersize', (p) => writeFileSync(p, png(9, 8, deflateSync(Buffer.alloc(8 * 37))))), /expected 8×8/);
});

test('a FIFO or a folder named *.png is refused at once (a FIFO hung the load)', () => {
  refused(folder('dirpng', (p) => mkdirSync(p)), /not a regular file/);
  let fifo = true;
  const dir = folder('fifo', (p) => {
    try {
      execFileSync('mkfifo', [p]);
    } catch {
      fifo = false;
    }
  });
  if (fifo) refused(dir, /not a regular file/);
  else console.log('  (no mkfifo here: the FIFO case did not run)');
});

test.run();
