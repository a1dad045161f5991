// Images to rows: the pixels of an ImageData, a canvas or decoded PNG bytes (RGBA, 8 bits) turned into one
// Float32Array row of a model's input shape [channels, height, width]. Browser-safe (no fs, no decoder): the
// Node folder loader (image-folder.ts) decodes PNGs with pngjs and comes through rgbaToRow too, so a picture
// gives the same row in a page and in Node. Values are on the built-in MNIST rows' scale: a grey byte k of
// an image already at the model's size becomes exactly k / 255 as f32, the value Dataset.builtin('mnist') holds.
import { DataError, HyperParameterError, ShapeError } from '../errors.js';
import { bool, int, num, onlyKeys, show } from '../validate.js';

/** Decoded pixels: `width × height` RGBA quadruplets of bytes, row-major (what ImageData and pngjs give). */
export interface RgbaImage {
  data: ArrayLike<number>;
  width: number;
  height: number;
}

/**
 * A canvas to read pixels from through its 2d context: an HTMLCanvasElement or an OffscreenCanvas. Described by
 * shape rather than by the DOM's names, so that a Node project compiles descent's types without the DOM library.
 */
export interface CanvasLike {
  width: number;
  height: number;
  getContext(contextId: '2d'): { getImageData(sx: number, sy: number, sw: number, sh: number): RgbaImage } | null;
}

/** What {@link imageToRow} reads: an ImageData (or any {@link RgbaImage}), or a canvas (HTMLCanvasElement, OffscreenCanvas). */
export type ImageSource = RgbaImage | CanvasLike;

/** Options of {@link imageToRow}. */
export interface ImageRowOptions {
  /** The model's input width; the image is resampled (area average) when it differs. */
  width: number;
  /** The model's input height. */
  height: number;
  /** 1 (grey: luma 0.299 R + 0.587 G + 0.114 B, as ITU-R BT.601 and PIL's 'L') or 3 (R, G, B planes). Default 1. */
  channels?: 1 | 3;
  /** 1 − value: dark ink on a light background becomes MNIST's light ink on black. Default false. */
  invert?: boolean;
  /** The grey level in [0, 1] that transparent pixels are composited over (as a page shows them). Default 1 (white). */
  background?: number;
  /**
   * Prepare the image as MNIST's digits were: crop to the ink (values above 0.1 after `invert`), scale it to
   * fit a box of 20/28 of the output keeping its aspect ratio, and put its centre of mass in the middle.
   * Assumes light ink on a dark background (after `invert`). Default false.
   */
  center?: boolean;
  /** Standardize after scaling to [0, 1]: (v − mean) / std, per feature (arrays) or for all (numbers); std 0 only centres. */
  normalize?: { mean: number | ArrayLike<number>; std: number | ArrayLike<number> };
}

/** Options of Dataset.fromImageFolder (Node): {@link ImageRowOptions}, with the size optional, and `resize`. */
export interface ImageFolderOptions extends Omit<ImageRowOptions, 'width' | 'height'> {
  /** Width of every image; default the first image's. */
  width?: number;
  /** Height of every image; default the first image's. */
  height?: number;
  /** Resample images of another size to width × height (area average) instead of rejecting them. Default false. */
  resize?: boolean;
}

/** The fields of the options, for onlyKeys. */
const KEYS = ['width', 'height', 'channels', 'invert', 'background', 'center', 'normalize'] as const;
/** Largest side accepted for a source or an output: a guard against a mistyped size allocating gigabytes. */
const MAX_SIDE = 1 << 14;
/** Ink threshold of `center`. */
const INK = 0.1;

/** Checked options with their defaults. */
interface Checked {
  width: number;
  height: number;
  channels: 1 | 3;
  invert: boolean;
  background: number;
  center: boolean;
  mean: Float64Array | null;
  std: Float64Array | null;
}

