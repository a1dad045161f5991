// Pure-TS twins of assembly/pool.ts: max and average pooling of NCHW images, no padding, floor sizes.

/** Twin of maxPool2dForward: window maxima into y, their index in the image into arg (first maximum wins). */
export function maxPool2dForward(y: Float32Array, yo: number, arg: Int32Array, ao: number, x: Float32Array, xo: number,
  n: number, C: number, H: number, W: number, size: number, s: number, OH: number, OW: number): void {
  let o = 0;
  for (let pl = 0; pl < n * C; pl++) {
    const xp = xo + pl * H * W, base = (pl % C) * H * W;
    for (let oh = 0; oh < OH; oh++) {
      for (let ow = 0; ow < OW; ow++) {
        let best = oh * s * W + ow * s, m = x[xp + best];
        for (let ki = 0; ki < size; ki++) {
          const r = (oh * s + ki) * W + ow * s;
          for (let kj = 0; kj < size; kj++) {
            const v = x[xp + r + kj];
            if (v > m || v !== v) { m = v; best = r + kj; }
          }
        }
        y[yo + o] = m;
        arg[ao + o] = base + best;
        o++;
      }
    }
  }
}

/** Twin of maxPool2dBackward. */
export function maxPool2dBackward(dx: Float32Array, dxo: number, dy: Float32Array, dyo: number, arg: Int32Array, ao: number,
  n: number, C: number, H: number, W: number, OH: number, OW: number): void {
  const img = C * H * W, per = C * OH * OW;
  dx.fill(0, dxo, dxo + n * img);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < per; j++) {
      const q = dxo + i * img + arg[ao + i * per + j];
      dx[q] = dx[q] + dy[dyo + i * per + j];
    }
  }
}

/** Twin of avgPool2dForward. */
export function avgPool2dForward(y: Float32Array, yo: number, x: Float32Array, xo: number, n: number, C: number, H: number,
  W: number, size: number, s: number, OH: number, OW: number): void {
  const inv = Math.fround(1 / (size * size));
  let o = 0;
  for (let pl = 0; pl < n * C; pl++) {
    const xp = xo + pl * H * W;
    for (let oh = 0; oh < OH; oh++) {
      for (let ow = 0; ow < OW; ow++) {
        let t = 0;
        for (let ki = 0; ki < size; ki++) {
          const r = xp + (oh * s + ki) * W + ow * s;
          for (let kj = 0; kj < size; kj++) t += x[r + kj];
        }
        y[yo + o++] = t * inv;
      }
    }
  }
}

/** Twin of avgPool2dBackward. */
export function avgPool2dBackward(dx: Float32Array, dxo: number, dy: Float32Array, dyo: number, n: number, C: number,
  H: number, W: number, size: number, s: number, OH: number, OW: number): void {
  const inv = Math.fround(1 / (size * size));
  dx.fill(0, dxo, dxo + n * C * H * W);
  let o = 0;
  for (let pl = 0; pl < n * C; pl++) {
    const xp = dxo + pl * H * W;
    for (let oh = 0; oh < OH; oh++) {
      for (let ow = 0; ow < OW; ow++) {
        const g = Math.fround(dy[dyo + o++] * inv);
        for (let ki = 0; ki < size; ki++) {
          const r = xp + (oh * s + ki) * W + ow * s;
          for (let kj = 0; kj < size; kj++) dx[r + kj] += g;
        }
      }
    }
  }
}
