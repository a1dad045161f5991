// Level-1 kernels over raw pointers: output first, never allocate.
// One source builds two binaries: `ASC_FEATURE_SIMD` is a compile-time constant, so the branch
// not taken is removed and each binary carries a single path.

/** Dot product of two f32 vectors of length n. Reduction order is fixed per binary. */
// @ts-ignore: decorator
@inline
export function dot(a: usize, b: usize, n: i32): f32 {
  let i = 0;
  let s: f32 = 0;
  if (ASC_FEATURE_SIMD) {
    let s0 = f32x4.splat(0);
    let s1 = f32x4.splat(0);
    let s2 = f32x4.splat(0);
    let s3 = f32x4.splat(0);
    for (; i + 16 <= n; i += 16) {
      const o = <usize>i << 2;
      const pa = a + o;
      const pb = b + o;
      s0 = f32x4.add(s0, f32x4.mul(v128.load(pa), v128.load(pb)));
      s1 = f32x4.add(s1, f32x4.mul(v128.load(pa, 16), v128.load(pb, 16)));
      s2 = f32x4.add(s2, f32x4.mul(v128.load(pa, 32), v128.load(pb, 32)));
      s3 = f32x4.add(s3, f32x4.mul(v128.load(pa, 48), v128.load(pb, 48)));
    }
    for (; i + 4 <= n; i += 4) {
      const o = <usize>i << 2;
      s0 = f32x4.add(s0, f32x4.mul(v128.load(a + o), v128.load(b + o)));
    }
    const t = f32x4.add(f32x4.add(s0, s1), f32x4.add(s2, s3));
    s = (f32x4.extract_lane(t, 0) + f32x4.extract_lane(t, 1)) +
        (f32x4.extract_lane(t, 2) + f32x4.extract_lane(t, 3));
  } else {
    // Four accumulators break the add dependency chain, as the SIMD path does.
    let s0: f32 = 0, s1: f32 = 0, s2: f32 = 0, s3: f32 = 0;
    for (; i + 4 <= n; i += 4) {
      const o = <usize>i << 2;
      s0 += load<f32>(a + o) * load<f32>(b + o);
      s1 += load<f32>(a + o, 4) * load<f32>(b + o, 4);
      s2 += load<f32>(a + o, 8) * load<f32>(b + o, 8);
      s3 += load<f32>(a + o, 12) * load<f32>(b + o, 12);
    }
    s = (s0 + s1) + (s2 + s3);
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    s += load<f32>(a + o) * load<f32>(b + o);
  }
  return s;
}

/** y[i] += alpha * x[i]. Elementwise: both binaries give bit-identical results. */
// @ts-ignore: decorator
@inline
export function axpy(y: usize, alpha: f32, x: usize, n: i32): void {
  let i = 0;
  if (ASC_FEATURE_SIMD) {
    const va = f32x4.splat(alpha);
    for (; i + 8 <= n; i += 8) {
      const o = <usize>i << 2;
      v128.store(y + o, f32x4.add(v128.load(y + o), f32x4.mul(va, v128.load(x + o))));
      v128.store(y + o, f32x4.add(v128.load(y + o, 16), f32x4.mul(va, v128.load(x + o, 16))), 16);
    }
    for (; i + 4 <= n; i += 4) {
      const o = <usize>i << 2;
      v128.store(y + o, f32x4.add(v128.load(y + o), f32x4.mul(va, v128.load(x + o))));
    }
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    store<f32>(y + o, load<f32>(y + o) + alpha * load<f32>(x + o));
  }
}

/** y[i] = alpha * y[i] + beta * x[i]: the final scale of a gradient plus its L2 term. */
// @ts-ignore: decorator
@inline
export function axpby(y: usize, alpha: f32, beta: f32, x: usize, n: i32): void {
  let i = 0;
  if (ASC_FEATURE_SIMD) {
    const va = f32x4.splat(alpha);
    const vb = f32x4.splat(beta);
    for (; i + 4 <= n; i += 4) {
      const o = <usize>i << 2;
      v128.store(y + o, f32x4.add(f32x4.mul(va, v128.load(y + o)), f32x4.mul(vb, v128.load(x + o))));
    }
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    store<f32>(y + o, alpha * load<f32>(y + o) + beta * load<f32>(x + o));
  }
}

/** out[i] = i for i < n: the identity row order a training run starts from (one pass, no JS loop). */
export function iotaI32(out: usize, n: i32): void {
  let i = 0;
  if (ASC_FEATURE_SIMD) {
    let v = i32x4(0, 1, 2, 3);
    const step = i32x4.splat(4);
    for (; i + 4 <= n; i += 4) {
      v128.store(out + (<usize>i << 2), v);
      v = i32x4.add(v, step);
    }
  }
  for (; i < n; i++) store<i32>(out + (<usize>i << 2), i);
}

/** Exported wrappers so the kernels can be tested and benchmarked alone. */
export function dotF32(a: usize, b: usize, n: i32): f32 {
  return dot(a, b, n);
}

/** Exported y ← y + α·x over n f32 (the kernel benchmarks and parity tests call it through the boundary). */
export function axpyF32(y: usize, alpha: f32, x: usize, n: i32): void {
  axpy(y, alpha, x, n);
}
