// File access for browser-safe modules. Dataset.fromCSV(path) and Dataset.builtin(name) need a file
// system, which only Node has; importing node:fs here would break browser bundles. So the Node entry
// (src/node.ts, through data/node.ts) registers a host, and without one we fall back on
// process.getBuiltinModule (Node ≥ 20.16), which bundlers do not see as an import.
import { DataError } from '../errors.js';

/** What reading files needs. */
export interface FileHost {
  /** A text file's contents (UTF-8); throws a DataError when it cannot be read. */
  readText(path: string): string;
  /** A built-in dataset's CSV text. */
  builtinText(name: string): string;
}

let host: FileHost | undefined;

/** @internal Registers the file host (the Node entry does this). */
export function setFileHost(h: FileHost): void {
  host = h;
}

type ReadFileSync = (path: string | URL, encoding: 'utf8') => string;

/** A host over an fs.readFileSync, with errors turned into one-line DataErrors. */
export function makeFileHost(readFileSync: ReadFileSync): FileHost {
  // A variable, not a literal second argument: bundlers treat new URL('…', import.meta.url) as an asset.
  const here = import.meta.url;
  const read = (path: string | URL, shown: string): string => {
    try {
      return readFileSync(path, 'utf8');
    } catch (e) {
      const code = (e as { code?: string }).code;
      const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a directory'
        : code === 'EACCES' || code === 'EPERM' ? 'permission denied' : (e as Error).message;
      throw new DataError(`cannot read ${shown}: ${why}`);
    }
  };
  return {
    readText: (path) => read(path, path),
    builtinText: (name) => read(new URL(`../../data/${name}.csv`, here), `built-in dataset ${name}`),
  };
}

/** The registered host, or one made from Node's fs when the engine offers it; else a DataError. */
export function fileHost(what: string): FileHost {
  if (host) return host;
  const proc = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
  const fs = typeof proc?.getBuiltinModule === 'function' ? proc.getBuiltinModule('node:fs') as { readFileSync?: ReadFileSync } | undefined : undefined;
  if (fs?.readFileSync) return (host = makeFileHost(fs.readFileSync));
  throw new DataError(`${what} reads a file, which needs Node; in a browser, fetch the text and pass it to Dataset.fromCSV`);
}
