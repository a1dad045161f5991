// The structure rules of scripts/check-structure.mjs inside `npm test`: no import cycle in src/ (between files or
// between folders, type-only imports included) and no hand-written source file over 450 lines. Each failure lists
// the offenders, with a loop to break for a cycle.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { resolve } from 'node:path';
// @ts-expect-error plain ESM script without type declarations
import { cycleOffenders, findCycles, longFileOffenders, MAX_LINES } from '../scripts/check-structure.mjs';

const root = resolve('.');

test('no import cycle among src/ modules, except the allowlisted ones the ABI refactor removes', () => {
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

test.run();
