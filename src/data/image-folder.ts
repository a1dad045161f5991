// Node-only: a folder of PNG images, one sub-folder per class (dir/<class>/*.png), read into image rows
// with pngjs (loaded on first use, so importing descent does not load a PNG decoder, and browser bundles
// never meet it). Every file is checked (image-png.ts: a regular file, its size from the header, complete image
// data) before it is decoded, and decoded before the Dataset is made, so a corrupted or truncated PNG, an image
// of the wrong size or an empty class folder is a DataError naming the file or folder, with nothing allocated.
import { readdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { DataError, HyperParameterError } from '../errors.js';
import { show } from '../validate.js';
import { checkImageOptions, rgbaToRowChecked, type ImageFolderOptions } from './image.js';
import { checkPng, readRegularFile } from './image-png.js';

/** What reading a folder gives: rows ready for Dataset.fromArrays. */
export interface ImageFolderTable {
  x: Float32Array;
  y: Float32Array;
  rows: number;
  features: number;
  /** Class names (the sub-folders' names, sorted); label i is classes[i]. */
  classes: string[];
  /** [channels, height, width]. */
  imageShape: [number, number, number];
  /** Each row's file, relative to the folder (class/name.png). */
  files: string[];
}

type PngSync = { sync: { read(buffer: Buffer): { width: number; height: number; data: Buffer } } };
let png: PngSync | null = null;

/** pngjs, required on first use. */
function decoder(): PngSync {
  if (png) return png;
  try {
    png = (createRequire(import.meta.url)('pngjs') as { PNG: PngSync }).PNG;
  } catch (e) {
    throw new DataError(`Dataset.fromImageFolder needs the pngjs package (npm install pngjs): ${(e as Error).message}`);
  }
  return png;
}

function list(dir: string, shown: string): string[] {
  try {
    return readdirSync(dir).sort();
  } catch (e) {
    const code = (e as { code?: string }).code;
    throw new DataError(`cannot read folder ${shown}: ${code === 'ENOENT' ? 'no such folder' : code === 'ENOTDIR' ? 'not a folder' : (e as Error).message}`);
  }
}

const isDir = (p: string) => {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
};

/**
 * Reads dir/<class>/*.png (class names from the sub-folders, sorted; files sorted by name; other files and
 * hidden entries skipped). Width and height default to the first image's; without `resize: true` every
 * image must have that size. Pixels as {@link imageToRow} makes them (grey by default, byte / 255).
 */
export function readImageFolder(dir: string, options: ImageFolderOptions = {}): ImageFolderTable {
  if (typeof dir !== 'string' || dir === '') throw new HyperParameterError('fromImageFolder', `expects a folder path, got ${show(dir)}`);
  if (options === null || typeof options !== 'object') throw new HyperParameterError('fromImageFolder', `options must be an object, got ${show(options)}`);
  const resize = options.resize ?? false;
  if (typeof resize !== 'boolean') throw new HyperParameterError('fromImageFolder.resize', `must be true or false, got ${show(resize)}`);
  // Options other than the size are checked now, before any file is read.
  // (Without a size, normalize's per-feature arrays wait for the first image's size.)
  const sized = options.width !== undefined && options.height !== undefined;
  checkImageOptions({ ...options, resize: undefined, width: options.width ?? 1, height: options.height ?? 1, ...(sized ? {} : { normalize: undefined }) },
    'fromImageFolder', ['resize']);
  const classes = list(dir, dir).filter((name) => !name.startsWith('.') && isDir(join(dir, name)));
  if (classes.length === 0) throw new DataError(`${dir}: no class folders (expected ${dir}/<class>/*.png)`);
  if (classes.length === 1) throw new DataError(`${dir}: one class folder ("${classes[0]}"); a classifier needs at least two (${dir}/<class>/*.png)`);
  const files: [string, number][] = [];
  classes.forEach((c, label) => {
    const pngs = list(join(dir, c), join(dir, c)).filter((f) => !f.startsWith('.') && /\.png$/i.test(f));
    if (pngs.length === 0) throw new DataError(`${join(dir, c)}: the class folder "${c}" holds no .png image`);
    for (const f of pngs) files.push([join(c, f), label]);
  });
  const PNG = decoder();
  let checked: ReturnType<typeof checkImageOptions> | null = null;
  const rows: Float32Array[] = [];
  for (const [file, _label] of files) {
    const path = join(dir, file);
    // Checked before decoding: a regular file, a size within the limits (and the expected one), complete data.
    const bytes = readRegularFile(path);
    const want = resize ? undefined : checked ?? (sized ? { width: options.width!, height: options.height! } : undefined);
    const header = checkPng(bytes, path, want);
    if (want && (header.width !== want.width || header.height !== want.height)) {
      throw new DataError(`${path}: the image is ${header.width}×${header.height}, expected ${want.width}×${want.height} ` +
        `(${options.width !== undefined ? 'the width and height asked for' : `the size of ${files[0][0]}`}); pass resize: true to resample`);
    }
    let img: { width: number; height: number; data: Buffer };
    try {
      img = PNG.sync.read(bytes);
    } catch (e) {
      throw new DataError(`${path}: not a readable PNG image (${String((e as Error).message).slice(0, 120)})`);
    }
    if (img.width !== header.width || img.height !== header.height || img.data.length !== header.width * header.height * 4) {
      throw new DataError(`${path}: not a readable PNG image (the decoder gave ${img.width}×${img.height} for a ${header.width}×${header.height} header)`);
    }
    if (!checked) checked = checkImageOptions({ ...options, resize: undefined, width: options.width ?? img.width, height: options.height ?? img.height }, 'fromImageFolder', ['resize']);
    rows.push(rgbaToRowChecked(img, checked, path));
  }
  const c = checked as NonNullable<typeof checked>;
  const features = c.channels * c.width * c.height;
  const x = new Float32Array(rows.length * features);
  rows.forEach((r, i) => x.set(r, i * features));
  return {
    x, y: Float32Array.from(files, ([, label]) => label), rows: rows.length, features, classes,
    imageShape: [c.channels, c.height, c.width], files: files.map(([f]) => f),
  };
}
