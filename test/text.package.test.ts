// descent-ml/text as a browser bundler and Node see it through the exports map: the default condition is the
// browser-safe entry (no Node built-in, no corpus package), the node condition adds the corpus loaders, and the built
// package vectorizes from dist/.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { build, type Metafile } from 'esbuild';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { NO_DIST, testOrSkip } from './_skip.ts';

const root = resolve('.');
const tmp = mkdtempSync(join(tmpdir(), 'descent-text-'));
test.after(() => rmSync(tmp, { recursive: true, force: true }));

async function bundle(contents: string, platform: 'browser' | 'node', resolveDir: string): Promise<{ inputs: string[]; code: string }> {
  const r = await build({
    stdin: { contents, resolveDir, loader: 'ts', sourcefile: 'app.ts' },
    bundle: true, format: 'esm', platform, target: 'es2020', write: false, metafile: true, logLevel: 'silent',
    external: ['node:*', '@stdlib/*'],
  });
  return { inputs: Object.keys((r.metafile as Metafile).inputs), code: r.outputFiles[0].text };
}

test('src/text/index.ts bundles for browsers with no Node built-in and no corpus package', async () => {
  const { inputs, code } = await bundle(`export * from './src/text/index.ts';`, 'browser', root);
  assert.equal(inputs.filter((f) => /node:|corpora|@stdlib/.test(f)), []);
  assert.not.match(code, /from ["']node:|require\(|createRequire|@stdlib/);
});

testOrSkip(test, 'descent-ml/text through the exports map: browser and node conditions, and vectorizing from dist/',
  existsSync(join(root, 'dist', 'text', 'node.js')) ? undefined : NO_DIST, async () => {
  const app = join(tmp, 'app');
  mkdirSync(join(app, 'node_modules'), { recursive: true });
  symlinkSync(root, join(app, 'node_modules', 'descent-ml'), 'dir');
  const browser = await bundle(`export { HashingVectorizer } from 'descent-ml/text';`, 'browser', app);
  assert.ok(browser.inputs.some((f) => f.endsWith('dist/text/index.js')), browser.inputs.join(', '));
  assert.equal(browser.inputs.filter((f) => /corpora|node:/.test(f)), []);
  const node = await bundle(`export { loadSpamAssassin } from 'descent-ml/text';`, 'node', app);
  assert.ok(node.inputs.some((f) => f.endsWith('dist/text/node.js')), node.inputs.join(', '));
  writeFileSync(join(app, 'main.mjs'), `
    import { HashingVectorizer, MissingPackageError } from 'descent-ml/text';
    const x = new HashingVectorizer({ features: 1024 }).transform(['Hello hello world', '']);
    console.log(JSON.stringify({ indptr: [...x.indptr], n: x.indices.length, loader: typeof MissingPackageError }));
  `);
  const env = { ...process.env };
  delete env.FORCE_COLOR;
  const out = JSON.parse(execFileSync(process.execPath, ['main.mjs'], { cwd: app, encoding: 'utf8', env }));
  assert.equal(out, { indptr: [0, 2, 2], n: 2, loader: 'function' });
});

test.run();
