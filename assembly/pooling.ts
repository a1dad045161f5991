// 2-D pooling of NCHW images (one image per row, C·H·W f32), window `size`, stride `s`, no padding; the
// output is floor((H − size)/s) + 1 by floor((W − size)/s) + 1, as PyTorch's default (ceil_mode=False).
// Max pooling keeps each output's argmax (i32, the index in its image) for the backward pass; ties keep
// the first maximum in row-major window order, as PyTorch's CPU kernel. The 2×2 stride-2 max pool runs four
// windows per f32x4 step in the SIMD build (the same comparisons, so the same values and argmax); the rest
// are scalar loops.
import {
  L_X, L_Y, L_DX, L_DY, MAX_POOL2D_CHANNELS, MAX_POOL2D_HEIGHT, MAX_POOL2D_WIDTH, MAX_POOL2D_OUT_HEIGHT, MAX_POOL2D_OUT_WIDTH,
  MAX_POOL2D_SIZE, MAX_POOL2D_STRIDE, MAX_POOL2D_ARGMAX, AVG_POOL2D_CHANNELS, AVG_POOL2D_HEIGHT, AVG_POOL2D_WIDTH,
  AVG_POOL2D_OUT_HEIGHT, AVG_POOL2D_OUT_WIDTH, AVG_POOL2D_SIZE, AVG_POOL2D_STRIDE,
} from "./abi.generated";
import { int, wsAt, wsOpt } from "./slots";

/** y (n × C×OH×OW) = the window maxima of x (n × C×H×W); arg (i32, same count as y) = where they were. */
export function maxPool2dForward(y: usize, arg: usize, x: usize, n: i32, C: i32, H: i32, W: i32, size: i32, s: i32,
  OH: i32, OW: i32): void {
  const planes = n * C;
  if (size == 2 && s == 2) {
    maxPool2x2Forward(y, arg, x, planes, C, H, W, OH, OW);
    return;
  }
  let o: usize = 0;
  for (let pl = 0; pl < planes; pl++) {
    const xp = x + (<usize>(pl * H * W) << 2);
    const base = (pl % C) * H * W;
    for (let oh = 0; oh < OH; oh++) {
      for (let ow = 0; ow < OW; ow++) {
        let best = (oh * s) * W + ow * s;
        let m = load<f32>(xp + (<usize>best << 2));
        for (let ki = 0; ki < size; ki++) {
          const r = (oh * s + ki) * W + ow * s;
          for (let kj = 0; kj < size; kj++) {
            const v = load<f32>(xp + (<usize>(r + kj) << 2));
            // An integer select and a reload, not a branch (see maxPool2x2Forward).
            best = select<i32>(r + kj, best, <i32>(v > m) | <i32>(v != v));
            m = load<f32>(xp + (<usize>best << 2));
          }
        }
        store<f32>(y + (o << 2), m);
        store<i32>(arg + (o << 2), base + best);
        o++;
      }
    }
  }
}

/**
 * The 2×2, stride 2 case (every CNN's pool), unrolled: the same scan order ((0,0), (0,1), (1,0), (1,1)) and
 * the same rule (a later value wins only if greater, or NaN) as the general loop, so the result and the
 * argmax are the same; without the two window loops and their index arithmetic it runs several times faster.
 */
