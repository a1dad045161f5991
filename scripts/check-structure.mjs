// Structure checks that keep the code base easy to read: no import cycle among the modules of src/, assembly/,
// bench/ and demo/, neither between files nor between folders (type-only imports count: a cycle of types still
// means two modules cannot be understood one at a time), and no hand-written source file over MAX_LINES lines.
// `node scripts/check-structure.mjs` prints the offenders and exits 1; test/structure.test.ts runs the same checks
// inside `npm test`.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

/** The longest a hand-written source file may be. */
export const MAX_LINES = 450;

/** The folders whose modules must not import each other in a cycle. */
export const CYCLE_CHECKED_DIRS = ['src', 'assembly', 'bench', 'demo'];

/** The folders whose source files the line limit applies to. */
export const LINE_CHECKED_DIRS = ['src', 'assembly', 'bench', 'demo', 'scripts', 'test'];

// Nothing is tolerated: fix a new offender instead of listing it here. (The lists held the pieces the ABI
// refactor and the losses rewrite were splitting up; both are done.)
/** Import cycles tolerated, each as the sorted list of the files or folders in it. */
export const ALLOWED_CYCLES = [];
/** Files tolerated over MAX_LINES. */
export const ALLOWED_LONG_FILES = [];

// Sources, not data: fixtures, CSVs and JSON are exempt, as are generated files.
const SOURCE_EXT = /\.(ts|mts|cts|js|mjs|cjs|html|css)$/;
const SKIP_DIRS = new Set(['node_modules', 'dist', 'fixtures', 'results', 'test-results']);

function walk(dir, out = []) {
  if (!existsSync(dir)) return out;
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) {
      if (!SKIP_DIRS.has(name)) walk(path, out);
    } else out.push(path);
  }
  return out;
}

const posix = (p) => p.split(sep).join('/');

// Modules: TypeScript (AssemblyScript included) and the plain ESM scripts beside them (demo/build.mjs).
const MODULE_EXT = /\.(ts|mts|mjs)$/;

/**
 * The import graph of `dirs` (default {@link CYCLE_CHECKED_DIRS}): for each module (relative to root, with forward
 * slashes), the repository files it imports or re-exports, type-only imports and `import()` included. A `.js`
 * specifier resolves to the `.ts` file beside it, an extensionless one (AssemblyScript) to `.ts`.
 */
export function importGraph(root, dirs = CYCLE_CHECKED_DIRS) {
  const files = dirs.flatMap((d) => walk(join(root, d))).filter((f) => MODULE_EXT.test(f) && !f.endsWith('.d.ts'));
  const graph = new Map();
  const filled = []; // [registry, filler]: edges that point against the import
  for (const file of files) {
    const text = readFileSync(file, 'utf8');
    const info = ts.preProcessFile(text, true, true);
    const deps = new Set();
    for (const { fileName } of info.importedFiles) {
      if (!fileName.startsWith('.')) continue;
      const target = resolveSpecifier(dirname(file), fileName);
      if (target) deps.add(posix(relative(root, target)));
    }
    const from = posix(relative(root, file));
    graph.set(from, deps);
    for (const spec of registryWrites(text, file)) {
      const target = resolveSpecifier(dirname(file), spec);
      if (target) filled.push([posix(relative(root, target)), from]);
    }
  }
  for (const [registry, filler] of filled) graph.get(registry)?.add(filler);
  return new Map([...graph].map(([k, v]) => [k, [...v].sort()]));
}

/**
 * The relative specifiers of the imports a module fills as a side effect of being loaded: a top-level
 * `imported.key = …` or `Object.assign(imported, …)` on an imported binding. Whoever reads that registry calls
 * the filling module's code without importing it, so {@link importGraph} adds the edge registry → filler: a cycle
 * hidden that way is still a cycle. A registration through a setter call (data/host.ts `setFileHost`, which the
 * Node entry calls) is a declared plug-in point and is not counted.
 */
export function registryWrites(text, fileName = 'module.ts') {
  if (!/^\s*(?:[\w$]+(?:\.[\w$]+|\[[^\]\n]+\])\s*=[^=]|Object\.assign\()/m.test(text)) return [];
  const source = ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, false);
  const bindings = new Map(); // local name → specifier
  for (const st of source.statements) {
    if (!ts.isImportDeclaration(st) || !ts.isStringLiteral(st.moduleSpecifier) || !st.importClause) continue;
    const spec = st.moduleSpecifier.text;
    if (!spec.startsWith('.')) continue;
    const { name, namedBindings } = st.importClause;
    if (name) bindings.set(name.text, spec);
    if (namedBindings && ts.isNamespaceImport(namedBindings)) bindings.set(namedBindings.name.text, spec);
    if (namedBindings && ts.isNamedImports(namedBindings)) for (const e of namedBindings.elements) bindings.set(e.name.text, spec);
  }
  // The imported object itself gets a key (`registry.key`); `els.button.disabled = …` sets state inside an
  // imported object's member (a DOM element), which registers nothing.
  const owner = (e) => (ts.isPropertyAccessExpression(e) || ts.isElementAccessExpression(e)) && ts.isIdentifier(e.expression)
    ? e.expression.text : undefined;
  const out = new Set();
  for (const st of source.statements) {
    if (!ts.isExpressionStatement(st)) continue;
    const e = st.expression;
    let target;
    if (ts.isBinaryExpression(e) && e.operatorToken.kind === ts.SyntaxKind.EqualsToken) target = owner(e.left);
    else if (ts.isCallExpression(e) && e.expression.getText(source) === 'Object.assign' && e.arguments.length) {
      const first = e.arguments[0];
      target = ts.isIdentifier(first) ? first.text : undefined;
    }
    if (target && bindings.has(target)) out.add(bindings.get(target));
  }
  return [...out];
}

