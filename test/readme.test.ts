// The README is short and every example in it runs as written (test/_docblocks.ts says how: a prelude for the free
// names, a work folder holding the files examples name, ```text blocks compared with what the code prints,
// `<!-- not run: reason -->` for the blocks that cannot run here). test/types.test.ts compiles its ```ts blocks
// as a strict consumer; test/guides.test.ts runs docs/*.md the same way.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { root } from './cli.helpers.js';
import { docBlocks, runDocument, shellCommands, workFolder } from './_docblocks.ts';

const readme = readFileSync(join(root, 'README.md'), 'utf8');

test('the README is a short tour: at most 300 lines, a quick start of exactly two commands', () => {
  const lines = readme.split('\n').length;
  assert.ok(lines <= 300, `README.md has ${lines} lines`);
  const quick = readme.slice(readme.indexOf('## Quick start'));
  const first = docBlocks('README.md', quick).find((b) => b.lang === 'sh');
  assert.equal(first && shellCommands(first.code), ['npm start', 'npm test']);
  for (const heading of ['## Quick start', '## A first model', '## Three batching strategies', '## Model families', '## Backends and threads', '## Design']) {
    assert.ok(readme.includes(`\n${heading}`), `README.md has "${heading}"`);
  }
});

test('every README block runs as written and prints what it shows', () => {
  const blocks = docBlocks('README.md', readme);
  const { failures, ran, notRun, outputs } = runDocument(workFolder(), blocks);
  console.log(`  README.md: ${ran} blocks run (${outputs} with their output compared), ${notRun.length} marked not run:\n    ${notRun.join('\n    ')}`);
  assert.ok(ran >= 2 && outputs >= 2, `${ran} blocks run, ${outputs} outputs compared`);
  assert.equal(failures, []);
});

test('a block that prints something else fails; numbers agree to their printed precision', async () => {
  const { outputMismatch } = await import('./_docblocks.ts');
  assert.is(outputMismatch('epochs 44 0.9639\n', 'epochs 44 0.9640\n', null), null);
  assert.ok(outputMismatch('epochs 44 0.9639\n', 'epochs 45 0.9639\n', null));
  assert.ok(outputMismatch('epochs 44 0.9639\n', 'epochs 44 0.9650\n', null));
  assert.ok(outputMismatch('tol 44\n', 'epochs 44\n', null));
  assert.ok(outputMismatch('a\nb\n', 'a\n', null));
  assert.is(outputMismatch('loss 0.5\n', 'loss 0.58\n', 0.1), null);
  assert.is(outputMismatch('x 1e-8\n', 'x 1e-8\n', null), null);
});

test('blocks: not-run markers, outputs and diagrams are told apart', () => {
  const text = [
    'Prose.', '', '```ts', 'console.log(1);', '```', '', '```text', '1', '```', '',
    '<!-- not run: needs a browser -->', '```ts', 'document.body;', '```', '',
    '```', 'a diagram', '```', '', '```sh', 'descent datasets', '```', '',
    '```python', 'import torch', '```',
  ].join('\n');
  const b = docBlocks('x.md', text);
  assert.equal(b.map((k) => [k.lang, k.notRun, k.output]), [
    ['ts', null, '1\n'], ['ts', 'needs a browser', null], ['', null, null], ['sh', null, null], ['python', null, null],
  ]);
});

test.run();
