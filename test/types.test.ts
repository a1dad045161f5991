// The package as a strict TypeScript consumer sees it: the ```ts examples of the README and docs/*.md compile against the built
// package (dist/*.d.ts through the exports map, as after `npm install descent-ml`) in two projects. A Node project
// (module and moduleResolution nodenext, @types/node) gets the "node" condition, so the Node entry's names
// (csvBatches, csvStats, builtinNames, builtinCatalog) resolve from 'descent-ml'. A browser project
// (moduleResolution bundler, lib dom, no @types/node) gets the default condition: every browser-safe example
// compiles and the Node-only names are errors. Blocks whose first line says "// Node only" are left out of the
// browser project. Free names in the examples (x, y, result, chart, …) are declared in a shared prelude.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import ts from 'typescript';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { NO_DIST, testOrSkip } from './_skip.ts';
import { docBlocks } from './_docblocks.ts';

const root = resolve('.');
const built = existsSync(join(root, 'dist', 'index.d.ts')) && existsSync(join(root, 'dist', 'node.d.ts'));
const tmp = mkdtempSync(join(tmpdir(), 'descent-types-'));
test.after(() => rmSync(tmp, { recursive: true, force: true }));

/** The ```ts blocks of the README and the guides (those marked not run left out), in order, with whether each is Node-only. */
function readmeExamples(): { code: string; nodeOnly: boolean }[] {
  const docs = ['README.md', ...readdirSync(join(root, 'docs')).filter((f) => f.endsWith('.md')).sort().map((f) => `docs/${f}`)];
  return docs.flatMap((doc) => docBlocks(doc, readFileSync(join(root, doc), 'utf8')))
    .filter((b) => b.lang === 'ts' && b.notRun === null)
    .map((b) => ({ code: b.code, nodeOnly: /^\/\/ Node only/.test(b.code) }));
}

// The names the examples use without defining them, as a user's surrounding code would provide them. A global
// script, so each example (a module) may also declare its own x and y.
const PRELUDE = `
declare const x: Float32Array;
declare const y: Float32Array;
declare const result: import('descent-ml').TrainResult;
declare function computeGradient(params: Float32Array, grads: Float32Array): void;
declare const chart: { push(epoch: number, loss: number): void };
declare const bar: { update(fraction: number): void };
declare const ds: import('descent-ml').Dataset;
declare const net: import('descent-ml').Network;
declare const data: { x: Float32Array; y: Float32Array; features: number };
declare const texts: string[];
declare const labels: string[];
`;

// Imports that only the Node entry provides: they must compile in Node and fail in a browser project.
const NODE_ONLY_NAMES = ['csvBatches', 'csvStats', 'builtinNames', 'builtinCatalog'];
const NODE_ONLY = `import { ${NODE_ONLY_NAMES.join(', ')} } from 'descent-ml';\nexport const used = [${NODE_ONLY_NAMES.join(', ')}];\n`;

// Every subpath resolves, with its types, in both projects.
const SUBPATHS = `import { init, Dataset, Model, train, DescentError } from 'descent-ml';
import { makeRegression, makeClassification } from 'descent-ml/synthetic';
import { lossChart, renderChart } from 'descent-ml/plot';
import { trainInWorker, type WorkerTraining } from 'descent-ml/worker';
export const used: unknown[] = [init, Dataset, Model, train, DescentError, makeRegression, makeClassification, lossChart, renderChart, trainInWorker];
export type Handle = WorkerTraining;
`;