/** Checks {@link ImageRowOptions} (HyperParameterError naming the option). `extra` keys are the caller's own. */
export function checkImageOptions(o: unknown, what = 'imageToRow', extra: readonly string[] = []): Checked {
  if (o === null || typeof o !== 'object') throw new HyperParameterError(what, `options must be an object { width, height, channels? }, got ${show(o)}`);
  const opt = o as ImageRowOptions;
  onlyKeys(what, opt, [...KEYS, ...extra]);
  if (opt.width === undefined || opt.height === undefined) throw new HyperParameterError(`${what}.width`, 'width and height (the model\'s input size) are required');
  const width = int(`${what}.width`, opt.width, 0, 1, MAX_SIDE);
  const height = int(`${what}.height`, opt.height, 0, 1, MAX_SIDE);
  const channels = int(`${what}.channels`, opt.channels, 1, 1, 3);
  if (channels === 2) throw new HyperParameterError(`${what}.channels`, 'must be 1 (grey) or 3 (RGB), got 2');
  const features = channels * width * height;
  let mean: Float64Array | null = null, std: Float64Array | null = null;
  if (opt.normalize !== undefined) {
    const n = opt.normalize;
    if (n === null || typeof n !== 'object') throw new HyperParameterError(`${what}.normalize`, `must be { mean, std }, got ${show(n)}`);
    const vec = (key: 'mean' | 'std'): Float64Array => {
      const v = n[key];
      const out = new Float64Array(features);
      if (typeof v === 'number') out.fill(v);
      else if (v !== null && typeof v === 'object' && typeof v.length === 'number') {
        if (v.length !== features) throw new ShapeError(`${what}.normalize.${key}: ${v.length} values for ${features} features (${channels}×${height}×${width})`);
        for (let i = 0; i < features; i++) out[i] = v[i];
      } else throw new HyperParameterError(`${what}.normalize.${key}`, `must be a number or one number per feature, got ${show(v)}`);
      for (let i = 0; i < features; i++) {
        if (!Number.isFinite(out[i]) || (key === 'std' && out[i] < 0)) {
          throw new HyperParameterError(`${what}.normalize.${key}[${i}]`, `must be a finite number${key === 'std' ? ' ≥ 0' : ''}, got ${show(out[i])}`);
        }
      }
      return out;
    };
    mean = vec('mean');
    std = vec('std');
  }
  return {
    width, height, channels: channels as 1 | 3,
    invert: bool(`${what}.invert`, opt.invert, false),
    background: num(`${what}.background`, opt.background, 1, { min: 0, max: 1 }),
    center: bool(`${what}.center`, opt.center, false),
    mean, std,
  };
}

/**
 * One row of a model's input ([channels, height, width], channel-major) from an ImageData, a canvas (its 2d
 * context's pixels) or any `{ data, width, height }` of RGBA bytes. Values are in [0, 1] (byte / 255, as the
 * built-in MNIST rows), then `normalize` if given. Predict with it: `model.predictProba(imageToRow(canvas,
 * { width: 28, height: 28, invert: true, center: true }))`.
 */
export function imageToRow(source: ImageSource, options: ImageRowOptions): Float32Array {
  const o = checkImageOptions(options);
  return rgbaToRowChecked(readPixels(source), o, 'image');
}

/** {@link imageToRow} over decoded RGBA bytes; `name` (a file) goes into error messages. @internal */
export function rgbaToRow(img: RgbaImage, options: ImageRowOptions, name = 'image'): Float32Array {
  return rgbaToRowChecked(img, checkImageOptions(options), name);
}

/** @internal with options already checked. */
export function rgbaToRowChecked(img: RgbaImage, o: Checked, name: string): Float32Array {
  const { width: sw, height: sh, data } = img;
  if (!Number.isInteger(sw) || !Number.isInteger(sh) || sw < 1 || sh < 1 || sw > MAX_SIDE || sh > MAX_SIDE) {
    throw new ShapeError(`${name}: size ${show(sw)}×${show(sh)} is not an image size (1 to ${MAX_SIDE} pixels a side)`);
  }
  if (!data || data.length !== sw * sh * 4) {
    throw new ShapeError(`${name}: ${data?.length ?? 0} bytes of pixels, expected ${sw * sh * 4} (RGBA for ${sw}×${sh})`);
  }
  const C = o.channels, n = sw * sh;
  // Source planes in [0, 1] (f64), after compositing over the background, grey conversion and inversion.
  const planes: Float64Array[] = [];
  for (let c = 0; c < C; c++) planes.push(new Float64Array(n));
  const bg = o.background * 255;
  for (let p = 0, q = 0; p < n; p++, q += 4) {
    const a = data[q + 3];
    for (let c = 0; c < C; c++) {
      // Integer luma weights (PIL's): a grey pixel (R = G = B = k) gives k exactly.
      const k = C === 1 ? (data[q] * 299 + data[q + 1] * 587 + data[q + 2] * 114) / 1000 : data[q + c];
      // Over the background: (k·a + bg·(255 − a)) / 255², which is k / 255 exactly when opaque.
      let v = a === 255 ? k / 255 : (k * a + bg * (255 - a)) / 65025;
      if (o.invert) v = 1 - v;
      planes[c][p] = v;
    }
  }
  const { width: W, height: H } = o;
  const out = new Float32Array(C * W * H);
  const placed = o.center ? centerInk(planes, sw, sh, W, H) : null;
  for (let c = 0; c < C; c++) {
    const plane = placed ? placed[c] : sw === W && sh === H ? planes[c] : resample(planes[c], sw, sh, W, H);
    out.set(plane, c * W * H);
  }
  if (o.mean && o.std) {
    for (let i = 0; i < out.length; i++) out[i] = (out[i] - o.mean[i]) / (o.std[i] > 0 ? o.std[i] : 1);
  }
  for (let i = 0; i < out.length; i++) {
    if (!Number.isFinite(out[i])) throw new DataError(`${name}: feature ${i} becomes ${out[i]} after normalize (std too small for float32)`, { column: i });
  }
  return out;
}

