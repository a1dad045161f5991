// File access for browser-safe modules. Dataset.fromCSV(path) and Dataset.builtin(name) need a file
// system, which only Node has; importing node:fs here would break browser bundles. So the Node entry
// (src/node.ts, through data/node.ts, which Node resolves `descent` to) registers a host; browser
// bundles carry no file-reading code at all.
import { DataError } from '../errors.js';
import type { ImageFolderOptions } from './image.js';

/** What reading files needs. */
export interface FileHost {
  /** A text file's contents (UTF-8); throws a DataError when it cannot be read. */
  readText(path: string): string;
  /** A built-in dataset's CSV text. */
  builtinText(name: string): string;
  /** A built-in dataset stored as images (catalog format 'mnist-u8'), decoded: pixels in [0, 1]. */
  builtinImages?(name: string): { x: Float32Array; y: Float32Array; rows: number; features: number };
  /** A folder of PNG images, one sub-folder per class (data/image-folder.ts). */
  imageFolder?(dir: string, options: ImageFolderOptions): { x: Float32Array; y: Float32Array; features: number; classes: string[]; imageShape: number[] };
}

let host: FileHost | undefined;

/** @internal Registers the file host (the Node entry does this). */
export function setFileHost(h: FileHost): void {
  host = h;
}

/** The registered host; without one (a browser, or the default entry loaded without the Node one) a DataError. */
export function fileHost(what: string): FileHost {
  if (host) return host;
  throw new DataError(`${what} reads a file, which needs Node; in a browser, fetch the text and pass it to Dataset.fromCSV`);
}