/** A consumer project in its own folder, with node_modules/descent-ml linked to this repository. */
function project(name: string, files: Record<string, string>, withNodeTypes: boolean): string {
  const dir = join(tmp, name);
  mkdirSync(join(dir, 'node_modules', '@types'), { recursive: true });
  symlinkSync(root, join(dir, 'node_modules', 'descent-ml'), 'dir');
  if (withNodeTypes) symlinkSync(join(root, 'node_modules', '@types', 'node'), join(dir, 'node_modules', '@types', 'node'), 'dir');
  // A package an example imports beside descent (docs/interchange.md runs its ONNX file in ONNX Runtime), as a stub:
  // its own declarations need the DOM, and what is checked here is descent's.
  mkdirSync(join(dir, 'node_modules', 'onnxruntime-web'));
  writeFileSync(join(dir, 'node_modules', 'onnxruntime-web', 'package.json'), JSON.stringify({ name: 'onnxruntime-web', types: 'index.d.ts' }));
  writeFileSync(join(dir, 'node_modules', 'onnxruntime-web', 'index.d.ts'), 'export const env: any;\nexport const InferenceSession: any;\nexport const Tensor: any;\n');
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name, private: true, type: 'module' }));
  for (const [file, text] of Object.entries(files)) writeFileSync(join(dir, file), text);
  return dir;
}

/** Type-checks the project's files as `tsc --noEmit` would; returns the diagnostics as "file(line): TSnnnn message". */
function check(dir: string, files: string[], options: ts.CompilerOptions): string[] {
  const program = ts.createProgram(files.map((f) => join(dir, f)), {
    strict: true, noEmit: true, target: ts.ScriptTarget.ES2022, skipLibCheck: false, ...options,
  });
  return ts.getPreEmitDiagnostics(program).map((d) => {
    const where = d.file ? `${d.file.fileName.replace(dir + '/', '')}(${d.file.getLineAndCharacterOfPosition(d.start ?? 0).line + 1})` : '';
    return `${where}: TS${d.code} ${ts.flattenDiagnosticMessageText(d.messageText, ' ')}`;
  });
}

function exampleFiles(examples: { code: string }[]): Record<string, string> {
  const files: Record<string, string> = { 'prelude.d.ts': PRELUDE, 'subpaths.ts': SUBPATHS };
  examples.forEach((e, i) => { files[`readme-${i + 1}.ts`] = e.code.includes('export ') ? e.code : e.code + '\nexport {};\n'; });
  return files;
}

test('the README has TypeScript examples, some for Node only', () => {
  const examples = readmeExamples();
  assert.ok(examples.length >= 4, `${examples.length} examples`);
  assert.ok(examples.some((e) => e.nodeOnly) && examples.some((e) => !e.nodeOnly));
});

testOrSkip(test, 'Node project (nodenext, @types/node): every README example and the Node entry names compile from descent-ml', built ? undefined : NO_DIST, () => {
  const files = { ...exampleFiles(readmeExamples()), 'node-only.ts': NODE_ONLY };
  const dir = project('node-app', files, true);
  const errors = check(dir, Object.keys(files), {
    module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext, lib: ['lib.es2022.d.ts'], types: ['node'],
  });
  assert.equal(errors, [], 'a Node consumer compiles the README');
});

testOrSkip(test, 'browser project (bundler, lib dom, no @types/node): the browser-safe examples compile, the Node-only names do not resolve', built ? undefined : NO_DIST, () => {
  const files = { ...exampleFiles(readmeExamples().filter((e) => !e.nodeOnly)), 'node-only.ts': NODE_ONLY };
  const dir = project('browser-app', files, false);
  const options: ts.CompilerOptions = {
    module: ts.ModuleKind.ESNext, moduleResolution: ts.ModuleResolutionKind.Bundler,
    lib: ['lib.es2022.d.ts', 'lib.dom.d.ts', 'lib.dom.iterable.d.ts'], types: [],
  };
  const examples = Object.keys(files).filter((f) => f !== 'node-only.ts');
  assert.equal(check(dir, examples, options), [], 'a browser consumer compiles the browser-safe README examples');
  const nodeOnly = check(dir, ['node-only.ts'], options);
  // TS2305 "has no exported member", or TS2724 when a similar name exists (builtinNames → BuiltinName).
  const missing = /TS(2305|2724) /;
  for (const name of NODE_ONLY_NAMES) {
    assert.ok(nodeOnly.some((e) => missing.test(e) && e.includes(`'${name}'`)), `${name} must not resolve in a browser project: ${nodeOnly.join('\n')}`);
  }
  assert.ok(nodeOnly.every((e) => missing.test(e)), `only missing exports: ${nodeOnly.join('\n')}`);
});

test.run();
