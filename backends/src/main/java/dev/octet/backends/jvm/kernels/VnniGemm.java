package dev.octet.backends.jvm.kernels;

import static dev.octet.backends.jvm.kernels.X86Encoder.R10;
import static dev.octet.backends.jvm.kernels.X86Encoder.R11;
import static dev.octet.backends.jvm.kernels.X86Encoder.R12;
import static dev.octet.backends.jvm.kernels.X86Encoder.R13;
import static dev.octet.backends.jvm.kernels.X86Encoder.R14;
import static dev.octet.backends.jvm.kernels.X86Encoder.R15;
import static dev.octet.backends.jvm.kernels.X86Encoder.R8;
import static dev.octet.backends.jvm.kernels.X86Encoder.R9;
import static dev.octet.backends.jvm.kernels.X86Encoder.RAX;
import static dev.octet.backends.jvm.kernels.X86Encoder.RBP;
import static dev.octet.backends.jvm.kernels.X86Encoder.RBX;
import static dev.octet.backends.jvm.kernels.X86Encoder.RCX;
import static dev.octet.backends.jvm.kernels.X86Encoder.RDI;
import static dev.octet.backends.jvm.kernels.X86Encoder.RDX;
import static dev.octet.backends.jvm.kernels.X86Encoder.RSI;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;

/**
 * int8 GEMM through AVX-512 VNNI micro-kernels written at run time (shared/notes/vnni-jit.md): {@code vpdpbusd}
 * multiplies 64 unsigned bytes by 64 signed bytes and adds each four products into an int32 lane, 64
 * multiply-adds per instruction, where {@link Avx2Gemm}'s {@code vpmaddwd} does 16 and a float FMA 8 (HotSpot
 * cannot emit it). Products fit 16 bits and the int32 sums wrap as Java's int arithmetic does, so results are
 * bit-identical with {@link ScalarKernels#gemmU8S8} and {@link ScalarKernels#convInteger}.
 *
 * <p>One operand must be unsigned. A convolution's weights (A, signed) stay as they are and its im2col band (B)
 * enters as unsigned bytes (int8 activations xor 0x80, that is +128); a MatMulInteger's activations (A) enter
 * unsigned (xor 0x80 after the kernels' usual centring, +128 again) and its weights (B) stay signed. The +128 adds
 * 128 times a weight sum to every result, a constant of the weights: packed into the weights as the accumulators'
 * starting values (per row of a convolution's A, per column of a MatMulInteger's B), so no pass over C removes it.
 *
 * <p>Layouts. B is packed in panels of {@link #PANEL} columns (four zmm registers): per k-quad (4 consecutive k)
 * 256 bytes, column j's four bytes at 4j, the VNNI layout; a MatMulInteger's weight panel starts with 64 int32
 * starting values. A is rows of k-quads (4 bytes each), in whole blocks of {@link #MR} rows; a convolution's weight
 * row starts with its int32 starting value. The {@link #MR} x {@link #PANEL} kernel (24 zmm accumulators) covers
 * every row block of one panel per call, so a call per panel. A kernel template: static methods only, no static
 * initializer, no lambdas.
 */
public final class VnniGemm {
    /** Rows of the register block. */
    public static final int MR = 6;
    /** Columns of a B panel and of the register block: four 16-int zmm vectors. */
    public static final int PANEL = 64;
    /** Bytes of one k-quad across a panel. */
    public static final int QUAD_BYTES = 4 * PANEL;
    /** k-quads of a MatMulInteger's packed weights come in multiples of this (the matrix-vector kernel's unroll). */
    public static final int GEMV_UNROLL = 4;
    private static final int KERNEL_BYTES = 1024;
    /** Where each kernel starts in the installed code. */
    public static final int CONV_OFFSET = 0;
    public static final int MATMUL_OFFSET = KERNEL_BYTES;
    public static final int GEMV_OFFSET = 2 * KERNEL_BYTES;
    public static final int PACK_OFFSET = 3 * KERNEL_BYTES;
    public static final int POOL_OFFSET = 4 * KERNEL_BYTES;
    /**
     * The pooling kernel's parameter block ({@link #poolKernel}): longs of channels, pooled rows, 8-output groups
     * per row less one, bytes from a convolution row to the next, from a pooled row's first convolution row to the
     * next pair's, and from one pooled output row to the next; int32 opmasks of the last group and of a whole one;
     * then per channel {@link #POOL_ENTRY} bytes: the correction, the bias (int32 each), the address of its first
     * convolution row (long).
     */
    public static final int POOL_CHANNELS = 0;
    public static final int POOL_ROWS = 8;
    public static final int POOL_GROUPS = 16;
    public static final int POOL_PAIR = 24;
    public static final int POOL_SOURCE_ROW = 32;
    public static final int POOL_OUT_ROW = 40;
    public static final int POOL_TAIL_MASK = 48;
    public static final int POOL_FULL_MASK = 52;
    public static final int POOL_TABLE = 64;
    public static final int POOL_ENTRY = 16;
    /** Kernel forms: signed A with row starting values and unsigned B (convolutions), or the other way round. */
    public static final int FORM_CONV = 0;
    public static final int FORM_MATMUL = 1;

