package dev.octet.backends.jvm.kernels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The AVX-512 VNNI kernels, each called alone on native memory whose operands end at an inaccessible page (an
 * overrun crashes this test's JVM: a failed build, not silent corruption), against plain sums; then through the
 * kernels' entry points against the scalar kernels, bit for bit, on odd shapes (K not a multiple of 4, N not of
 * 16) and extreme values. On a host without avx512_vnni only the installation check runs: the others say so
 * and are skipped (the generated classes then use the AVX2 or Vector API kernels, tested elsewhere).
 */
class VnniGemmTest {
    private static final int[] DEPTHS = {1, 3, 4, 5, 16, 17, 64, 1001};

    @Test
    void installsWhereTheHostHasVnni() throws IOException {
        String info = Files.readString(Path.of("/proc/cpuinfo"));
        boolean vnni = info.contains(" avx512_vnni") && info.contains(" avx512f ")
                && VectorKernels.FS.vectorBitSize() >= 512;
        assertEquals(vnni, VectorKernels.VNNI_GEMM != null, VectorKernels.binding());
        assertEquals(vnni, VectorKernels.binding().endsWith(" avx512-vnni-gemm"), VectorKernels.binding());
    }

    @BeforeEach
    void needsVnni() {
        assumeTrue(VectorKernels.VNNI_GEMM != null, "this host has no AVX-512 VNNI (see /proc/cpuinfo)");
    }

    /** The convolution form: signed weight rows with their starting values, an unsigned band panel. */
    @ParameterizedTest
    @ValueSource(ints = {1, 3})
    void convKernelStaysInsideItsOperands(int blocks) throws Throwable {
        SplittableRandom rng = new SplittableRandom(21);
        int rows = blocks * VnniGemm.MR;
        for (int k : DEPTHS) {
            int kq = VnniGemm.quads(k);
            byte[] w = bytes(rows * k, rng);
            byte[] band = bytes(4 * kq * VnniGemm.PANEL, rng); // [k rounded up to quads][64]; rows past k: any
            MemorySegment a = copy(VnniGemm.packConvWeights(w, 0, 1, rows, k, false));
            MemorySegment b = GuardedMemory.of(band.length);
            for (int p = 0; p < 4 * kq; p++) {
                for (int j = 0; j < VnniGemm.PANEL; j++) {
                    b.set(ValueLayout.JAVA_BYTE, VnniGemm.QUAD_BYTES * (p / 4) + 4 * j + p % 4,
                            band[p * VnniGemm.PANEL + j]);
                }
            }
            MemorySegment c = GuardedMemory.of(4L * rows * VnniGemm.PANEL);
            VectorKernels.avx2Call(VectorKernels.VNNI_CONV, a.address(), b.address(), c.address(), kq,
                    4L * VnniGemm.PANEL, blocks);
            for (int i = 0; i < rows; i++) {
                for (int j = 0; j < VnniGemm.PANEL; j++) {
                    int sum = 0;
                    for (int p = 0; p < k; p++) {
                        // The band's unsigned byte is the int8 activation + 128; the starting value takes it off.
                        sum += w[i * k + p] * ((band[p * VnniGemm.PANEL + j] & 0xFF) - 128);
                    }
                    assertEquals(sum, c.getAtIndex(ValueLayout.JAVA_INT, (long) i * VnniGemm.PANEL + j),
                            "k=" + k + " C[" + i + "," + j + "]");
                }
            }
        }
    }

    /** The MatMulInteger forms: unsigned activation rows, a signed weight panel with its starting values. */
    @ParameterizedTest
    @ValueSource(ints = {1, 3})
    void matrixKernelsStayInsideTheirOperands(int blocks) throws Throwable {
        SplittableRandom rng = new SplittableRandom(22);
        for (boolean oneRow : new boolean[] {false, true}) {
            int rows = oneRow ? blocks : blocks * VnniGemm.MR;
            for (int k : DEPTHS) {
                for (int n : new int[] {VnniGemm.PANEL, 5}) {
                    int kq = VnniGemm.matrixQuads(k);
                    byte[] weights = bytes(k * n, rng);
                    byte[] act = bytes(rows * 4 * kq, rng); // rows of 4 * kq bytes; past k: any
                    MemorySegment b = copy(VnniGemm.packMatrixWeights(weights, 0, n, n, k));
                    assertEquals(VnniGemm.matrixPanelBytes(k), b.byteSize());
                    MemorySegment a = GuardedMemory.of(act.length);
                    MemorySegment.copy(act, 0, a, ValueLayout.JAVA_BYTE, 0, act.length);
                    MemorySegment c = GuardedMemory.of(4L * rows * VnniGemm.PANEL);
                    VectorKernels.avx2Call(oneRow ? VectorKernels.VNNI_GEMV : VectorKernels.VNNI_MATMUL, a.address(),
                            b.address(), c.address(), kq, 4L * VnniGemm.PANEL, blocks);
                    for (int i = 0; i < rows; i++) {
                        for (int j = 0; j < VnniGemm.PANEL; j++) {
                            int sum = 0;
                            for (int p = 0; j < n && p < k; p++) {
                                sum += ((act[i * 4 * kq + p] & 0xFF) - 128) * weights[p * n + j];
                            }
                            assertEquals(sum, c.getAtIndex(ValueLayout.JAVA_INT, (long) i * VnniGemm.PANEL + j),
                                    "oneRow=" + oneRow + " k=" + k + " n=" + n + " C[" + i + "," + j + "]");
                        }
                    }
                }
            }
        }
    }

