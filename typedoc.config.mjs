// TypeDoc (`npm run docs`): the API reference of every entry point the package exports, read from package.json's
// "exports" (each condition's dist/<file>.d.ts is src/<file>.ts), so a new subpath is documented without editing
// this file. Warnings are errors: a broken {@link}, an unknown tag or an exported name missing from the
// reference fails the build. The output (build/api/) is not committed.
import { readFileSync } from 'node:fs';

const pkg = JSON.parse(readFileSync(new URL('./package.json', import.meta.url), 'utf8'));

/** Every dist/*.d.ts a subpath's conditions name, as its source file. */
function entryPoints(exports) {
  const out = new Set();
  const visit = (v) => {
    if (typeof v === 'string') {
      const m = /^\.\/dist\/(.+)\.(?:d\.ts|js)$/.exec(v);
      if (m) out.add(`src/${m[1]}.ts`);
    } else if (v && typeof v === 'object') {
      for (const inner of Object.values(v)) visit(inner);
    }
  };
  for (const [subpath, target] of Object.entries(exports)) {
    // The worker script is a program for new Worker(), with nothing to import.
    if (subpath === './worker-script') continue;
    visit(target);
  }
  return [...out].sort();
}

/** @type {Partial<import('typedoc').TypeDocOptions>} */
export default {
  entryPoints: entryPoints(pkg.exports),
  entryPointStrategy: 'resolve',
  tsconfig: './tsconfig.json',
  out: 'build/api',
  name: 'descent-ml',
  readme: 'none',
  excludeInternal: true,
  excludePrivate: true,
  treatWarningsAsErrors: true,
  // Source links need a hosted git remote; a clone of a local repository (CI's) has none.
  disableSources: true,
  // Type plumbing that exported types are built from, not names a user writes: the registry's mapped types behind
  // LayerSpec, the rule table behind optimizerDefaults, the worker protocol's messages and listener table.
  intentionallyNotExported: [
    'src/models/layers/index.ts:SpecOf', 'src/models/layers/index.ts:Defs', 'src/optim/spec.ts:OptimizerSpec',
    'src/worker/protocol.ts:ToWorker', 'src/worker/client.ts:Listeners',
  ],
  validation: { notExported: true, invalidLink: true, notDocumented: false },
};