    private VnniGemm() {
    }

    /** The kernels installed in executable memory at their offsets; null where they cannot run. */
    public static MemorySegment installKernels(boolean enabled) {
        try {
            if (!enabled || !ExecutableMemory.usable("avx512f", "avx512_vnni")) {
                return null;
            }
            byte[] code = new byte[5 * KERNEL_BYTES];
            ExecutableMemory.place(code, CONV_OFFSET, KERNEL_BYTES, vnniKernel(FORM_CONV, MR, 1));
            ExecutableMemory.place(code, MATMUL_OFFSET, KERNEL_BYTES, vnniKernel(FORM_MATMUL, MR, 1));
            ExecutableMemory.place(code, GEMV_OFFSET, KERNEL_BYTES, vnniKernel(FORM_MATMUL, 1, GEMV_UNROLL));
            ExecutableMemory.place(code, PACK_OFFSET, KERNEL_BYTES, panelPackKernel());
            ExecutableMemory.place(code, POOL_OFFSET, KERNEL_BYTES, poolKernel());
            return ExecutableMemory.install(code);
        } catch (Throwable e) {
            return null;
        }
    }

    /**
     * A {@code rows} x {@link #PANEL} kernel over one panel of B, System V arguments: rdi = A (row 0; for
     * {@link #FORM_CONV} its starting value, then the k-quads), rsi = the panel (for {@link #FORM_MATMUL} its 64
     * starting values, then the k-quads), rdx = C, rcx = k-quads (at least 1; a multiple of {@code unroll}), r8 = C's
     * row stride in bytes, r9 = row blocks (at least 1): A and C move on by {@code rows} rows per block. C is
     * stored, not accumulated. Per k-quad: four panel vectors, one broadcast per row, four {@code vpdpbusd} per
     * row; {@code unroll} > 1 keeps that many sets of accumulators (a one-row kernel has too few to hide the
     * instruction's latency), summed at the end. Caller-saved registers only: no frame.
     */
    public static byte[] vnniKernel(int form, int rows, int unroll) {
        int vectors = PANEL / 16;
        if (rows * vectors * unroll > 24) {
            throw new IllegalArgumentException(rows + " rows x " + unroll + " need more than 24 accumulators");
        }
        boolean conv = form == FORM_CONV;
        int lead = conv ? 4 : 0; // bytes before a row's first k-quad
        int panelLead = conv ? 0 : QUAD_BYTES; // bytes before the panel's first k-quad
        byte[] code = new byte[KERNEL_BYTES];
        int pos = 0;
        // rax: A's row stride; r10: the panel, read again by every row block.
        pos = X86Encoder.mov(code, pos, RAX, RCX);
        pos = X86Encoder.add(code, pos, RAX, RAX);
        pos = X86Encoder.add(code, pos, RAX, RAX);
        if (conv) {
            pos = X86Encoder.addImm8(code, pos, RAX, 4);
        }
        pos = X86Encoder.mov(code, pos, R10, RSI);
        int block = pos;
        if (rows > 3) { // r11: A's row 3
            pos = X86Encoder.mov(code, pos, R11, RAX);
            pos = X86Encoder.add(code, pos, R11, RAX);
            pos = X86Encoder.add(code, pos, R11, RAX);
            pos = X86Encoder.add(code, pos, R11, RDI);
        }
        for (int r = 0; r < rows; r++) {
            for (int v = 0; v < vectors; v++) {
                int acc = accumulator(r, v, 0, rows);
                if (conv) {
                    pos = rowOperand(code, pos, acc, r, 0);
                } else {
                    pos = X86Encoder.vmovdqu32Load(code, pos, acc, R10, 64 * v);
                }
                for (int u = 1; u < unroll; u++) {
                    int other = accumulator(r, v, u, rows);
                    pos = X86Encoder.vpxord(code, pos, other, other, other);
                }
            }
        }
        if (lead > 0) {
            pos = X86Encoder.addImm8(code, pos, RDI, lead);
            if (rows > 3) {
                pos = X86Encoder.addImm8(code, pos, R11, lead);
            }
        }
        pos = X86Encoder.mov(code, pos, RSI, R10);
        if (panelLead > 0) {
            pos = X86Encoder.addImm32(code, pos, RSI, panelLead);
        }
        pos = X86Encoder.mov(code, pos, RCX, RAX); // counts the k-quads' bytes down
        if (lead > 0) {
            pos = X86Encoder.addImm8(code, pos, RCX, -lead);
        }
        int loop = pos;
        for (int u = 0; u < unroll; u++) {
            for (int v = 0; v < vectors; v++) {
                pos = X86Encoder.vmovdqu32Load(code, pos, 24 + v, RSI, QUAD_BYTES * u + 64 * v);
            }
            for (int r = 0; r < rows; r++) {
                int bc = 28 + (r & 1);
                pos = rowOperand(code, pos, bc, r, 4 * u);
                for (int v = 0; v < vectors; v++) {
                    int acc = accumulator(r, v, u, rows);
                    pos = conv ? X86Encoder.vpdpbusd(code, pos, acc, 24 + v, bc)
                            : X86Encoder.vpdpbusd(code, pos, acc, bc, 24 + v);
                }
            }
        }
        pos = X86Encoder.addImm8(code, pos, RDI, 4 * unroll);
        if (rows > 3) {
            pos = X86Encoder.addImm8(code, pos, R11, 4 * unroll);
        }
        pos = X86Encoder.addImm32(code, pos, RSI, QUAD_BYTES * unroll);
        pos = X86Encoder.addImm8(code, pos, RCX, -4 * unroll);
        pos = X86Encoder.jnz(code, pos, loop);
        for (int u = 1; u < unroll; u++) {
            for (int r = 0; r < rows; r++) {
                for (int v = 0; v < vectors; v++) {
                    int acc = accumulator(r, v, 0, rows);
                    pos = X86Encoder.vpadddZmm(code, pos, acc, acc, accumulator(r, v, u, rows));
                }
            }
        }
        pos = X86Encoder.mov(code, pos, RCX, RDX); // the row being stored
        for (int r = 0; r < rows; r++) {
            for (int v = 0; v < vectors; v++) {
                pos = X86Encoder.vmovdqu32Store(code, pos, RCX, 64 * v, accumulator(r, v, 0, rows));
            }
            pos = X86Encoder.add(code, pos, RCX, R8);
        }
        // The next row block: C after the rows just stored, A (one row read) rows - 1 rows on.
        pos = X86Encoder.mov(code, pos, RDX, RCX);
        for (int r = 1; r < rows; r++) {
            pos = X86Encoder.add(code, pos, RDI, RAX);
        }
        pos = X86Encoder.dec(code, pos, R9);
        pos = X86Encoder.jnz(code, pos, block);
        pos = X86Encoder.vzeroupper(code, pos);
        pos = X86Encoder.ret(code, pos);
        return Arrays.copyOf(code, pos);
    }

