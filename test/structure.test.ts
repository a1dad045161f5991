// The structure rules of scripts/check-structure.mjs inside `npm test`: no import cycle in src/, assembly/, bench/
// or demo/ (between files or folders, type-only imports included, and a registry filled as a side effect counted
// as an import) and no hand-written source file over 450 lines. Each failure lists the offenders, with a loop to
// break for a cycle.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { resolve } from 'node:path';
// @ts-expect-error plain ESM script without type declarations
import { cycleOffenders, findCycles, importGraph, longFileOffenders, MAX_LINES, registryWrites } from '../scripts/check-structure.mjs';

const root = resolve('.');

test('no import cycle among the modules of src/, assembly/, bench/ and demo/', () => {
  const offenders: { files: string[]; loop: string[] }[] = cycleOffenders(root);
  assert.equal(offenders.map((c) => c.loop.join(' → ')), [], 'import cycles');
});

test(`no hand-written source file over ${MAX_LINES} lines in src/, assembly/, bench/, demo/, scripts/, test/`, () => {
  const offenders: { file: string; lines: number }[] = longFileOffenders(root);
  assert.equal(offenders.map((f) => `${f.file}: ${f.lines} lines`), [], 'files too long');
});

test('the cycle finder sees a loop, a self-import and a clean graph', () => {
  const g = (o: Record<string, string[]>) => new Map(Object.entries(o));
  assert.equal(findCycles(g({ a: ['b'], b: ['c'], c: ['a'], d: ['a'] })), [{ files: ['a', 'b', 'c'], loop: ['a', 'b', 'c', 'a'] }]);
  assert.equal(findCycles(g({ a: ['a'] })).length, 1);
  assert.equal(findCycles(g({ a: ['b'], b: [], c: ['a', 'b'] })), []);
});

test('the graph covers assembly/, bench/ and demo/, extensionless AssemblyScript imports included', () => {
  const graph: Map<string, string[]> = importGraph(root);
  assert.ok(graph.get('assembly/train.ts')?.includes('assembly/lossgrad.ts'), 'assembly/train.ts → assembly/lossgrad.ts');
  assert.ok(graph.get('bench/lib/machine.ts')?.includes('bench/lib/measure.ts'), 'bench/lib/machine.ts → bench/lib/measure.ts');
  assert.ok(graph.get('demo/main.ts')?.includes('demo/page.ts'), 'demo/main.ts → demo/page.ts');
});

test('a registry filled as a side effect is an edge from the registry to the module that fills it', () => {
  const filler = `import { table } from './registry.js';\nimport { els } from './page.js';\nimport * as ns from './ns.js';
function make() {}
table.make = make;
table['other'] = make;
els.button.disabled = true; // state inside an imported object's member, not a registration
Object.assign(ns, { make });
const local = { a: 1 };
local.a = 2;`;
  assert.equal(registryWrites(filler).sort(), ['./ns.js', './registry.js']);
  assert.equal(registryWrites(`import { table } from './registry.js';\nexport function f() { table.make = f; }`), [], 'inside a function: not at load');
});

test.run();
