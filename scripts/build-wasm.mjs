// Builds the kernel binaries from one source (asconfig.json targets `simd`, `scalar` and `relaxed` — SIMD with
// relaxed SIMD's fused multiply-add in the products — and their shared-memory twins `simd-threads`,
// `scalar-threads` and `relaxed-threads`) and embeds them, base64-encoded with their SHA-256, in
// src/backends/binaries.generated.ts (the two every entry loads), src/backends/binaries-relaxed.generated.ts
// (imported when init asks for wasm-relaxed) and src/backends/binaries-threads.generated.ts (the twins, imported
// by the Node entry only, so browser bundles do not carry them). Embedding makes the package load the same way in
// Node, browsers and bundlers: no fs, no fetch, no URL.
//
// The compiler takes ~50 s of CPU for the six targets (~27 s on two cores). When the inputs (assembly/, asconfig.json, the compiler's
// version, this script) hash to what build/inputs.sha256 recorded and the binaries on disk are the ones embedded,
// the build is skipped (`npm test`, `npm start` and `npm run bench` build first); `--force` rebuilds regardless.
import { execFileSync, spawn } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync, mkdirSync, readdirSync, existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const asc = join(root, 'node_modules', 'assemblyscript', 'bin', 'asc.js');
mkdirSync(join(root, 'build'), { recursive: true });
const out = [], outRelaxed = [], outThreads = [];
// The ABI first: the kernels import its generated constants and dispatch.
execFileSync(process.execPath, [join(root, 'scripts', 'gen-abi.mjs')], { stdio: 'inherit' });
const TARGETS = ['simd', 'scalar', 'relaxed', 'simd-threads', 'scalar-threads', 'relaxed-threads'];
const GENERATED = ['binaries.generated.ts', 'binaries-relaxed.generated.ts', 'binaries-threads.generated.ts'].map((f) => join(root, 'src', 'backends', f));
const STAMP = join(root, 'build', 'inputs.sha256');

/** SHA-256 over the compiler's inputs: every file under assembly/ (path and bytes, sorted), asconfig.json, asc's version and this script. */
function inputsHash() {
  const h = createHash('sha256');
  const walk = (dir) => readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1)).forEach((e) => {
    const p = join(dir, e.name);
    if (e.isDirectory()) walk(p);
    else h.update(p.slice(root.length)).update('\0').update(readFileSync(p)).update('\0');
  });
  walk(join(root, 'assembly'));
  h.update(readFileSync(join(root, 'asconfig.json')));
  h.update(JSON.parse(readFileSync(join(root, 'node_modules', 'assemblyscript', 'package.json'), 'utf8')).version);
  h.update(readFileSync(fileURLToPath(import.meta.url)));
  return h.digest('hex');
}

/** True when the last build's inputs are these and the binaries on disk are the embedded ones. */
function upToDate(hash) {
  if (!existsSync(STAMP) || readFileSync(STAMP, 'utf8').trim() !== hash || !GENERATED.every((f) => existsSync(f))) return false;
  const embedded = GENERATED.map((f) => readFileSync(f, 'utf8')).join('');
  return TARGETS.every((t) => {
    const file = join(root, 'build', `descent.${t}.wasm`);
    return existsSync(file) && embedded.includes(`sha256: '${createHash('sha256').update(readFileSync(file)).digest('hex')}'`);
  });
}

const hash = inputsHash();
if (!process.argv.includes('--force') && upToDate(hash)) {
  console.log('build-wasm: the inputs are unchanged since the last build (build/inputs.sha256): binaries kept; --force rebuilds');
  process.exit(0);
}
// The -threads twins import one shared memory, so that worker threads can instantiate the same module over it.
// The targets compile as separate processes, as many at a time as there are cores; the embedding keeps their order.
/** Compiles one target; rejects with the compiler's exit code. */
function compile(target) {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, [asc, '--config', 'asconfig.json', '--target', target], { cwd: root, stdio: 'inherit' });
    p.on('error', reject);
    p.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`asc --target ${target} exited with ${code}`))));
  });
}
const queue = [...TARGETS];
await Promise.all(Array.from({ length: Math.min(availableParallelism(), TARGETS.length) }, async () => {
  for (let t = queue.shift(); t !== undefined; t = queue.shift()) await compile(t);
}));
for (const target of TARGETS) {
  const bytes = readFileSync(join(root, 'build', `descent.${target}.wasm`));
  const sha = createHash('sha256').update(bytes).digest('hex');
  (target.endsWith('-threads') ? outThreads : target === 'relaxed' ? outRelaxed : out).push(`/** The \`wasm-${target}\` binary (${bytes.length} bytes). */\n` +
    `export const ${target.replace(/-(\w)/, (_, c) => c.toUpperCase())}Wasm = { sha256: '${sha}', base64: '${bytes.toString('base64')}' };\n`);
  console.log(`build/descent.${target}.wasm  ${bytes.length} bytes  sha256 ${sha.slice(0, 16)}`);
}
writeFileSync(join(root, 'src', 'backends', 'binaries.generated.ts'),
  '// Generated by scripts/build-wasm.mjs from assembly/: do not edit.\n' + out.join('\n'));
writeFileSync(join(root, 'src', 'backends', 'binaries-relaxed.generated.ts'),
  '// Generated by scripts/build-wasm.mjs from assembly/: do not edit. Imported when init({ backend: \'wasm-relaxed\' }) asks.\n' + outRelaxed.join('\n'));
writeFileSync(join(root, 'src', 'backends', 'binaries-threads.generated.ts'),
  '// Generated by scripts/build-wasm.mjs from assembly/: do not edit. The Node entry registers these.\n' + outThreads.join('\n'));
writeFileSync(STAMP, hash + '\n');