    /** zmm of row r, vector v, set u. */
    private static int accumulator(int r, int v, int u, int rows) {
        return (u * rows + r) * (PANEL / 16) + v;
    }

    /** {@code vpbroadcastd zmm, [row r of A + disp]}: rows 0-2 from rdi, 3-5 from r11, rax apart. */
    private static int rowOperand(byte[] code, int pos, int zmm, int r, int disp) {
        int base = r < 3 ? RDI : R11;
        return X86Encoder.vpbroadcastdZmm(code, pos, zmm, base, r % 3 == 0 ? -1 : RAX, Math.max(1, r % 3), disp);
    }

    /**
     * A kernel packing int8 rows anywhere in native memory into B panels, System V arguments: rdi = a table: 16
     * bytes xored into every byte (0x80 turns int8 into the unsigned form, 0 keeps uint8), then four row
     * addresses per k-quad; rsi = the panels; rdx = k-quads (at least 1); rcx = panels (at least 1); r8 = bytes
     * from one panel to the next. Per k-quad and 16 columns: 16 bytes of each of the four rows interleaved by
     * bytes, then by words ({@code vpunpck[lh]bw}, {@code vpunpck[lh]wd}) into the 64 bytes of the VNNI layout.
     * Each row is read for 64 bytes a panel. Saves and restores rbx and rbp.
     */
    public static byte[] panelPackKernel() {
        byte[] code = new byte[KERNEL_BYTES];
        int pos = 0;
        pos = X86Encoder.push(code, pos, RBX);
        pos = X86Encoder.push(code, pos, RBP);
        pos = X86Encoder.vmovdquLoadXmm(code, pos, 15, RDI, 0);
        pos = X86Encoder.addImm8(code, pos, RDI, 16);
        int quad = pos;
        pos = X86Encoder.movLoad(code, pos, R10, RDI, 0);
        pos = X86Encoder.movLoad(code, pos, R11, RDI, 8);
        pos = X86Encoder.movLoad(code, pos, RAX, RDI, 16);
        pos = X86Encoder.movLoad(code, pos, R9, RDI, 24);
        pos = X86Encoder.mov(code, pos, RBX, RSI);
        pos = X86Encoder.mov(code, pos, RBP, RCX);
        int panel = pos;
        for (int g = 0; g < PANEL / 16; g++) {
            int d = 16 * g;
            pos = X86Encoder.vmovdquLoadXmm(code, pos, 0, R10, d);
            pos = X86Encoder.vpunpckhbw(code, pos, 3, 0, R11, d);
            pos = X86Encoder.vpunpcklbw(code, pos, 2, 0, R11, d);
            pos = X86Encoder.vmovdquLoadXmm(code, pos, 1, RAX, d);
            pos = X86Encoder.vpunpckhbw(code, pos, 5, 1, R9, d);
            pos = X86Encoder.vpunpcklbw(code, pos, 4, 1, R9, d);
            pos = X86Encoder.vpunpcklwd(code, pos, 6, 2, 4);
            pos = X86Encoder.vpunpckhwd(code, pos, 7, 2, 4);
            pos = X86Encoder.vpunpcklwd(code, pos, 8, 3, 5);
            pos = X86Encoder.vpunpckhwd(code, pos, 9, 3, 5);
            for (int q = 0; q < 4; q++) {
                pos = X86Encoder.vpxorXmm(code, pos, 6 + q, 6 + q, 15);
                pos = X86Encoder.vmovdquStoreXmm(code, pos, RBX, 4 * d + 16 * q, 6 + q);
            }
        }
        for (int reg : new int[] {R10, R11, RAX, R9}) {
            pos = X86Encoder.addImm8(code, pos, reg, PANEL);
        }
        pos = X86Encoder.add(code, pos, RBX, R8);
        pos = X86Encoder.dec(code, pos, RBP);
        pos = X86Encoder.jnz(code, pos, panel);
        pos = X86Encoder.addImm8(code, pos, RDI, 32);
        pos = X86Encoder.addImm32(code, pos, RSI, QUAD_BYTES);
        pos = X86Encoder.dec(code, pos, RDX);
        pos = X86Encoder.jnz(code, pos, quad);
        pos = X86Encoder.pop(code, pos, RBP);
        pos = X86Encoder.pop(code, pos, RBX);
        pos = X86Encoder.vzeroupper(code, pos);
        pos = X86Encoder.ret(code, pos);
        return Arrays.copyOf(code, pos);
    }

