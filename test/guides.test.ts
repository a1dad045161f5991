// Every guide in docs/ runs as written: each ```ts block, each `descent` line of a ```sh block, and each ```text
// block after a ts block compared with what it prints (test/_docblocks.ts); a block that cannot run here is marked
// `<!-- not run: reason -->` and listed. The blocks of one guide share a work folder, in order.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { bin, jsonLines, root } from './cli.helpers.js';
import { docBlocks, runDocument, workFolder } from './_docblocks.ts';

const guides = readdirSync(join(root, 'docs')).filter((f) => f.endsWith('.md')).sort();
const work = workFolder();
const totals = { ran: 0, outputs: 0, notRun: [] as string[] };

test('the guides the README links exist', () => {
  for (const g of ['api', 'data', 'models', 'optimizers', 'training', 'evaluation', 'threads', 'cli', 'interchange', 'browsers', 'benchmarks']) {
    assert.ok(guides.includes(`${g}.md`), `docs/${g}.md`);
  }
  assert.match(readFileSync(join(root, 'docs', 'models.md'), 'utf8'), /\n## Transformers\n/);
});

for (const guide of guides) {
  test(`docs/${guide}: every block runs as written and prints what it shows`, () => {
    const blocks = docBlocks(`docs/${guide}`, readFileSync(join(root, 'docs', guide), 'utf8'));
    const { failures, ran, notRun, outputs } = runDocument(work, blocks);
    totals.ran += ran; totals.outputs += outputs; totals.notRun.push(...notRun);
    assert.equal(failures, []);
  });
}

test("the house-price compare of docs/cli.md: no optimizer ends below R² 0.5", () => {
  const r = spawnSync(process.execPath, [bin, 'compare', 'data.csv', '--target', 'price', '--optimizers', 'sgd,adam,rmsprop', '--epochs', '20', '--json'],
    { cwd: work, encoding: 'utf8' });
  assert.is(r.status, 0, r.stderr);
  const runs = jsonLines(r.stdout).filter((e) => e.event === 'run');
  assert.is(runs.length, 3);
  for (const run of runs) assert.ok(run.test.r2 > 0.5, `${run.run}: R² ${run.test.r2}`);
});

test.after(() => {
  console.log(`  docs/*.md: ${totals.ran} blocks run (${totals.outputs} with their output compared), ${totals.notRun.length} marked not run:\n    ${totals.notRun.join('\n    ')}`);
});

test.run();