function maxPool2x2Forward(y: usize, arg: usize, x: usize, planes: i32, C: i32, H: i32, W: i32, OH: i32, OW: i32): void {
  const rowB = <usize>W << 2;
  let o: usize = 0;
  for (let pl = 0; pl < planes; pl++) {
    const xp = x + (<usize>(pl * H * W) << 2);
    const base = (pl % C) * H * W;
    for (let oh = 0; oh < OH; oh++) {
      const r0 = (oh * 2) * W;
      const p0 = xp + (<usize>r0 << 2);
      let ow = 0;
      if (ASC_FEATURE_SIMD) {
        // Four windows at a time: the even and odd columns of both rows split out by shuffles, then the same
        // scan and rule as below, lane by lane (selects of the value instead of a reload: the same value).
        const lane = i32x4(0, 2, 4, 6);
        for (; ow + 4 <= OW; ow += 4) {
          const a = p0 + (<usize>(ow * 2) << 2);
          const x0 = v128.load(a), x1 = v128.load(a, 16), y0 = v128.load(a + rowB), y1 = v128.load(a + rowB, 16);
          let m = i32x4.shuffle(x0, x1, 0, 2, 4, 6);
          const i00 = i32x4.add(lane, i32x4.splat(r0 + ow * 2));
          let best = i00;
          let v = i32x4.shuffle(x0, x1, 1, 3, 5, 7);
          let take = v128.or(f32x4.gt(v, m), f32x4.ne(v, v));
          best = v128.bitselect(i32x4.add(i00, i32x4.splat(1)), best, take);
          m = v128.bitselect(v, m, take);
          v = i32x4.shuffle(y0, y1, 0, 2, 4, 6);
          take = v128.or(f32x4.gt(v, m), f32x4.ne(v, v));
          best = v128.bitselect(i32x4.add(i00, i32x4.splat(W)), best, take);
          m = v128.bitselect(v, m, take);
          v = i32x4.shuffle(y0, y1, 1, 3, 5, 7);
          take = v128.or(f32x4.gt(v, m), f32x4.ne(v, v));
          best = v128.bitselect(i32x4.add(i00, i32x4.splat(W + 1)), best, take);
          m = v128.bitselect(v, m, take);
          v128.store(y + (o << 2), m);
          v128.store(arg + (o << 2), i32x4.add(best, i32x4.splat(base)));
          o += 4;
        }
      }
      for (; ow < OW; ow++) {
        const a = p0 + (<usize>(ow * 2) << 2);
        let m = load<f32>(a);
        let best = r0 + ow * 2;
        // Integer selects, then one reload, not branches: on real activations each comparison is a coin toss the
        // predictor loses (pooling was 15% of a CNN epoch), and V8 turns an f32 select back into a branch.
        let v = load<f32>(a, 4);
        best = select<i32>(best + 1, best, <i32>(v > m) | <i32>(v != v));
        m = load<f32>(xp + (<usize>best << 2));
        v = load<f32>(a + rowB);
        best = select<i32>(r0 + W + ow * 2, best, <i32>(v > m) | <i32>(v != v));
        m = load<f32>(xp + (<usize>best << 2));
        v = load<f32>(a + rowB, 4);
        best = select<i32>(r0 + W + ow * 2 + 1, best, <i32>(v > m) | <i32>(v != v));
        m = load<f32>(xp + (<usize>best << 2));
        store<f32>(y + (o << 2), m);
        store<i32>(arg + (o << 2), base + best);
        o++;
      }
    }
  }
}

/** dx (n × C×H×W, overwritten) = each output's gradient sent to its argmax (added where windows overlap). */
export function maxPool2dBackward(dx: usize, dy: usize, arg: usize, n: i32, C: i32, H: i32, W: i32, OH: i32, OW: i32): void {
  const img = C * H * W, per = C * OH * OW;
  memory.fill(dx, 0, <usize>(n * img) << 2);
  for (let i = 0; i < n; i++) {
    const dxi = dx + (<usize>(i * img) << 2);
    for (let j = 0; j < per; j++) {
      const o = <usize>(i * per + j) << 2;
      const q = dxi + (<usize>load<i32>(arg + o) << 2);
      store<f32>(q, load<f32>(q) + load<f32>(dy + o));
    }
  }
}

/**
 * maxPool2dBackward for 2×2 windows, stride 2 (the layer's path for them): windows do not overlap, so each input of a window is written once, 0 + dy at the
 * argmax (the sum the general loop forms on its zeroed dx) and 0 elsewhere; no zeroing pass and no
 * read-modify-write scatter except where the windows leave rows or columns uncovered (odd H or W).
 */