    /** The band packing kernel: rows anywhere (a table of addresses), xored by the mask, into the VNNI layout. */
    @Test
    void packKernelInterleavesFourRowsPerQuad() throws Throwable {
        SplittableRandom rng = new SplittableRandom(23);
        for (int quads : new int[] {1, 3}) {
            for (int panels : new int[] {1, 2}) {
                for (int mask : new int[] {0, 0x80}) {
                    int cols = panels * VnniGemm.PANEL;
                    byte[] src = bytes(4 * quads * cols, rng);
                    MemorySegment rows = GuardedMemory.of(src.length);
                    MemorySegment.copy(src, 0, rows, ValueLayout.JAVA_BYTE, 0, src.length);
                    MemorySegment table = GuardedMemory.of(16 + 32L * quads);
                    for (int i = 0; i < 16; i++) {
                        table.set(ValueLayout.JAVA_BYTE, i, (byte) mask);
                    }
                    // Rows in reverse order, so that the table, not the memory order, decides.
                    for (int p = 0; p < 4 * quads; p++) {
                        long row = rows.address() + (long) (4 * quads - 1 - p) * cols;
                        table.set(ValueLayout.JAVA_LONG, 16 + 8L * p, row);
                    }
                    long panelBytes = (long) VnniGemm.QUAD_BYTES * quads;
                    MemorySegment out = GuardedMemory.of(panelBytes * panels);
                    VectorKernels.avx2Call(VectorKernels.VNNI_PACK, table.address(), out.address(), quads, panels,
                            panelBytes, 0);
                    byte[] expected = new byte[(int) (panelBytes * panels)];
                    for (int p = 0; p < 4 * quads; p++) {
                        for (int j = 0; j < cols; j++) {
                            expected[(int) (j / VnniGemm.PANEL * panelBytes) + VnniGemm.QUAD_BYTES * (p / 4)
                                    + 4 * (j % VnniGemm.PANEL) + p % 4] = (byte) (src[(4 * quads - 1 - p) * cols + j]
                                            ^ mask);
                        }
                    }
                    assertArrayEquals(expected, out.toArray(ValueLayout.JAVA_BYTE),
                            quads + " quads, " + panels + " panels, mask " + mask);
                }
            }
        }
    }