    /**
     * A kernel for the 2x2, stride-2 max pooling of convolution rows in native memory (C as it leaves the GEMM),
     * System V arguments: rdi = the parameter block ({@link #POOL_CHANNELS} ...), rsi = the output: per channel its
     * pooled rows of int32, contiguous. Per 8 outputs: the two rows' 16 values less the correction, their lane-wise
     * max, the max of each lane pair ({@code vpshufd} swaps neighbours), plus the bias; {@code vpmovqd} keeps the
     * even lanes, one per window, storing the last group of a row under the tail mask. Each row is read for 16
     * values a group, past the window (the values past it are dropped). The graph's arithmetic: the correction
     * comes off each value before the max, and the bias is added after, both wrapping. Saves and restores rbx, rbp
     * and r12-r15.
     */
    public static byte[] poolKernel() {
        byte[] code = new byte[KERNEL_BYTES];
        int pos = 0;
        int[] saved = {RBX, RBP, R12, R13, R14, R15};
        for (int r : saved) {
            pos = X86Encoder.push(code, pos, r);
        }
        pos = X86Encoder.movLoad(code, pos, R14, RDI, POOL_CHANNELS);
        pos = X86Encoder.movLoad(code, pos, R13, RDI, POOL_ROWS);
        pos = X86Encoder.movLoad(code, pos, R12, RDI, POOL_GROUPS);
        pos = X86Encoder.movLoad(code, pos, R8, RDI, POOL_PAIR);
        pos = X86Encoder.movLoad(code, pos, R9, RDI, POOL_SOURCE_ROW);
        pos = X86Encoder.movLoad(code, pos, RDX, RDI, POOL_OUT_ROW);
        pos = X86Encoder.kmovwLoad(code, pos, 1, RDI, POOL_FULL_MASK);
        pos = X86Encoder.kmovwLoad(code, pos, 2, RDI, POOL_TAIL_MASK);
        pos = X86Encoder.mov(code, pos, R15, RDI);
        pos = X86Encoder.addImm8(code, pos, R15, POOL_TABLE);
        pos = X86Encoder.mov(code, pos, R11, RSI);
        int channel = pos;
        pos = X86Encoder.vpbroadcastdZmm(code, pos, 30, R15, -1, 1, 0);
        pos = X86Encoder.vpbroadcastdZmm(code, pos, 31, R15, -1, 1, 4);
        pos = X86Encoder.movLoad(code, pos, R10, R15, 8);
        pos = X86Encoder.mov(code, pos, RBP, R13);
        int row = pos;
        pos = X86Encoder.mov(code, pos, RAX, R10);
        pos = X86Encoder.mov(code, pos, RBX, R11);
        pos = X86Encoder.mov(code, pos, RCX, R12);
        pos = X86Encoder.test(code, pos, RCX);
        int skip = pos;
        pos = X86Encoder.jz(code, pos, pos); // patched below: to the last group
        int whole = pos;
        pos = poolGroup(code, pos, 1);
        pos = X86Encoder.addImm8(code, pos, RAX, 64);
        pos = X86Encoder.addImm8(code, pos, RBX, 32);
        pos = X86Encoder.dec(code, pos, RCX);
        pos = X86Encoder.jnz(code, pos, whole);
        X86Encoder.jz(code, skip, pos);
        pos = poolGroup(code, pos, 2);
        pos = X86Encoder.add(code, pos, R10, R9);
        pos = X86Encoder.add(code, pos, R11, RDX);
        pos = X86Encoder.dec(code, pos, RBP);
        pos = X86Encoder.jnz(code, pos, row);
        pos = X86Encoder.addImm8(code, pos, R15, POOL_ENTRY);
        pos = X86Encoder.dec(code, pos, R14);
        pos = X86Encoder.jnz(code, pos, channel);
        for (int i = saved.length - 1; i >= 0; i--) {
            pos = X86Encoder.pop(code, pos, saved[i]);
        }
        pos = X86Encoder.vzeroupper(code, pos);
        pos = X86Encoder.ret(code, pos);
        return Arrays.copyOf(code, pos);
    }