function maxPool2x2Backward(dx: usize, dy: usize, arg: usize, planes: i32, C: i32, H: i32, W: i32, OH: i32, OW: i32): void {
  if (2 * OH != H || 2 * OW != W) memory.fill(dx, 0, <usize>(planes * H * W) << 2);
  const rowB = <usize>W << 2;
  let o: usize = 0;
  for (let pl = 0; pl < planes; pl++) {
    const xp = dx + (<usize>(pl * H * W) << 2);
    const base = (pl % C) * H * W;
    for (let oh = 0; oh < OH; oh++) {
      const r0 = base + (oh * 2) * W;
      const p0 = xp + (<usize>(oh * 2 * W) << 2);
      let ow = 0;
      if (ASC_FEATURE_SIMD) {
        const lane = i32x4(0, 2, 4, 6);
        for (; ow + 4 <= OW; ow += 4) {
          const a = v128.load(arg + (o << 2));
          const d = f32x4.add(v128.load(dy + (o << 2)), f32x4.splat(0));
          const i00 = i32x4.add(lane, i32x4.splat(r0 + ow * 2));
          const v00 = v128.and(d, i32x4.eq(a, i00)), v01 = v128.and(d, i32x4.eq(a, i32x4.add(i00, i32x4.splat(1))));
          const v10 = v128.and(d, i32x4.eq(a, i32x4.add(i00, i32x4.splat(W))));
          const v11 = v128.and(d, i32x4.eq(a, i32x4.add(i00, i32x4.splat(W + 1))));
          const q = p0 + (<usize>(ow * 2) << 2);
          v128.store(q, i32x4.shuffle(v00, v01, 0, 4, 1, 5));
          v128.store(q, i32x4.shuffle(v00, v01, 2, 6, 3, 7), 16);
          v128.store(q + rowB, i32x4.shuffle(v10, v11, 0, 4, 1, 5));
          v128.store(q + rowB, i32x4.shuffle(v10, v11, 2, 6, 3, 7), 16);
          o += 4;
        }
      }
      for (; ow < OW; ow++) {
        const a = load<i32>(arg + (o << 2));
        const d = load<f32>(dy + (o << 2)) + <f32>0;
        const i00 = r0 + ow * 2;
        const q = p0 + (<usize>(ow * 2) << 2);
        store<f32>(q, a == i00 ? d : 0);
        store<f32>(q, a == i00 + 1 ? d : 0, 4);
        store<f32>(q + rowB, a == i00 + W ? d : 0);
        store<f32>(q + rowB, a == i00 + W + 1 ? d : 0, 4);
        o++;
      }
    }
  }
}

/** y (n × C×OH×OW) = the window means of x (n × C×H×W). */
export function avgPool2dForward(y: usize, x: usize, n: i32, C: i32, H: i32, W: i32, size: i32, s: i32, OH: i32, OW: i32): void {
  const planes = n * C;
  const inv: f32 = <f32>1 / <f32>(size * size);
  let o: usize = 0;
  for (let pl = 0; pl < planes; pl++) {
    const xp = x + (<usize>(pl * H * W) << 2);
    for (let oh = 0; oh < OH; oh++) {
      for (let ow = 0; ow < OW; ow++) {
        let t: f32 = 0;
        for (let ki = 0; ki < size; ki++) {
          const r = xp + (<usize>((oh * s + ki) * W + ow * s) << 2);
          for (let kj = 0; kj < size; kj++) t += load<f32>(r + (<usize>kj << 2));
        }
        store<f32>(y + (o << 2), t * inv);
        o++;
      }
    }
  }
}

/** dx (n × C×H×W, overwritten) = each output's gradient spread evenly over its window. */
export function avgPool2dBackward(dx: usize, dy: usize, n: i32, C: i32, H: i32, W: i32, size: i32, s: i32, OH: i32, OW: i32): void {
  const planes = n * C;
  const inv: f32 = <f32>1 / <f32>(size * size);
  memory.fill(dx, 0, <usize>(planes * H * W) << 2);
  let o: usize = 0;
  for (let pl = 0; pl < planes; pl++) {
    const xp = dx + (<usize>(pl * H * W) << 2);
    for (let oh = 0; oh < OH; oh++) {
      for (let ow = 0; ow < OW; ow++) {
        const g = load<f32>(dy + (o << 2)) * inv;
        for (let ki = 0; ki < size; ki++) {
          const r = xp + (<usize>((oh * s + ki) * W + ow * s) << 2);
          for (let kj = 0; kj < size; kj++) {
            const q = r + (<usize>kj << 2);
            store<f32>(q, load<f32>(q) + g);
          }
        }
        o++;
      }
    }
  }
}