    /**
     * The pooling kernel over convolution rows in native memory: 2x2 windows, stride 2, rows of odd and even
     * widths (the last group of a row under the tail mask), several channels each with its correction and bias,
     * values that wrap when the correction comes off (as the graph's int32 Sub does); output in guarded memory,
     * so a store past the last pooled row crashes.
     */
    @Test
    void poolKernelMatchesTheWindowsMax() throws Throwable {
        SplittableRandom rng = new SplittableRandom(25);
        for (int pow : new int[] {1, 7, 8, 9, 14, 17}) {
            for (int ow : new int[] {2 * pow, 2 * pow + 1}) {
                int rows = 3;
                int channels = 4;
                int nb = 2 * rows * ow + 5; // a channel's C row, as the GEMM leaves it
                int[] conv = rng.ints(channels * nb + 64, Integer.MIN_VALUE, Integer.MAX_VALUE).toArray();
                int[] corr = {0, 1 << 30, -12345, Integer.MIN_VALUE};
                int[] bias = {0, 7, -1 << 31, 99};
                MemorySegment c = GuardedMemory.of(4L * conv.length);
                MemorySegment.copy(conv, 0, c, ValueLayout.JAVA_INT, 0, conv.length);
                MemorySegment block = GuardedMemory.of(VnniGemm.POOL_TABLE + (long) VnniGemm.POOL_ENTRY * channels);
                block.set(ValueLayout.JAVA_LONG, VnniGemm.POOL_CHANNELS, channels);
                block.set(ValueLayout.JAVA_LONG, VnniGemm.POOL_ROWS, rows);
                block.set(ValueLayout.JAVA_LONG, VnniGemm.POOL_GROUPS, (pow + 7) / 8 - 1);
                block.set(ValueLayout.JAVA_LONG, VnniGemm.POOL_PAIR, 4L * ow);
                block.set(ValueLayout.JAVA_LONG, VnniGemm.POOL_SOURCE_ROW, 8L * ow);
                block.set(ValueLayout.JAVA_LONG, VnniGemm.POOL_OUT_ROW, 4L * pow);
                block.set(ValueLayout.JAVA_INT, VnniGemm.POOL_TAIL_MASK, pow % 8 == 0 ? 0xFF : (1 << pow % 8) - 1);
                block.set(ValueLayout.JAVA_INT, VnniGemm.POOL_FULL_MASK, 0xFF);
                for (int r = 0; r < channels; r++) {
                    long entry = VnniGemm.POOL_TABLE + (long) VnniGemm.POOL_ENTRY * r;
                    block.set(ValueLayout.JAVA_INT, entry, corr[r]);
                    block.set(ValueLayout.JAVA_INT, entry + 4, bias[r]);
                    block.set(ValueLayout.JAVA_LONG, entry + 8, c.address() + 4L * r * nb);
                }
                MemorySegment out = GuardedMemory.of(4L * channels * rows * pow);
                VectorKernels.avx2Call(VectorKernels.VNNI_POOL, block.address(), out.address(), 0, 0, 0, 0);
                for (int r = 0; r < channels; r++) {
                    for (int py = 0; py < rows; py++) {
                        for (int px = 0; px < pow; px++) {
                            int at = r * nb + 2 * py * ow + 2 * px;
                            int m = Math.max(Math.max(conv[at] - corr[r], conv[at + 1] - corr[r]),
                                    Math.max(conv[at + ow] - corr[r], conv[at + ow + 1] - corr[r]));
                            assertEquals(m + bias[r], out.getAtIndex(ValueLayout.JAVA_INT,
                                    ((long) r * rows + py) * pow + px), "pow " + pow + " ow " + ow + " channel " + r
                                            + " [" + py + "," + px + "]");
                        }
                    }
                }
            }
        }
    }

    /**
     * Through {@link VectorKernels#gemmU8S8}: batches on the 6-row kernel, one to three rows on the one-row kernel,
     * odd shapes, int8 and uint8 activations at their extremes, with and without the zero-point correction.
     */
    @Test
    void matricesEqualTheScalarKernel() {
        SplittableRandom rng = new SplittableRandom(24);
        int[][] shapes = {{1, 1, 1}, {1, 5, 3}, {2, 64, 1001}, {3, 1000, 17}, {4, 17, 5}, {7, 33, 17},
            {13, 65, 1000}, {64, 256, 1024}, {61, 47, 255}};
        for (int[] s : shapes) {
            int m = s[0];
            int n = s[1];
            int k = s[2];
            for (int mode = 0; mode < 3; mode++) {
                for (boolean unsigned : new boolean[] {false, true}) {
                    byte[] a = new byte[1 + m * k];
                    byte[] b = new byte[k * n + n + Avx2Gemm.GEMV_COLUMNS];
                    fill(a, mode == 0 ? -1 : mode == 1 ? (unsigned ? 0 : -128) : (unsigned ? 255 : 127), rng);
                    fill(b, mode == 0 ? -1 : -128, rng);
                    int[] corr = rng.ints(n, -100_000, 100_000).toArray();
                    boolean correct = mode != 1;
                    int[] expected = new int[m * n];
                    int[] actual = new int[m * n];
                    ScalarKernels.gemmU8S8(a, 1, k, unsigned, b, 0, n, expected, 0, n, m, n, k, false, null, 0, null,
                            0, corr, 0, correct);
                    VectorKernels.gemmU8S8(a, 1, k, unsigned, b, 0, n, actual, 0, n, m, n, k, false, null, 0,
                            new int[n], 0, corr, 0, correct);
                    assertArrayEquals(expected, actual, m + "x" + n + "x" + k + " mode " + mode + " unsigned "
                            + unsigned);
                }
            }
        }
    }

    private static byte[] bytes(int n, SplittableRandom rng) {
        byte[] v = new byte[n];
        fill(v, -1, rng);
        return v;
    }

    private static void fill(byte[] v, int value, SplittableRandom rng) {
        for (int i = 0; i < v.length; i++) {
            v[i] = (byte) (value == -1 ? rng.nextInt(256) : value);
        }
    }

    private static MemorySegment copy(MemorySegment packed) throws Throwable {
        MemorySegment g = GuardedMemory.of(packed.byteSize());
        MemorySegment.copy(packed, 0, g, 0, packed.byteSize());
        return g;
    }
}
