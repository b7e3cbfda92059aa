package dev.octet.backends.jvm.kernels;

import java.util.Arrays;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The SIMD kernel template (Vector API). The code generator copies it into a hidden class per model with
 * {@link #FS} bound to the target's species (512, 256 or 128 bits, or the host's preferred); every other species
 * derives from it, so one source serves all targets.
 *
 * <p>Design (measured facts in shared/notes/jvm-simd.md): C2 cannot emit VNNI and compiles byte-to-int widening
 * poorly, so int8 GEMMs convert their int8 operands to float (exact) and run the fp32 FMA micro-kernel; float
 * partial sums of int8 products stay exact while below 2^24, so K is split in blocks of at most
 * {@link #EXACT_K} and each block's sums are moved to the int32 result. The same signatures as
 * {@link ScalarKernels} keep one call site for both.
 */
public final class VectorKernels {
    /** The float species the target asks for; the generator rewrites this initializer per target. */
    static final VectorSpecies<Float> REQUESTED = FloatVector.SPECIES_PREFERRED;
    /**
     * The species the kernels use: the requested one, narrowed to what this JVM compiles to vector instructions
     * (a 512-bit species on a CPU or JVM limited to 256 bits would run as slow, allocating Java code).
     */
    static final VectorSpecies<Float> FS = supported(REQUESTED);
    /** Bytes in a vector of the same width: 4 float vectors' worth of int8 per load. */
    static final VectorSpecies<Byte> BS = VectorSpecies.of(byte.class, FS.vectorShape());
    static final int L = FS.length();

    /** 512 products of |u8 x s8| <= 32640 sum below 2^24: float accumulation is exact. */
    static final int EXACT_K = 512;

    private VectorKernels() {
    }

    private static VectorSpecies<Float> supported(VectorSpecies<Float> requested) {
        VectorSpecies<Float> preferred = VectorSpecies.ofPreferred(float.class);
        return requested.vectorBitSize() <= preferred.vectorBitSize() ? requested : preferred;
    }

    /** "requested bits -> used bits" of the vector width, for the load-time report. */
    public static String binding() {
        return REQUESTED.vectorBitSize() + "->" + FS.vectorBitSize();
    }

    /**
     * {@code count} products C[m,n] = A[m,k] * B[k,n], row-major with leading dimensions; consecutive products
     * are {@code as}, {@code bs}, {@code cs} elements apart (0 shares an operand).
     */
    public static void gemmF32(float[] a, int ao, int lda, int as, float[] b, int bo, int ldb, int bs, float[] c,
            int co, int ldc, int cs, int count, int m, int n, int k) {
        for (int t = 0; t < count; t++) {
            gemm(a, ao + t * as, lda, b, bo + t * bs, ldb, c, co + t * cs, ldc, m, n, k);
        }
    }

    private static void gemm(float[] a, int ao, int lda, float[] b, int bo, int ldb, float[] c, int co, int ldc,
            int m, int n, int k) {
        int i = 0;
        for (; i + 4 <= m; i += 4) {
            int j = 0;
            for (; j + 4 * L <= n; j += 4 * L) {
                block4x4(a, ao + i * lda, lda, b, bo + j, ldb, c, co + i * ldc + j, ldc, k);
            }
            for (; j < n; j += L) {
                block4x1(a, ao + i * lda, lda, b, bo + j, ldb, c, co + i * ldc + j, ldc, k, j, n);
            }
        }
        for (; i < m; i++) {
            gemvRowF32(a, ao + i * lda, b, bo, ldb, c, co + i * ldc, n, k);
        }
    }

    private static void block4x4(float[] a, int ao, int lda, float[] b, int bo, int ldb, float[] c, int co, int ldc,
            int k) {
        FloatVector c00 = FloatVector.zero(FS), c01 = c00, c02 = c00, c03 = c00;
        FloatVector c10 = c00, c11 = c00, c12 = c00, c13 = c00;
        FloatVector c20 = c00, c21 = c00, c22 = c00, c23 = c00;
        FloatVector c30 = c00, c31 = c00, c32 = c00, c33 = c00;
        for (int p = 0; p < k; p++) {
            int bp = bo + p * ldb;
            FloatVector b0 = FloatVector.fromArray(FS, b, bp);
            FloatVector b1 = FloatVector.fromArray(FS, b, bp + L);
            FloatVector b2 = FloatVector.fromArray(FS, b, bp + 2 * L);
            FloatVector b3 = FloatVector.fromArray(FS, b, bp + 3 * L);
            FloatVector a0 = FloatVector.broadcast(FS, a[ao + p]);
            c00 = a0.fma(b0, c00);
            c01 = a0.fma(b1, c01);
            c02 = a0.fma(b2, c02);
            c03 = a0.fma(b3, c03);
            FloatVector a1 = FloatVector.broadcast(FS, a[ao + lda + p]);
            c10 = a1.fma(b0, c10);
            c11 = a1.fma(b1, c11);
            c12 = a1.fma(b2, c12);
            c13 = a1.fma(b3, c13);
            FloatVector a2 = FloatVector.broadcast(FS, a[ao + 2 * lda + p]);
            c20 = a2.fma(b0, c20);
            c21 = a2.fma(b1, c21);
            c22 = a2.fma(b2, c22);
            c23 = a2.fma(b3, c23);
            FloatVector a3 = FloatVector.broadcast(FS, a[ao + 3 * lda + p]);
            c30 = a3.fma(b0, c30);
            c31 = a3.fma(b1, c31);
            c32 = a3.fma(b2, c32);
            c33 = a3.fma(b3, c33);
        }
        storeRow(c, co, c00, c01, c02, c03);
        storeRow(c, co + ldc, c10, c11, c12, c13);
        storeRow(c, co + 2 * ldc, c20, c21, c22, c23);
        storeRow(c, co + 3 * ldc, c30, c31, c32, c33);
    }

    private static void storeRow(float[] c, int co, FloatVector v0, FloatVector v1, FloatVector v2, FloatVector v3) {
        v0.intoArray(c, co);
        v1.intoArray(c, co + L);
        v2.intoArray(c, co + 2 * L);
        v3.intoArray(c, co + 3 * L);
    }

    /** Columns j0.. of the last, possibly partial, vector; the mask stays local so C2 keeps it in a register. */
    private static void block4x1(float[] a, int ao, int lda, float[] b, int bo, int ldb, float[] c, int co, int ldc,
            int k, int j0, int n) {
        VectorMask<Float> mask = FS.indexInRange(j0, n);
        FloatVector c0 = FloatVector.zero(FS), c1 = c0, c2 = c0, c3 = c0;
        for (int p = 0; p < k; p++) {
            FloatVector bv = FloatVector.fromArray(FS, b, bo + p * ldb, mask);
            c0 = FloatVector.broadcast(FS, a[ao + p]).fma(bv, c0);
            c1 = FloatVector.broadcast(FS, a[ao + lda + p]).fma(bv, c1);
            c2 = FloatVector.broadcast(FS, a[ao + 2 * lda + p]).fma(bv, c2);
            c3 = FloatVector.broadcast(FS, a[ao + 3 * lda + p]).fma(bv, c3);
        }
        c0.intoArray(c, co, mask);
        c1.intoArray(c, co + ldc, mask);
        c2.intoArray(c, co + 2 * ldc, mask);
        c3.intoArray(c, co + 3 * ldc, mask);
    }

    /**
     * One row of A times B, streaming B row by row (k outer) so its memory is read once and in order: the shape
     * of batch-1 layers, where the weights' bytes, not arithmetic, set the speed.
     */
    private static void gemvRowF32(float[] a, int ao, float[] b, int bo, int ldb, float[] c, int co, int n, int k) {
        Arrays.fill(c, co, co + n, 0f);
        int p = 0;
        for (; p + 4 <= k; p += 4) {
            FloatVector a0 = FloatVector.broadcast(FS, a[ao + p]);
            FloatVector a1 = FloatVector.broadcast(FS, a[ao + p + 1]);
            FloatVector a2 = FloatVector.broadcast(FS, a[ao + p + 2]);
            FloatVector a3 = FloatVector.broadcast(FS, a[ao + p + 3]);
            int r0 = bo + p * ldb;
            int j = 0;
            for (; j + L <= n; j += L) {
                FloatVector cv = FloatVector.fromArray(FS, c, co + j);
                cv = a0.fma(FloatVector.fromArray(FS, b, r0 + j), cv);
                cv = a1.fma(FloatVector.fromArray(FS, b, r0 + ldb + j), cv);
                cv = a2.fma(FloatVector.fromArray(FS, b, r0 + 2 * ldb + j), cv);
                cv = a3.fma(FloatVector.fromArray(FS, b, r0 + 3 * ldb + j), cv);
                cv.intoArray(c, co + j);
            }
            for (; j < n; j++) {
                c[co + j] += a[ao + p] * b[r0 + j] + a[ao + p + 1] * b[r0 + ldb + j]
                        + a[ao + p + 2] * b[r0 + 2 * ldb + j] + a[ao + p + 3] * b[r0 + 3 * ldb + j];
            }
        }
        for (; p < k; p++) {
            FloatVector av = FloatVector.broadcast(FS, a[ao + p]);
            int r = bo + p * ldb;
            int j = 0;
            for (; j + L <= n; j += L) {
                av.fma(FloatVector.fromArray(FS, b, r + j), FloatVector.fromArray(FS, c, co + j)).intoArray(c, co + j);
            }
            for (; j < n; j++) {
                c[co + j] += a[ao + p] * b[r + j];
            }
        }
    }

    /**
     * C[m,n] (int32) = A[m,k] (uint8 or int8 activations) * B[k,n] (int8 weights). Rows are converted to float
     * in {@code scratch} (m*min(k,512) + min(k,512)*n + m*n floats); one to three rows stream the weights
     * straight through a byte-to-float conversion instead (batch-1 matrix-vector: bytes dominate).
     */
    public static void gemmU8S8(byte[] a, int ao, int lda, boolean aUnsigned, byte[] b, int bo, int ldb, int[] c,
            int co, int ldc, int m, int n, int k, float[] scratch, int so) {
        if (m < 4) {
            for (int i = 0; i < m; i++) {
                gemvRow(a, ao + i * lda, aUnsigned, b, bo, ldb, c, co + i * ldc, n, k, scratch, so);
            }
            return;
        }
        int mask = aUnsigned ? 0xFF : -1;
        int kb = Math.min(k, EXACT_K);
        int as = so;
        int bs = as + m * kb;
        int cs = bs + kb * n;
        for (int p0 = 0; p0 < k; p0 += EXACT_K) {
            int kc = Math.min(EXACT_K, k - p0);
            for (int i = 0; i < m; i++) {
                for (int p = 0; p < kc; p++) {
                    scratch[as + i * kc + p] = a[ao + i * lda + p0 + p] & mask;
                }
            }
            for (int p = 0; p < kc; p++) {
                bytesToFloats(b, bo + (p0 + p) * ldb, scratch, bs + p * n, n);
            }
            gemm(scratch, as, kc, scratch, bs, n, scratch, cs, n, m, n, kc);
            accumulate(scratch, cs, c, co, ldc, m, n, p0 == 0);
        }
    }

    /**
     * One row of activations against int8 weights, streaming the weights row by row and converting them in
     * registers; exact float partial sums of up to 512 rows collect in {@code sum} (n floats) and then move to
     * int32.
     */
    private static void gemvRow(byte[] a, int ao, boolean aUnsigned, byte[] b, int bo, int ldb, int[] c, int co,
            int n, int k, float[] sum, int so) {
        int mask = aUnsigned ? 0xFF : -1;
        for (int p0 = 0; p0 < k; p0 += EXACT_K) {
            int end = Math.min(k, p0 + EXACT_K);
            Arrays.fill(sum, so, so + n, 0f);
            int p = p0;
            for (; p + 4 <= end; p += 4) {
                FloatVector a0 = FloatVector.broadcast(FS, a[ao + p] & mask);
                FloatVector a1 = FloatVector.broadcast(FS, a[ao + p + 1] & mask);
                FloatVector a2 = FloatVector.broadcast(FS, a[ao + p + 2] & mask);
                FloatVector a3 = FloatVector.broadcast(FS, a[ao + p + 3] & mask);
                int r = bo + p * ldb;
                int j = 0;
                for (; j + 4 * L <= n; j += 4 * L) {
                    ByteVector w0 = ByteVector.fromArray(BS, b, r + j);
                    ByteVector w1 = ByteVector.fromArray(BS, b, r + ldb + j);
                    ByteVector w2 = ByteVector.fromArray(BS, b, r + 2 * ldb + j);
                    ByteVector w3 = ByteVector.fromArray(BS, b, r + 3 * ldb + j);
                    for (int part = 0; part < 4; part++) {
                        int at = so + j + part * L;
                        FloatVector acc = FloatVector.fromArray(FS, sum, at);
                        acc = a0.fma((FloatVector) w0.convertShape(VectorOperators.B2F, FS, part), acc);
                        acc = a1.fma((FloatVector) w1.convertShape(VectorOperators.B2F, FS, part), acc);
                        acc = a2.fma((FloatVector) w2.convertShape(VectorOperators.B2F, FS, part), acc);
                        acc = a3.fma((FloatVector) w3.convertShape(VectorOperators.B2F, FS, part), acc);
                        acc.intoArray(sum, at);
                    }
                }
                for (; j < n; j++) {
                    sum[so + j] += (a[ao + p] & mask) * b[r + j] + (a[ao + p + 1] & mask) * b[r + ldb + j]
                            + (a[ao + p + 2] & mask) * b[r + 2 * ldb + j] + (a[ao + p + 3] & mask) * b[r + 3 * ldb + j];
                }
            }
            for (; p < end; p++) {
                FloatVector av = FloatVector.broadcast(FS, a[ao + p] & mask);
                int r = bo + p * ldb;
                int j = 0;
                for (; j + 4 * L <= n; j += 4 * L) {
                    ByteVector w = ByteVector.fromArray(BS, b, r + j);
                    for (int part = 0; part < 4; part++) {
                        int at = so + j + part * L;
                        av.fma((FloatVector) w.convertShape(VectorOperators.B2F, FS, part),
                                FloatVector.fromArray(FS, sum, at)).intoArray(sum, at);
                    }
                }
                for (; j < n; j++) {
                    sum[so + j] += (a[ao + p] & mask) * b[r + j];
                }
            }
            for (int j = 0; j < n; j++) {
                c[co + j] = p0 == 0 ? (int) sum[so + j] : c[co + j] + (int) sum[so + j];
            }
        }
    }

    /**
     * C[m,n] (int32) = A[m,k] (int8 weights) * B[k,n] (integer values in floats, from im2col). Scratch:
     * m*min(k,512) + m*n floats.
     */
    public static void gemmS8F32(byte[] a, int ao, int lda, float[] b, int bo, int ldb, int[] c, int co, int ldc,
            int m, int n, int k, float[] scratch, int so) {
        int kb = Math.min(k, EXACT_K);
        int as = so;
        int cs = as + m * kb;
        for (int p0 = 0; p0 < k; p0 += EXACT_K) {
            int kc = Math.min(EXACT_K, k - p0);
            for (int i = 0; i < m; i++) {
                for (int p = 0; p < kc; p++) {
                    scratch[as + i * kc + p] = a[ao + i * lda + p0 + p];
                }
            }
            gemm(scratch, as, kc, b, bo + p0 * ldb, ldb, scratch, cs, n, m, n, kc);
            accumulate(scratch, cs, c, co, ldc, m, n, p0 == 0);
        }
    }

    private static void bytesToFloats(byte[] src, int so, float[] dst, int doff, int n) {
        int j = 0;
        for (; j + 4 * L <= n; j += 4 * L) {
            ByteVector w = ByteVector.fromArray(BS, src, so + j);
            ((FloatVector) w.convertShape(VectorOperators.B2F, FS, 0)).intoArray(dst, doff + j);
            ((FloatVector) w.convertShape(VectorOperators.B2F, FS, 1)).intoArray(dst, doff + j + L);
            ((FloatVector) w.convertShape(VectorOperators.B2F, FS, 2)).intoArray(dst, doff + j + 2 * L);
            ((FloatVector) w.convertShape(VectorOperators.B2F, FS, 3)).intoArray(dst, doff + j + 3 * L);
        }
        for (; j < n; j++) {
            dst[doff + j] = src[so + j];
        }
    }

    /** c (int32, leading dimension ldc) = or += the exact float sums in s (dense m x n). */
    private static void accumulate(float[] s, int so, int[] c, int co, int ldc, int m, int n, boolean first) {
        for (int i = 0; i < m; i++) {
            int ci = co + i * ldc;
            int si = so + i * n;
            if (first) {
                for (int j = 0; j < n; j++) {
                    c[ci + j] = (int) s[si + j];
                }
            } else {
                for (int j = 0; j < n; j++) {
                    c[ci + j] += (int) s[si + j];
                }
            }
        }
    }
}
