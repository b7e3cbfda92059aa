package dev.octet.backends.jvm.kernels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The run-time AVX2 int8 GEMM against the scalar kernel, bit for bit: odd shapes around the 6 x 16 register
 * block, odd and even K, extreme values (-128, 127; uint8 255 entering as 127 after centering); and the kernel's
 * memory extents, which reading B and writing C in place relies on, checked against inaccessible pages. On a host
 * with AVX-512 VNNI the products through VectorKernels run on {@link VnniGemm} (VnniGemmTest); the tests that
 * call the AVX2 kernels directly still check those. (Convolutions on these kernels: OpKernelsTest and CompiledModelsTest, on the avx2 and avx512 targets.)
 */
class Avx2GemmTest {
    private static final int[][] SHAPES = {
        {4, 1, 1}, {4, 16, 2}, {5, 17, 3}, {6, 16, 1}, {7, 33, 17}, {12, 32, 64}, {13, 3, 1000}, {64, 256, 1024},
        {9, 1000, 5}, {61, 47, 255},
        // One to three rows: the 1 x 96 matrix-vector kernel.
        {1, 1, 1}, {1, 97, 3}, {2, 96, 1001}, {3, 1000, 17}, {1, 1024, 1024},
    };

    @Test
    void installsWhereTheHostHasAvx2() throws IOException {
        boolean avx2 = Files.readString(Path.of("/proc/cpuinfo")).contains(" avx2 ");
        // With AVX-512 VNNI the binding names the VNNI kernels, which take over the products.
        assertEquals(avx2, VectorKernels.binding().endsWith("-gemm"), VectorKernels.binding());
        assertEquals(avx2, VectorKernels.AVX2_GEMM != null);
    }

    @Test
    void equalsTheScalarKernelOnOddShapesAndExtremes() {
        SplittableRandom rng = new SplittableRandom(3);
        for (int[] s : SHAPES) {
            for (boolean unsigned : new boolean[] {false, true}) {
                for (int mode = 0; mode < 3; mode++) {
                    check(s[0], s[1], s[2], unsigned, mode, rng);
                }
            }
        }
    }

    /** mode 0: random bytes; 1: all -128 (A) x -128 (B), the largest products; 2: 127 x -128. */
    private static void check(int m, int n, int k, boolean unsigned, int mode, SplittableRandom rng) {
        int lda = k + 3;
        int ldb = n + (n % 2 == 0 ? 0 : 5);
        byte[] a = new byte[2 + m * lda];
        // Padded as LinearLowering pads weights, so that the kernels may read B whole.
        byte[] b = new byte[1 + k * ldb + n + Avx2Gemm.GEMV_COLUMNS];
        assertTrue(Avx2Gemm.fitsInPlace(b.length, 1, ldb, n, k, Avx2Gemm.GEMV_COLUMNS));
        fill(a, mode == 0 ? -1 : mode == 1 ? (unsigned ? 0 : -128) : (unsigned ? 255 : 127), rng);
        fill(b, mode == 0 ? -1 : -128, rng);
        int ldc = n + 2;
        int[] expected = new int[1 + m * ldc];
        int[] actual = new int[1 + m * ldc];
        // A zero-point correction per column (subtracted as C leaves native memory) in every other case.
        boolean correct = (m + n + mode) % 2 == 0;
        int[] corr = rng.ints(4 + n, -100_000, 100_000).toArray();
        ScalarKernels.gemmU8S8(a, 2, lda, unsigned, b, 1, ldb, expected, 1, ldc, m, n, k, false, null, 0, null, 0,
                corr, 4, correct);
        int[] ints = new int[3 + n];
        VectorKernels.gemmU8S8(a, 2, lda, unsigned, b, 1, ldb, actual, 1, ldc, m, n, k, false, null, 0, ints, 3,
                corr, 4, correct);
        assertArrayEquals(expected, actual, m + "x" + n + "x" + k + " unsigned=" + unsigned + " mode=" + mode
                + " correct=" + correct);
    }

    private static void fill(byte[] v, int value, SplittableRandom rng) {
        for (int i = 0; i < v.length; i++) {
            v[i] = (byte) (value == -1 ? rng.nextInt(256) : value);
        }
    }