/** The RGBA pixels of a source (a canvas is read through its 2d context). */
function readPixels(source: ImageSource): RgbaImage {
  if (source === null || typeof source !== 'object') throw new DataError(`imageToRow: expected an ImageData, a canvas or { data, width, height }, got ${show(source)}`);
  const s = source as Partial<RgbaImage> & { getContext?: (kind: '2d') => unknown };
  if (s.data !== undefined) return s as RgbaImage;
  if (typeof s.getContext === 'function') {
    const w = s.width as number, h = s.height as number;
    if (!(w >= 1 && h >= 1)) throw new ShapeError(`imageToRow: the canvas is ${w}×${h}; it has no pixels`);
    const g = s.getContext('2d') as { getImageData(x: number, y: number, w: number, h: number): RgbaImage } | null;
    if (!g) throw new DataError('imageToRow: the canvas has no 2d context (it already holds a WebGL or bitmap context); pass its ImageData');
    return g.getImageData(0, 0, w, h);
  }
  throw new DataError('imageToRow: expected an ImageData, a canvas or { data, width, height }, got an object without pixels');
}

/**
 * Area-average resampling of one plane (each output pixel is the mean of the source area it covers, with
 * fractional weights at its edges): no aliasing when a 280-pixel canvas becomes 28 pixels.
 */
export function resample(src: Float64Array, sw: number, sh: number, dw: number, dh: number): Float64Array {
  const wx = weights(sw, dw), wy = weights(sh, dh);
  const tmp = new Float64Array(dw * sh);
  for (let y = 0; y < sh; y++) {
    for (let x = 0; x < dw; x++) {
      let s = 0;
      for (const [i, w] of wx[x]) s += src[y * sw + i] * w;
      tmp[y * dw + x] = s;
    }
  }
  const out = new Float64Array(dw * dh);
  for (let y = 0; y < dh; y++) {
    for (let x = 0; x < dw; x++) {
      let s = 0;
      for (const [i, w] of wy[y]) s += tmp[i * dw + x] * w;
      out[y * dw + x] = s;
    }
  }
  return out;
}

/** For each of `m` output cells, the source cells of an axis of `n` it covers and their weights (summing to 1). */
function weights(n: number, m: number): [number, number][][] {
  const out: [number, number][][] = [];
  const step = n / m;
  for (let j = 0; j < m; j++) {
    const a = j * step, b = (j + 1) * step;
    const cells: [number, number][] = [];
    for (let i = Math.floor(a); i < Math.min(n, Math.ceil(b)); i++) {
      const w = (Math.min(b, i + 1) - Math.max(a, i)) / step;
      if (w > 0) cells.push([i, w]);
    }
    out.push(cells);
  }
  return out;
}

/**
 * MNIST's preparation: the ink's bounding box scaled into 20/28 of the output (aspect kept), placed so that its
 * centre of mass is the output's centre. Null when there is no ink (the plain resize is used then).
 */
function centerInk(planes: Float64Array[], sw: number, sh: number, W: number, H: number): Float64Array[] | null {
  const C = planes.length;
  const ink = (p: number) => {
    let s = 0;
    for (let c = 0; c < C; c++) s += planes[c][p];
    return s / C;
  };
  let x0 = sw, y0 = sh, x1 = -1, y1 = -1;
  for (let y = 0; y < sh; y++) {
    for (let x = 0; x < sw; x++) {
      if (ink(y * sw + x) > INK) {
        if (x < x0) x0 = x;
        if (x > x1) x1 = x;
        if (y < y0) y0 = y;
        if (y > y1) y1 = y;
      }
    }
  }
  if (x1 < 0) return null;
  const bw = x1 - x0 + 1, bh = y1 - y0 + 1;
  const scale = (Math.min(W, H) * 20) / 28 / Math.max(bw, bh);
  const nw = Math.max(1, Math.min(W, Math.round(bw * scale))), nh = Math.max(1, Math.min(H, Math.round(bh * scale)));
  const boxes = planes.map((pl) => {
    const crop = new Float64Array(bw * bh);
    for (let y = 0; y < bh; y++) crop.set(pl.subarray((y0 + y) * sw + x0, (y0 + y) * sw + x0 + bw), y * bw);
    return resample(crop, bw, bh, nw, nh);
  });
  let m = 0, mx = 0, my = 0;
  for (let y = 0; y < nh; y++) {
    for (let x = 0; x < nw; x++) {
      let v = 0;
      for (const b of boxes) v += b[y * nw + x];
      m += v;
      mx += v * (x + 0.5);
      my += v * (y + 0.5);
    }
  }
  const cx = m > 0 ? mx / m : nw / 2, cy = m > 0 ? my / m : nh / 2;
  const ox = Math.max(0, Math.min(W - nw, Math.round(W / 2 - cx)));
  const oy = Math.max(0, Math.min(H - nh, Math.round(H / 2 - cy)));
  return boxes.map((b) => {
    const out = new Float64Array(W * H);
    for (let y = 0; y < nh; y++) out.set(b.subarray(y * nw, (y + 1) * nw), (oy + y) * W + ox);
    return out;
  });
}
