// Every repository path the documentation names exists: README.md, CONTRIBUTING.md and docs/*.md, in backticks, in
// links or in prose. A path is a word starting with one of the repository's folders (src/, assembly/, test/, bench/,
// scripts/, docs/, data/, demo/, examples/, .ci/); a relative link is resolved from its document's folder. Globs
// (`test/*NAME*.test.ts`), placeholders (`assembly/<file>.ts`, `assembly/optim/foo.ts` in a recipe) and addresses
// (https://…) are not paths; build outputs (`demo/dist/`, `*.generated.ts`) are not checked. A moved or deleted
// file then fails here until the text follows it.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, normalize, resolve } from 'node:path';

const root = resolve('.');
const FOLDERS = ['src', 'assembly', 'test', 'bench', 'scripts', 'docs', 'data', 'demo', 'examples', '.ci'];

/** The documents checked, relative to the root. */
export function documents(): string[] {
  return ['README.md', 'CONTRIBUTING.md', ...readdirSync(join(root, 'docs')).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`)];
}

// A placeholder or a pattern, not a file: a glob, <name>, {a,b}, a recipe's `foo`, `NAME`.
const NOT_A_PATH = /[*<>{}$]|\bfoo\b|\bNAME\b|\.\.\./;
// Written by the build (gitignored), so absent from a fresh checkout: not checked.
const GENERATED = /\.generated\.|^demo\/dist(\/|$)/;

/** The repository paths `text` names, with their line numbers; `doc` (relative to the root) resolves relative links. */
export function namedPaths(text: string, doc: string): { path: string; line: number }[] {
  const out: { path: string; line: number }[] = [];
  const lines = text.split('\n');
  const start = new RegExp(`(?<![\\w./:@-])((?:${FOLDERS.map((f) => f.replace('.', '\\.')).join('|')})/[^\\s\`'"),;\\]]*)`, 'g');
  lines.forEach((l, i) => {
    // Addresses are not paths, whatever follows their host.
    const line = l.replace(/[a-z][a-z+.-]*:\/\/[^\s)`'"]+/gi, ' ');
    for (const m of line.matchAll(start)) {
      const p = m[1].replace(/[.:]+$/, '').replace(/:\d+(-\d+)?$/, '').replace(/#.*$/, '');
      if (p && !NOT_A_PATH.test(p)) out.push({ path: p, line: i + 1 });
    }
    // Relative markdown links: [text](path), resolved from the document's folder.
    for (const m of line.matchAll(/\]\(([^)\s]+)\)/g)) {
      const target = m[1].replace(/#.*$/, '');
      if (!target || /^[a-z][a-z+.-]*:/i.test(target) || target.startsWith('/') || NOT_A_PATH.test(target)) continue;
      out.push({ path: normalize(join(dirname(doc), target)).split('\\').join('/'), line: i + 1 });
    }
  });
  return out;
}

test('every file or folder that README.md, CONTRIBUTING.md and docs/*.md name exists', () => {
  const missing: string[] = [];
  let checked = 0;
  for (const doc of documents()) {
    for (const { path, line } of namedPaths(readFileSync(join(root, doc), 'utf8'), doc)) {
      checked++;
      if (!GENERATED.test(path) && !existsSync(join(root, path))) missing.push(`${doc}:${line}: ${path}`);
    }
  }
  assert.ok(checked > 50, `only ${checked} paths found: the extraction is broken`);
  assert.equal(missing, [], 'paths named in the documentation that do not exist');
});

test('what counts as a path: backticks, links and prose; not globs, placeholders, addresses or package names', () => {
  const text = [
    'The loop (`assembly/train.ts`, `runBatches`) and src/training/trainer.ts: see [threads](threads.md#rules).',
    'Globs `test/*NAME*.test.ts`, `src/data/csv-*.ts`, placeholders `assembly/<file>.ts` and `assembly/optim/foo.ts`.',
    'Addresses https://github.com/x/y/blob/main/src/a.ts and [pytorch](https://pytorch.org/docs/); packages `descent-ml/worker`.',
    'Folders `bench/lib/`, a line `src/rng.ts:12`, the end of a sentence in src/minimize.ts.',
  ].join('\n');
  assert.equal(namedPaths(text, 'docs/training.md').map((p) => `${p.line} ${p.path}`), [
    '1 assembly/train.ts', '1 src/training/trainer.ts', '1 docs/threads.md',
    '4 bench/lib/', '4 src/rng.ts', '4 src/minimize.ts',
  ]);
});

test.run();
