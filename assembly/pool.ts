// 2-D pooling of NCHW images (one image per row, C·H·W f32), window `size`, stride `s`, no padding; the
// output is floor((H − size)/s) + 1 by floor((W − size)/s) + 1, as PyTorch's default (ceil_mode=False).
// Max pooling keeps each output's argmax (i32, the index in its image) for the backward pass; ties keep
// the first maximum in row-major window order, as PyTorch's CPU kernel. Memory-bound copies: scalar loops.

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
            if (v > m || v != v) { m = v; best = r + kj; }
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
      for (let ow = 0; ow < OW; ow++) {
        const a = p0 + (<usize>(ow * 2) << 2);
        let m = load<f32>(a);
        let best = r0 + ow * 2;
        // Selects, not branches: on real activations each comparison is a coin toss the predictor loses.
        let v = load<f32>(a, 4);
        let t = <i32>(v > m) | <i32>(v != v);
        m = select<f32>(v, m, t != 0);
        best = select<i32>(best + 1, best, t != 0);
        v = load<f32>(a + rowB);
        t = <i32>(v > m) | <i32>(v != v);
        m = select<f32>(v, m, t != 0);
        best = select<i32>(r0 + W + ow * 2, best, t != 0);
        v = load<f32>(a + rowB, 4);
        t = <i32>(v > m) | <i32>(v != v);
        m = select<f32>(v, m, t != 0);
        best = select<i32>(r0 + W + ow * 2 + 1, best, t != 0);
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