    /** Eight pooled outputs at [rbx] (under opmask k) from the rows at [rax] and [rax + r8]. */
    private static int poolGroup(byte[] code, int pos, int k) {
        pos = X86Encoder.vmovdqu32Load(code, pos, 0, RAX, 0);
        pos = X86Encoder.vmovdqu32Load(code, pos, 1, RAX, R8, 0);
        pos = X86Encoder.vpsubdZmm(code, pos, 0, 0, 30);
        pos = X86Encoder.vpsubdZmm(code, pos, 1, 1, 30);
        pos = X86Encoder.vpmaxsd(code, pos, 0, 0, 1);
        pos = X86Encoder.vpshufdZmm(code, pos, 1, 0, 0xB1);
        pos = X86Encoder.vpmaxsd(code, pos, 0, 0, 1);
        pos = X86Encoder.vpadddZmm(code, pos, 0, 0, 31);
        return X86Encoder.vpmovqdStore(code, pos, RBX, 0, 0, k);
    }

    /**
     * Native bytes the pooling of a band needs after C ({@link #cBytes}(ocg, n)): slack for the reads past the last
     * window, the parameter block, and the pooled output (a quarter of C at most).
     */
    public static long poolBytes(int ocg, int n) {
        return 64 + POOL_TABLE + (long) POOL_ENTRY * ocg + cBytes(ocg, n) / 4 + 64;
    }