// The pooling layers over a network record (abi.json layerKinds `maxPool2d`, `avgPool2d`).

/** x is (n, C, H, W): y (n, C, OH, OW) = window maxima, their argmax kept. */
export function maxPool2dLayerForward(L: usize, ws: usize, params: usize, stats: usize, n: i32, training: bool, pack: usize, rng: usize): void {
  maxPool2dForward(wsAt(ws, L, L_Y), wsAt(ws, L, MAX_POOL2D_ARGMAX), wsAt(ws, L, L_X), n, int(L, MAX_POOL2D_CHANNELS),
    int(L, MAX_POOL2D_HEIGHT), int(L, MAX_POOL2D_WIDTH), int(L, MAX_POOL2D_SIZE), int(L, MAX_POOL2D_STRIDE),
    int(L, MAX_POOL2D_OUT_HEIGHT), int(L, MAX_POOL2D_OUT_WIDTH));
}

/** dx (n, C, H, W) = dy routed to each window's argmax. */
export function maxPool2dLayerBackward(L: usize, ws: usize, params: usize, g: usize, n: i32, training: bool, pack: usize): void {
  const dx = wsOpt(ws, L, L_DX);
  if (dx == 0) return;
  const C = int(L, MAX_POOL2D_CHANNELS), H = int(L, MAX_POOL2D_HEIGHT), W = int(L, MAX_POOL2D_WIDTH);
  const OH = int(L, MAX_POOL2D_OUT_HEIGHT), OW = int(L, MAX_POOL2D_OUT_WIDTH);
  const dy = wsAt(ws, L, L_DY), arg = wsAt(ws, L, MAX_POOL2D_ARGMAX);
  if (int(L, MAX_POOL2D_SIZE) == 2 && int(L, MAX_POOL2D_STRIDE) == 2) maxPool2x2Backward(dx, dy, arg, n * C, C, H, W, OH, OW);
  else maxPool2dBackward(dx, dy, arg, n, C, H, W, OH, OW);
}

/** x is (n, C, H, W): y (n, C, OH, OW) = window means. */
export function avgPool2dLayerForward(L: usize, ws: usize, params: usize, stats: usize, n: i32, training: bool, pack: usize, rng: usize): void {
  avgPool2dForward(wsAt(ws, L, L_Y), wsAt(ws, L, L_X), n, int(L, AVG_POOL2D_CHANNELS), int(L, AVG_POOL2D_HEIGHT),
    int(L, AVG_POOL2D_WIDTH), int(L, AVG_POOL2D_SIZE), int(L, AVG_POOL2D_STRIDE), int(L, AVG_POOL2D_OUT_HEIGHT),
    int(L, AVG_POOL2D_OUT_WIDTH));
}

/** dx (n, C, H, W) = dy spread evenly over each window. */
export function avgPool2dLayerBackward(L: usize, ws: usize, params: usize, g: usize, n: i32, training: bool, pack: usize): void {
  const dx = wsOpt(ws, L, L_DX);
  if (dx == 0) return;
  avgPool2dBackward(dx, wsAt(ws, L, L_DY), n, int(L, AVG_POOL2D_CHANNELS), int(L, AVG_POOL2D_HEIGHT),
    int(L, AVG_POOL2D_WIDTH), int(L, AVG_POOL2D_SIZE), int(L, AVG_POOL2D_STRIDE), int(L, AVG_POOL2D_OUT_HEIGHT),
    int(L, AVG_POOL2D_OUT_WIDTH));
}