function resolveSpecifier(dir, spec) {
  const base = resolve(dir, spec);
  const candidates = [base.replace(/\.js$/, '.ts'), base.replace(/\.mjs$/, '.mts'), base, `${base}.ts`, join(base, 'index.ts')];
  return candidates.find((c) => existsSync(c) && statSync(c).isFile());
}

/**
 * Every import cycle of the graph, as its strongly connected components of more than one file (or a file that
 * imports itself), each sorted, with one concrete loop through it for the message.
 */
export function findCycles(graph) {
  // Tarjan's algorithm; the recursion is as deep as the longest import chain, a few dozen files.
  let index = 0;
  const idx = new Map(), low = new Map(), onStack = new Set(), stack = [], sccs = [];
  const visit = (v) => {
    idx.set(v, index); low.set(v, index); index++;
    stack.push(v); onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!idx.has(w)) { visit(w); low.set(v, Math.min(low.get(v), low.get(w))); }
      else if (onStack.has(w)) low.set(v, Math.min(low.get(v), idx.get(w)));
    }
    if (low.get(v) === idx.get(v)) {
      const scc = [];
      let w;
      do { w = stack.pop(); onStack.delete(w); scc.push(w); } while (w !== v);
      if (scc.length > 1 || (graph.get(v) ?? []).includes(v)) sccs.push(scc.sort());
    }
  };
  for (const v of [...graph.keys()].sort()) if (!idx.has(v)) visit(v);
  return sccs.map((files) => ({ files, loop: loopThrough(graph, files) }));
}

// A shortest path from the first file back to itself inside the component: what to read to break it.
function loopThrough(graph, files) {
  const inside = new Set(files), start = files[0];
  const prev = new Map([[start, null]]);
  const queue = [start];
  while (queue.length) {
    const v = queue.shift();
    for (const w of graph.get(v) ?? []) {
      if (!inside.has(w)) continue;
      if (w === start) {
        const path = [];
        for (let u = v; u !== null; u = prev.get(u)) path.unshift(u);
        return [...path, start];
      }
      if (!prev.has(w)) { prev.set(w, v); queue.push(w); }
    }
  }
  return files;
}

/**
 * The graph between the units of each checked folder: each folder directly under it is one unit (`src/data`,
 * `bench/lib`), each file at its top is its own (`src/node.ts`). A cycle here that no file-level cycle explains
 * still means two parts lean on each other.
 */
export function folderGraph(graph) {
  const unit = (f) => f.split('/').slice(0, 2).join('/');
  const out = new Map();
  for (const [file, deps] of graph) {
    const from = unit(file);
    const set = out.get(from) ?? new Set();
    for (const d of deps) if (unit(d) !== from) set.add(unit(d));
    out.set(from, set);
  }
  return new Map([...out].map(([k, v]) => [k, [...v].sort()]));
}

/** Import cycles in the checked folders, between files or between folders, that are not in ALLOWED_CYCLES. */
export function cycleOffenders(root) {
  const allowed = new Set(ALLOWED_CYCLES.map((c) => [...c].sort().join(' ')));
  const files = importGraph(root);
  const seen = new Set();
  // A loop of top-level files is a cycle of both graphs: report it once.
  return [...findCycles(files), ...findCycles(folderGraph(files))].filter((c) => {
    const key = c.files.join(' ');
    if (allowed.has(key) || seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** Hand-written source files over MAX_LINES lines that are not in ALLOWED_LONG_FILES, longest first. */
export function longFileOffenders(root) {
  const out = [];
  for (const dir of LINE_CHECKED_DIRS) {
    for (const file of walk(join(root, dir))) {
      const rel = posix(relative(root, file));
      if (!SOURCE_EXT.test(rel) || rel.includes('.generated.') || ALLOWED_LONG_FILES.includes(rel)) continue;
      const text = readFileSync(file, 'utf8');
      const lines = text.split('\n').length - (text.endsWith('\n') ? 1 : 0);
      if (lines > MAX_LINES) out.push({ file: rel, lines });
    }
  }
  return out.sort((a, b) => b.lines - a.lines);
}

/** Both checks as printable lines; empty when the tree passes. */
export function structureReport(root) {
  const lines = [];
  for (const c of cycleOffenders(root)) lines.push(`import cycle: ${c.loop.join(' → ')}  (component: ${c.files.join(', ')})`);
  for (const f of longFileOffenders(root)) lines.push(`too long: ${f.file} has ${f.lines} lines (limit ${MAX_LINES})`);
  return lines;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
  const problems = structureReport(root);
  for (const p of problems) console.error(p);
  if (problems.length) process.exit(1);
  console.log(`structure ok: no import cycle in ${CYCLE_CHECKED_DIRS.join('/, ')}/, no hand-written file over ${MAX_LINES} lines`);
}