    /** B's columns in native memory: n rounded up to whole panels. */
    public static int panelColumns(int n) {
        return (n + PANEL - 1) / PANEL * PANEL;
    }

    /** k-quads of a convolution's band and weight rows. */
    public static int quads(int k) {
        return (k + 3) / 4;
    }

    /** k-quads of a MatMulInteger's packed weights and activation rows: a multiple of {@link #GEMV_UNROLL}. */
    public static int matrixQuads(int k) {
        return (quads(k) + GEMV_UNROLL - 1) / GEMV_UNROLL * GEMV_UNROLL;
    }

    /** Bytes of a band of n columns packed as B (no starting values). */
    public static long panelBandBytes(int n, int k) {
        return (long) QUAD_BYTES * quads(k) * (panelColumns(n) / PANEL);
    }

    /** Bytes of native C for m x n: whole row blocks by whole panels. */
    public static long cBytes(int m, int n) {
        return 4L * ((m + MR - 1) / MR * MR) * panelColumns(n);
    }

    /** Bytes of one group's packed convolution weights: whole row blocks of (starting value, k-quads). */
    public static long convWeightBytes(int ocg, int k) {
        return 4L * ((ocg + MR - 1) / MR * MR) * (quads(k) + 1);
    }

    /**
     * A convolution's int8 weights [groups * ocg, k] packed as A into new native memory: per group, rows of (the
     * starting value, then ceil(k/4) k-quads, zero past k), in whole row blocks (rows past ocg zero). The starting
     * value undoes the +128 of int8 activations: -128 times the row's sum; 0 for uint8 activations.
     */
    public static MemorySegment packConvWeights(byte[] w, int wo, int groups, int ocg, int k, boolean unsigned) {
        int kq = quads(k);
        long perGroup = convWeightBytes(ocg, k);
        MemorySegment packed = Arena.ofAuto().allocate(groups * perGroup, 64);
        for (int g = 0; g < groups; g++) {
            for (int r = 0; r < ocg; r++) {
                long row = g * perGroup + 4L * r * (kq + 1);
                int from = wo + (g * ocg + r) * k;
                int sum = 0;
                for (int p = 0; p < k; p++) {
                    packed.set(ValueLayout.JAVA_BYTE, row + 4 + p, w[from + p]);
                    sum += w[from + p];
                }
                packed.set(ValueLayout.JAVA_INT, row, unsigned ? 0 : -128 * sum);
            }
        }
        return packed;
    }