    /**
     * Packed convolution weights are cached per weight array and offset: alternating two weight arrays (two model
     * instances) and two layers at different offsets must each get their own weights.
     */
    @Test
    void convolutionsKeepTheirOwnPackedWeights() {
        SplittableRandom rng = new SplittableRandom(5);
        int c = 3;
        int h = 9;
        int w = 7;
        int oc = 8;
        int k = c * 9;
        byte[] x = new byte[2 * c * h * w];
        fill(x, -1, rng);
        byte[][] weights = {new byte[2 * oc * k], new byte[2 * oc * k]};
        fill(weights[0], -1, rng);
        fill(weights[1], -1, rng);
        for (int round = 0; round < 2; round++) {
            for (byte[] wt : weights) {
                for (int wo : new int[] {0, oc * k}) {
                    int[] expected = new int[2 * oc * h * w];
                    int[] actual = new int[2 * oc * h * w];
                    float[] fs = new float[oc * k + c * h * w + k * h * w + oc * h * w + 10_000];
                    // Round 1 subtracts a per-channel zero-point correction.
                    int[] corr = rng.ints(2 + oc, -50_000, 50_000).toArray();
                    ScalarKernels.convInteger(x, 0, true, wt, wo, expected, 0, 2, 1, c, h, w, 3, 3, 1, 1, 1, 1, 1, 1,
                            oc, h, w, 7, h, fs, 0, null, 0, null, 0, corr, 2, round == 1);
                    VectorKernels.convInteger(x, 0, true, wt, wo, actual, 0, 2, 1, c, h, w, 3, 3, 1, 1, 1, 1, 1, 1,
                            oc, h, w, 7, h, fs, 0, new byte[k * Avx2Gemm.paddedColumns(h * w)], 0,
                            new int[Avx2Gemm.packedInts(oc, k)], 0, corr, 2, round == 1);
                    assertArrayEquals(expected, actual, "round " + round + " offset " + wo);
                }
            }
        }
    }

    /** As for convolutions: the weights' native copies are per weight array and offset (two layers, two arrays). */
    @Test
    void matricesKeepTheirOwnWeights() {
        SplittableRandom rng = new SplittableRandom(6);
        int m = 5;
        int n = 40;
        int k = 33;
        int layer = k * n + n + Avx2Gemm.GEMV_COLUMNS;
        byte[] a = new byte[m * k];
        fill(a, -1, rng);
        byte[][] weights = {new byte[2 * layer], new byte[2 * layer]};
        fill(weights[0], -1, rng);
        fill(weights[1], -1, rng);
        for (int round = 0; round < 2; round++) {
            for (byte[] b : weights) {
                for (int bo : new int[] {0, layer}) {
                    for (int rows : new int[] {1, m}) {
                        int[] expected = new int[rows * n];
                        int[] actual = new int[rows * n];
                        ScalarKernels.gemmU8S8(a, 0, k, true, b, bo, n, expected, 0, n, rows, n, k, false, null, 0,
                                null, 0, null, 0, false);
                        VectorKernels.gemmU8S8(a, 0, k, true, b, bo, n, actual, 0, n, rows, n, k, false, null, 0,
                                new int[n], 0, null, 0, false);
                        assertArrayEquals(expected, actual, "round " + round + " offset " + bo + " rows " + rows);
                    }
                }
            }
        }
    }

    @Test
    void rejectsMatricesItCannotReadInPlace() {
        // An odd k reads row k; the last strip reads whole strips of the given width.
        assertFalse(Avx2Gemm.fitsInPlace(3 * 16 + 15, 0, 16, 16, 3, 16));
        assertTrue(Avx2Gemm.fitsInPlace(4 * 16, 0, 16, 16, 3, 16));
        assertFalse(Avx2Gemm.fitsInPlace(20 + 31, 0, 20, 20, 2, 16));
        assertTrue(Avx2Gemm.fitsInPlace(20 + 32, 0, 20, 20, 2, 16));
        assertFalse(Avx2Gemm.fitsInPlace(20 + 95, 0, 20, 20, 2, Avx2Gemm.GEMV_COLUMNS));
        assertTrue(Avx2Gemm.fitsInPlace(20 + 96, 0, 20, 20, 2, Avx2Gemm.GEMV_COLUMNS));
    }

