// Machine-limit probes, compiled at bench time with the same asc options as the kernels (SIMD on).
// Not part of the library: they measure what this machine can do, so kernel results can be read as a
// fraction of a limit (roofline).

/** Scratch memory for the probes: the bench grows memory and hands pointers in. */
export function grow(bytes: i32): usize {
  const before = memory.size();
  const pages = (bytes + 0xffff) >>> 16;
  if (memory.grow(pages + 1) < 0) return 0;
  return ((<usize>before << 16) + 15) & ~15;
}

/** In-cache f32x4 dot product, 8 accumulators, over a[0..n) · b[0..n), repeated reps times in one call. */
export function dotRepeat8(a: usize, b: usize, n: i32, reps: i32): f32 {
  let s0 = f32x4.splat(0), s1 = f32x4.splat(0), s2 = f32x4.splat(0), s3 = f32x4.splat(0);
  let s4 = f32x4.splat(0), s5 = f32x4.splat(0), s6 = f32x4.splat(0), s7 = f32x4.splat(0);
  for (let r = 0; r < reps; r++) {
    for (let i = 0; i + 32 <= n; i += 32) {
      const pa = a + (<usize>i << 2);
      const pb = b + (<usize>i << 2);
      s0 = f32x4.add(s0, f32x4.mul(v128.load(pa), v128.load(pb)));
      s1 = f32x4.add(s1, f32x4.mul(v128.load(pa, 16), v128.load(pb, 16)));
      s2 = f32x4.add(s2, f32x4.mul(v128.load(pa, 32), v128.load(pb, 32)));
      s3 = f32x4.add(s3, f32x4.mul(v128.load(pa, 48), v128.load(pb, 48)));
      s4 = f32x4.add(s4, f32x4.mul(v128.load(pa, 64), v128.load(pb, 64)));
      s5 = f32x4.add(s5, f32x4.mul(v128.load(pa, 80), v128.load(pb, 80)));
      s6 = f32x4.add(s6, f32x4.mul(v128.load(pa, 96), v128.load(pb, 96)));
      s7 = f32x4.add(s7, f32x4.mul(v128.load(pa, 112), v128.load(pb, 112)));
    }
  }
  const t = f32x4.add(f32x4.add(f32x4.add(s0, s1), f32x4.add(s2, s3)), f32x4.add(f32x4.add(s4, s5), f32x4.add(s6, s7)));
  return f32x4.extract_lane(t, 0) + f32x4.extract_lane(t, 1) + f32x4.extract_lane(t, 2) + f32x4.extract_lane(t, 3);
}

/** The same with 4 accumulators (the library's unroll). */
export function dotRepeat4(a: usize, b: usize, n: i32, reps: i32): f32 {
  let s0 = f32x4.splat(0), s1 = f32x4.splat(0), s2 = f32x4.splat(0), s3 = f32x4.splat(0);
  for (let r = 0; r < reps; r++) {
    for (let i = 0; i + 16 <= n; i += 16) {
      const pa = a + (<usize>i << 2);
      const pb = b + (<usize>i << 2);
      s0 = f32x4.add(s0, f32x4.mul(v128.load(pa), v128.load(pb)));
      s1 = f32x4.add(s1, f32x4.mul(v128.load(pa, 16), v128.load(pb, 16)));
      s2 = f32x4.add(s2, f32x4.mul(v128.load(pa, 32), v128.load(pb, 32)));
      s3 = f32x4.add(s3, f32x4.mul(v128.load(pa, 48), v128.load(pb, 48)));
    }
  }
  const t = f32x4.add(f32x4.add(s0, s1), f32x4.add(s2, s3));
  return f32x4.extract_lane(t, 0) + f32x4.extract_lane(t, 1) + f32x4.extract_lane(t, 2) + f32x4.extract_lane(t, 3);
}

/** Register-only f32x4 mul+add: 8 independent chains, 8 flops per lane-op pair. */
export function arith(reps: i32, seed: f32): f32 {
  const m = f32x4.splat(<f32>0.999999);
  let s0 = f32x4.splat(seed), s1 = f32x4.splat(seed + 1), s2 = f32x4.splat(seed + 2), s3 = f32x4.splat(seed + 3);
  let s4 = f32x4.splat(seed + 4), s5 = f32x4.splat(seed + 5), s6 = f32x4.splat(seed + 6), s7 = f32x4.splat(seed + 7);
  const c = f32x4.splat(<f32>1e-7);
  for (let r = 0; r < reps; r++) {
    s0 = f32x4.add(f32x4.mul(s0, m), c);
    s1 = f32x4.add(f32x4.mul(s1, m), c);
    s2 = f32x4.add(f32x4.mul(s2, m), c);
    s3 = f32x4.add(f32x4.mul(s3, m), c);
    s4 = f32x4.add(f32x4.mul(s4, m), c);
    s5 = f32x4.add(f32x4.mul(s5, m), c);
    s6 = f32x4.add(f32x4.mul(s6, m), c);
    s7 = f32x4.add(f32x4.mul(s7, m), c);
  }
  const t = f32x4.add(f32x4.add(f32x4.add(s0, s1), f32x4.add(s2, s3)), f32x4.add(f32x4.add(s4, s5), f32x4.add(s6, s7)));
  return f32x4.extract_lane(t, 0);
}

/** Streaming read: sum of a[0..n) with f32x4 loads and 8 accumulators (n a multiple of 32). */
export function sum(a: usize, n: i32): f32 {
  let s0 = f32x4.splat(0), s1 = f32x4.splat(0), s2 = f32x4.splat(0), s3 = f32x4.splat(0);
  let s4 = f32x4.splat(0), s5 = f32x4.splat(0), s6 = f32x4.splat(0), s7 = f32x4.splat(0);
  for (let i = 0; i + 32 <= n; i += 32) {
    const p = a + (<usize>i << 2);
    s0 = f32x4.add(s0, v128.load(p));
    s1 = f32x4.add(s1, v128.load(p, 16));
    s2 = f32x4.add(s2, v128.load(p, 32));
    s3 = f32x4.add(s3, v128.load(p, 48));
    s4 = f32x4.add(s4, v128.load(p, 64));
    s5 = f32x4.add(s5, v128.load(p, 80));
    s6 = f32x4.add(s6, v128.load(p, 96));
    s7 = f32x4.add(s7, v128.load(p, 112));
  }
  const t = f32x4.add(f32x4.add(f32x4.add(s0, s1), f32x4.add(s2, s3)), f32x4.add(f32x4.add(s4, s5), f32x4.add(s6, s7)));
  return f32x4.extract_lane(t, 0) + f32x4.extract_lane(t, 1) + f32x4.extract_lane(t, 2) + f32x4.extract_lane(t, 3);
}

/** In-place update a[i] = a[i]·s over n floats (n a multiple of 16): one read and one write per element. */
export function scale(a: usize, n: i32, s: f32): void {
  const vs = f32x4.splat(s);
  for (let i = 0; i + 16 <= n; i += 16) {
    const p = a + (<usize>i << 2);
    v128.store(p, f32x4.mul(v128.load(p), vs));
    v128.store(p, f32x4.mul(v128.load(p, 16), vs), 16);
    v128.store(p, f32x4.mul(v128.load(p, 32), vs), 32);
    v128.store(p, f32x4.mul(v128.load(p, 48), vs), 48);
  }
}

/** Copy of n bytes (memory.copy, i.e. the engine's memmove). */
export function copy(dst: usize, src: usize, n: i32): void {
  memory.copy(dst, src, <usize>n);
}
