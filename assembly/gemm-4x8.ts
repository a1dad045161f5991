// The f32 4×8 micro-kernel of assembly/gemm.ts: one register tile of C over kc packed steps of A (4 rows) and B
// (8 columns). Three builds of one source: f32x4 mul + add (wasm-simd), f32x4 relaxed_madd (wasm-relaxed: a fused
// multiply-add where the machine has one) and scalar f32 (wasm-scalar).

/**
 * The 4×8 micro-kernel: Ct[0..4, 0..8) (row stride ldc elements) ← (loadC ? Ct : 0) + Σ_p pa[p]ᵀ·pb[p]
 * over kc packed steps. SIMD: per k step two B vectors, four broadcasts (v128.load32_splat with
 * immediate offsets), 8 mul + 8 add into 8 accumulators; the loop is not unrolled further (measured:
 * ×2 unrolling let V8 hoist the second step's loads and spill accumulators; ×1 runs at the same speed
 * in isolation without spills).
 */
export function micro4x8(Ct: usize, ldc: i32, pa: usize, rs: usize, ks: usize, pb: usize, kc: i32, loadC: bool): void {
  const ldcB = <usize>ldc << 2;
  if (ASC_FEATURE_SIMD) {
    const C1 = Ct + ldcB, C2 = Ct + 2 * ldcB, C3 = Ct + 3 * ldcB;
    let c00 = f32x4.splat(0), c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00, c30 = c00, c31 = c00;
    if (loadC) {
      c00 = v128.load(Ct); c01 = v128.load(Ct, 16);
      c10 = v128.load(C1); c11 = v128.load(C1, 16);
      c20 = v128.load(C2); c21 = v128.load(C2, 16);
      c30 = v128.load(C3); c31 = v128.load(C3, 16);
    }
    let a = pa, b = pb;
    const rs2 = rs << 1, rs3 = rs * 3;
    const end = pb + (<usize>kc << 5);
    if (ASC_FEATURE_RELAXED_SIMD) {
      // The wasm-relaxed build: relaxed_madd, a fused multiply-add where the machine has one (one rounding
      // instead of two: the products differ from the other builds' in the last bits, and between machines).
      while (b < end) {
        const b0 = v128.load(b), b1 = v128.load(b, 16);
        let x = v128.load32_splat(a);
        c00 = f32x4.relaxed_madd(x, b0, c00); c01 = f32x4.relaxed_madd(x, b1, c01);
        x = v128.load32_splat(a + rs);
        c10 = f32x4.relaxed_madd(x, b0, c10); c11 = f32x4.relaxed_madd(x, b1, c11);
        x = v128.load32_splat(a + rs2);
        c20 = f32x4.relaxed_madd(x, b0, c20); c21 = f32x4.relaxed_madd(x, b1, c21);
        x = v128.load32_splat(a + rs3);
        c30 = f32x4.relaxed_madd(x, b0, c30); c31 = f32x4.relaxed_madd(x, b1, c31);
        a += ks;
        b += 32;
      }
    } else while (b < end) {
      const b0 = v128.load(b), b1 = v128.load(b, 16);
      let x = v128.load32_splat(a);
      c00 = f32x4.add(c00, f32x4.mul(x, b0)); c01 = f32x4.add(c01, f32x4.mul(x, b1));
      x = v128.load32_splat(a + rs);
      c10 = f32x4.add(c10, f32x4.mul(x, b0)); c11 = f32x4.add(c11, f32x4.mul(x, b1));
      x = v128.load32_splat(a + rs2);
      c20 = f32x4.add(c20, f32x4.mul(x, b0)); c21 = f32x4.add(c21, f32x4.mul(x, b1));
      x = v128.load32_splat(a + rs3);
      c30 = f32x4.add(c30, f32x4.mul(x, b0)); c31 = f32x4.add(c31, f32x4.mul(x, b1));
      a += ks;
      b += 32;
    }
    v128.store(Ct, c00); v128.store(Ct, c01, 16);
    v128.store(C1, c10); v128.store(C1, c11, 16);
    v128.store(C2, c20); v128.store(C2, c21, 16);
    v128.store(C3, c30); v128.store(C3, c31, 16);
  } else {
    // Scalar build: the tile in four 2×4 quarters, 8 accumulators each (V8 keeps them in registers).
    for (let q = 0; q < 4; q++) {
      const r0 = (q >> 1) << 1, h = (q & 1) << 2;
      const R0 = Ct + <usize>r0 * ldcB + (<usize>h << 2), R1 = R0 + ldcB;
      let c00: f32 = 0, c01: f32 = 0, c02: f32 = 0, c03: f32 = 0;
      let c10: f32 = 0, c11: f32 = 0, c12: f32 = 0, c13: f32 = 0;
      if (loadC) {
        c00 = load<f32>(R0); c01 = load<f32>(R0, 4); c02 = load<f32>(R0, 8); c03 = load<f32>(R0, 12);
        c10 = load<f32>(R1); c11 = load<f32>(R1, 4); c12 = load<f32>(R1, 8); c13 = load<f32>(R1, 12);
      }
      let a = pa + <usize>r0 * rs, b = pb + (<usize>h << 2);
      for (let p = 0; p < kc; p++) {
        const a0 = load<f32>(a), a1 = load<f32>(a + rs);
        const b0 = load<f32>(b), b1 = load<f32>(b, 4), b2 = load<f32>(b, 8), b3 = load<f32>(b, 12);
        c00 += a0 * b0; c01 += a0 * b1; c02 += a0 * b2; c03 += a0 * b3;
        c10 += a1 * b0; c11 += a1 * b1; c12 += a1 * b2; c13 += a1 * b3;
        a += ks;
        b += 32;
      }
      store<f32>(R0, c00); store<f32>(R0, c01, 4); store<f32>(R0, c02, 8); store<f32>(R0, c03, 12);
      store<f32>(R1, c10); store<f32>(R1, c11, 4); store<f32>(R1, c12, 8); store<f32>(R1, c13, 12);
    }
  }
}