    /**
     * One tile call of each kernel on native memory whose every operand ends at an inaccessible page: A at
     * exactly rows * k-pairs ints, B at the (2 * k-pairs - 1) rows plus one strip it may read, C at its last
     * stored row. Reading or writing past any of them crashes the test JVM (a failed build, not silent
     * corruption).
     */
    @Test
    void staysInsideItsOperands() throws Throwable {
        SplittableRandom rng = new SplittableRandom(11);
        // The byte-row kernel (the MR x NR one reads packed B: packedKernelStaysInsideItsStrip).
        Object[][] kernels = {{VectorKernels.AVX2_GEMV, false, 1, Avx2Gemm.GEMV_COLUMNS}};
        for (Object[] kernel : kernels) {
            boolean unsigned = (boolean) kernel[1];
            int rows = (int) kernel[2];
            int cols = (int) kernel[3];
            for (int k : new int[] {1, 2, 3, 64, 1001}) {
                int kp = (k + 1) / 2;
                int ldb = cols + 24;
                int ldc = cols + 5;
                byte[] a = new byte[rows * k];
                byte[] b = new byte[(2 * kp - 1) * ldb + cols];
                fill(a, -1, rng);
                fill(b, -1, rng);
                // The packed layout (Avx2Gemm.packA): per row, one int per k-pair, the even k in the low half.
                int[] packedA = new int[rows * kp];
                for (int i = 0; i < rows; i++) {
                    for (int q = 0; q < kp; q++) {
                        int hi = 2 * q + 1 < k ? a[i * k + 2 * q + 1] : 0;
                        packedA[i * kp + q] = hi << 16 | (a[i * k + 2 * q] & 0xFFFF);
                    }
                }
                MemorySegment as = GuardedMemory.of(4L * packedA.length);
                MemorySegment.copy(packedA, 0, as, ValueLayout.JAVA_INT, 0, packedA.length);
                MemorySegment bs = GuardedMemory.of(b.length);
                MemorySegment.copy(b, 0, bs, ValueLayout.JAVA_BYTE, 0, b.length);
                MemorySegment cs = GuardedMemory.of(4L * ((rows - 1) * ldc + cols));
                VectorKernels.avx2Call((MemorySegment) kernel[0], as.address(), bs.address(), cs.address(), kp,
                        4L * ldc, ldb);
                for (int i = 0; i < rows; i++) {
                    for (int j = 0; j < cols; j++) {
                        int sum = 0;
                        for (int p = 0; p < k; p++) {
                            sum += a[i * k + p] * (unsigned ? b[p * ldb + j] & 0xFF : b[p * ldb + j]);
                        }
                        assertEquals(sum, cs.getAtIndex(ValueLayout.JAVA_INT, (long) i * ldc + j),
                                rows + "x" + cols + " k=" + k + " unsigned=" + unsigned + " C[" + i + "," + j + "]");
                    }
                }
            }
        }
    }

    /**
     * The packed-B kernel on one strip whose packed bytes ({@link Avx2Gemm#packB}: k-pairs of 16 widened columns)
     * end at an inaccessible page, as do A and C, over one and three row blocks; its sums equal the plain ones,
     * also for an odd K and for columns past n, which packing zeroes.
     */
    @ParameterizedTest
    @ValueSource(ints = {1, 3})
    void packedKernelStaysInsideItsStrip(int blocks) throws Throwable {
        SplittableRandom rng = new SplittableRandom(12);
        int rows = blocks * Avx2Gemm.MR;
        for (int k : new int[] {1, 2, 3, 64, 1001}) {
            for (int n : new int[] {16, 5}) {
                int kp = (k + 1) / 2;
                int ldb = n + 3;
                byte[] a = new byte[rows * k];
                byte[] b = new byte[k * ldb];
                fill(a, -1, rng);
                fill(b, -1, rng);
                MemorySegment packed = Avx2Gemm.packB(b, 0, ldb, n, k);
                assertEquals(Avx2Gemm.packedBBytes(n, k), packed.byteSize());
                MemorySegment bs = GuardedMemory.of(packed.byteSize());
                MemorySegment.copy(packed, 0, bs, 0, packed.byteSize());
                MemorySegment as = GuardedMemory.of(4L * rows * kp);
                VectorKernels.widenRows(a, 0, k, 0, rows, k, as, 0);
                MemorySegment cs = GuardedMemory.of(4L * rows * Avx2Gemm.NR);
                VectorKernels.avx2Call(VectorKernels.AVX2_GEMM_PACKED, as.address(), bs.address(), cs.address(), kp,
                        4L * Avx2Gemm.NR, blocks);
                for (int i = 0; i < rows; i++) {
                    for (int j = 0; j < Avx2Gemm.NR; j++) {
                        int sum = 0;
                        for (int p = 0; j < n && p < k; p++) {
                            sum += a[i * k + p] * b[p * ldb + j];
                        }
                        assertEquals(sum, cs.getAtIndex(ValueLayout.JAVA_INT, (long) i * Avx2Gemm.NR + j),
                                "k=" + k + " n=" + n + " C[" + i + "," + j + "]");
                    }
                }
            }
        }
    }
}