    /**
     * A MatMulInteger's int8 weights B[k,n] (row stride ldb) packed into new native memory: panels of
     * {@link #PANEL} columns, each its 64 starting values (-128 times the column's sum, undoing the activations'
     * +128) and then {@link #matrixQuads} k-quads in the VNNI layout; zero past k and n.
     */
    public static MemorySegment packMatrixWeights(byte[] b, int bo, int ldb, int n, int k) {
        int kq = matrixQuads(k);
        long panelBytes = matrixPanelBytes(k);
        MemorySegment packed = Arena.ofAuto().allocate(panelBytes * (panelColumns(n) / PANEL), 64);
        for (int j = 0; j < n; j++) {
            long panel = j / PANEL * panelBytes;
            int col = j % PANEL;
            int sum = 0;
            for (int p = 0; p < k; p++) {
                byte v = b[bo + p * ldb + j];
                sum += v;
                packed.set(ValueLayout.JAVA_BYTE, panel + QUAD_BYTES * (1 + p / 4) + 4 * col + p % 4, v);
            }
            packed.set(ValueLayout.JAVA_INT, panel + 4L * col, -128 * sum);
        }
        return packed;
    }

    /** Bytes of one panel of packed MatMulInteger weights. */
    public static long matrixPanelBytes(int k) {
        return (long) QUAD_BYTES * (matrixQuads(k) + 1);
    }

    /** Native bytes {@link #matmul} needs: A's rows (whole row blocks), then C. */
    public static long gemmWorkspaceBytes(int m, int n, int k) {
        return aBytes(m, k) + cBytes(m, n);
    }

    private static long aBytes(int m, int k) {
        return ((4L * ((m + MR - 1) / MR * MR) * matrixQuads(k)) + 63) & ~63L;
    }

    /**
     * MatMulInteger's C[m,n] = (A xor flip)[m,k] * B[k,n] (as {@link ScalarKernels#gemmU8S8}) with B packed by
     * {@link #packMatrixWeights} in {@code weights}: A to native memory as unsigned bytes ({@link
     * VectorKernels#vnniRows}), one call per panel of the {@link #MR}-row kernel, or for one to three rows of the
     * one-row kernel (each row streams the weights once), then C out less the correction {@code corr}
     * ({@code corrMode}, per column). {@code ws}: {@link #gemmWorkspaceBytes}.
     */
    public static void matmul(byte[] a, int ao, int lda, int flip, MemorySegment weights, int[] c, int co, int ldc,
            int m, int n, int k, MemorySegment ws, int[] corr, int ko, int corrMode) {
        long cOffset = products(a, ao, lda, flip, weights, m, n, k, ws);
        int nb = panelColumns(n);
        for (int i = 0; i < m; i++) {
            VectorKernels.copyOut(ws, cOffset + 4L * i * nb, c, co + i * ldc, n, corr, ko, corrMode);
        }
    }

    /**
     * {@link #matmul}'s products, left in {@code ws} at the returned offset: m rows of {@link #panelColumns}(n)
     * ints, before any correction.
     */
    static long products(byte[] a, int ao, int lda, int flip, MemorySegment weights, int m, int n, int k,
            MemorySegment ws) {
        VectorKernels.vnniRows(a, ao, lda, flip, m, k, ws, 0);
        long cOffset = aBytes(m, k);
        int nb = panelColumns(n);
        long cAddress = ws.address() + cOffset;
        if (m < 4) {
            for (int j = 0; j < nb; j += PANEL) {
                VectorKernels.avx2Call(VectorKernels.VNNI_GEMV, ws.address(),
                        weights.address() + matrixPanelBytes(k) * (j / PANEL), cAddress + 4L * j, matrixQuads(k),
                        4L * nb, m);
            }
        } else {
            panelTiles(VectorKernels.VNNI_MATMUL, ws.address(), weights.address(), matrixPanelBytes(k), m, n,
                    matrixQuads(k), cAddress);
        }
        return cOffset;
    }

    /**
     * Native C at address {@code c} (rows of {@link #panelColumns}(n) ints, whole row blocks) = A (m rows at
     * {@code a}) * the panels at {@code b} ({@code panelBytes} apart): one call of {@code kernel} per panel.
     */
    static void panelTiles(MemorySegment kernel, long a, long b, long panelBytes, int m, int n, int quads, long c) {
        int nb = panelColumns(n);
        int blocks = (m + MR - 1) / MR;
        for (int j = 0; j < nb; j += PANEL) {
            VectorKernels.avx2Call(kernel, a, b + panelBytes * (j / PANEL), c + 4L * j, quads, 4L * nb, blocks);
        }
    }
}
