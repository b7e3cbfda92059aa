package dev.octet.backends.jvm.kernels;

import static dev.octet.backends.jvm.kernels.X86Encoder.R10;
import static dev.octet.backends.jvm.kernels.X86Encoder.R11;
import static dev.octet.backends.jvm.kernels.X86Encoder.R8;
import static dev.octet.backends.jvm.kernels.X86Encoder.R9;
import static dev.octet.backends.jvm.kernels.X86Encoder.RAX;
import static dev.octet.backends.jvm.kernels.X86Encoder.RCX;
import static dev.octet.backends.jvm.kernels.X86Encoder.RDI;
import static dev.octet.backends.jvm.kernels.X86Encoder.RDX;
import static dev.octet.backends.jvm.kernels.X86Encoder.RSI;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.util.Arrays;

/**
 * int8 GEMM through an AVX2 micro-kernel written at run time. Java's Vector API cannot reach the x86 integer
 * dot-product instructions (shared/notes/jvm-simd.md), so int8 GEMMs otherwise run as exact float FMAs; here
 * {@code vpmaddwd} multiplies pairs of signed 16-bit values and adds each pair into an int32 lane: 16 exact
 * multiply-adds per instruction against the 8 of a float FMA. Products of int8 values fit 16 bits, so the int32
 * sums wrap exactly as Java's int arithmetic does: results are bit-identical with {@link ScalarKernels#gemmU8S8}.
 *
 * <p>Layouts: A is packed as rows of 16-bit values, ceil(k/2) int32 words (k-pairs) per row, in whole panels of
 * {@link #MR} rows: a row of bytes sign-extended, so packing the activations of a MatMulInteger per call is one
 * widening pass; a ConvInteger's weights are packed once (then cached). The kernel broadcasts each row's pair
 * through base + index addressing (rows a fixed stride apart). For the {@link #MR} x {@link #NR} block, B is
 * packed too, in strips of 16 columns of (even k, odd k) 16-bit pairs: MatMulInteger's weights once
 * ({@link #packB}, then cached), a convolution's im2col band as it enters native memory
 * ({@link VectorKernels#packColumns}). The 1 x {@link #GEMV_COLUMNS} matrix-vector block reads B as row-major
 * int8 bytes and interleaves two rows itself ({@code vpunpck[lh]bw}, then {@code vpmovsxbw}), so batch-1 weights
 * stay one byte each. A kernel computes one tile of C over all of K. Every operand is in native memory and goes as a raw address (see
 * {@link #downcall}). A kernel template: static methods only, no static initializer, no lambdas.
 */
public final class Avx2Gemm {
    /** Rows of the register block. */
    public static final int MR = 6;
    /** Columns of the register block: two 8-int vectors. 12 accumulators, 2 B vectors, a broadcast, a product. */
    public static final int NR = 16;

    /** Columns of the one-row (matrix-vector) register block: twelve 8-int vectors. */
    public static final int GEMV_COLUMNS = 96;
    /** Bytes reserved for each kernel in the installed code. */
    private static final int SLOT_BYTES = 512;
    /** Where each kernel starts in the installed code: MR x NR packed B ({@link #packB}), 1 x 96 int8 B rows. */
    public static final int PACKED_B_OFFSET = 0;
    public static final int GEMV_OFFSET = SLOT_BYTES;
    /** The B-packing kernels ({@link #packKernel}): int8 rows, uint8 rows. */
    public static final int PACK_SIGNED_OFFSET = 2 * SLOT_BYTES;
    public static final int PACK_UNSIGNED_OFFSET = 3 * SLOT_BYTES;
    /** The kernels' forms of B: int8 rows, or 16-bit k-pair strips ({@link #packB}). */
    public static final int B_BYTES = 0;
    public static final int B_PACKED = 1;
    /** Zero-point corrections applied as C leaves native memory: none, one per column of C, one per row. */
    public static final int NONE = 0;
    public static final int PER_COLUMN = 1;
    public static final int PER_ROW = 2;

    /**
     * Whether the model calls no kernel that runs on this machine code. The code generator binds it per model
     * (like the SIMD species), so a model without int8 GEMMs skips the FFM start-up (~0.1 s for the first class).
     * Not final, so that javac does not fold it; no initializer, because a template may not have a static
     * initializer.
     */
    static boolean unused;

    private Avx2Gemm() {
    }

    /**
     * The micro-kernels installed in executable memory at their offsets; null where they cannot run (see
     * ExecutableMemory).
     */
    public static MemorySegment install(boolean enabled) {
        try {
            if (!enabled || !ExecutableMemory.usable("avx2")) {
                return null;
            }
            byte[] code = new byte[4 * SLOT_BYTES];
            ExecutableMemory.place(code, PACKED_B_OFFSET, SLOT_BYTES, microKernel(B_PACKED, MR, NR / 16));
            ExecutableMemory.place(code, GEMV_OFFSET, SLOT_BYTES, microKernel(B_BYTES, 1, GEMV_COLUMNS / 16));
            ExecutableMemory.place(code, PACK_SIGNED_OFFSET, SLOT_BYTES, packKernel(false));
            ExecutableMemory.place(code, PACK_UNSIGNED_OFFSET, SLOT_BYTES, packKernel(true));
            return ExecutableMemory.install(code);
        } catch (Throwable e) {
            return null;
        }
    }

    /**
     * A {@code rows} x (16 * {@code groups}) tile kernel ({@code rows * groups <= 6}: 12 accumulators), System V
     * arguments: rdi = packed A (row 0 of the tile; rows are rcx words apart), rsi = B at the tile's first column,
     * rdx = C tile, rcx = k-pairs (at least 1), r8 = C row stride in bytes, r9 = B row stride in bytes. C is
     * stored, not accumulated. B is int8 bytes ({@link #B_BYTES}), or ({@link #B_PACKED}, one group) rsi = the
     * tile's strip of B already widened and interleaved by {@link #packB}: two aligned loads per k-pair instead of
     * two loads, two unpacks and two sign extensions, which made the 64x256x784 GEMM 1.25x faster; the packed form
     * computes r9 row blocks (at least 1) down the strip, A and C moving on by {@code rows} rows each time, so one
     * call covers a strip (a 3x3 convolution over one channel has 5 k-pairs: one call per tile cost as much as
     * the tile). Uses only caller-saved registers, so it needs no frame.
     */
    public static byte[] microKernel(int form, int rows, int groups) {
        if (rows * groups > 6) {
            throw new IllegalArgumentException(rows + " x " + groups + " groups need more than 12 accumulators");
        }
        boolean packed = form == B_PACKED;
        if (packed && groups != 1) {
            throw new IllegalArgumentException("packed B comes in strips of 16 columns");
        }
        byte[] code = new byte[1024];
        int pos = 0;
        if (rows > 1 || packed) { // rax: A's row stride, 4 bytes per k-pair
            pos = X86Encoder.mov(code, pos, RAX, RCX);
            pos = X86Encoder.add(code, pos, RAX, RAX);
            pos = X86Encoder.add(code, pos, RAX, RAX);
        }
        if (packed) {
            pos = X86Encoder.mov(code, pos, R10, RSI); // r10: the strip, read again by every row block
        }
        int block = pos;
        for (int r = 0; r < 2 * rows * groups; r++) {
            pos = X86Encoder.vpxor(code, pos, r, r, r);
        }
        if (packed) { // rcx counts the k-pairs down by 4
            pos = X86Encoder.mov(code, pos, RSI, R10);
            pos = X86Encoder.mov(code, pos, RCX, RAX);
        }
        if (rows > 3) { // r11: A's row 3
            pos = X86Encoder.mov(code, pos, R11, RAX);
            pos = X86Encoder.add(code, pos, R11, RAX);
            pos = X86Encoder.add(code, pos, R11, RAX);
            pos = X86Encoder.add(code, pos, R11, RDI);
        }
        if (!packed) {
            pos = X86Encoder.mov(code, pos, R10, RSI);
            pos = X86Encoder.add(code, pos, R10, R9); // r10: the odd row of the pair
        }
        int loop = pos;
        for (int g = 0; g < groups; g++) {
            // ymm12/ymm13: columns 16g..16g+7 and 16g+8..16g+15 of rows 2q and 2q+1 as (even, odd) word pairs.
            if (packed) {
                pos = X86Encoder.vmovdquLoad(code, pos, 12, RSI, 0);
                pos = X86Encoder.vmovdquLoad(code, pos, 13, RSI, 32);
            } else {
                pos = X86Encoder.vmovdquLoadXmm(code, pos, 14, RSI, 16 * g);
                pos = X86Encoder.vpunpckhbw(code, pos, 15, 14, R10, 16 * g);
                pos = X86Encoder.vpunpcklbw(code, pos, 14, 14, R10, 16 * g);
                pos = X86Encoder.vpmovsxbw(code, pos, 12, 14);
                pos = X86Encoder.vpmovsxbw(code, pos, 13, 15);
            }
            for (int r = 0; r < rows; r++) {
                int acc = 2 * (r * groups + g);
                int base = r < 3 ? RDI : R11;
                pos = r % 3 == 0 ? X86Encoder.vpbroadcastd(code, pos, 14, base, 0)
                        : X86Encoder.vpbroadcastd(code, pos, 14, base, RAX, r % 3, 0);
                pos = X86Encoder.vpmaddwd(code, pos, 15, 14, 12);
                pos = X86Encoder.vpaddd(code, pos, acc, acc, 15);
                pos = X86Encoder.vpmaddwd(code, pos, 15, 14, 13);
                pos = X86Encoder.vpaddd(code, pos, acc + 1, acc + 1, 15);
            }
        }
        pos = X86Encoder.addImm8(code, pos, RDI, 4);
        if (rows > 3) {
            pos = X86Encoder.addImm8(code, pos, R11, 4);
        }
        if (packed) {
            pos = X86Encoder.addImm8(code, pos, RSI, 64);
            pos = X86Encoder.addImm8(code, pos, RCX, -4);
        } else {
            for (int twice = 0; twice < 2; twice++) {
                pos = X86Encoder.add(code, pos, RSI, R9);
                pos = X86Encoder.add(code, pos, R10, R9);
            }
            pos = X86Encoder.dec(code, pos, RCX);
        }
        pos = X86Encoder.jnz(code, pos, loop);
        int out = packed ? RCX : RAX; // the row being stored (rax still holds the stride in the packed form)
        pos = X86Encoder.mov(code, pos, out, RDX);
        for (int r = 0; r < rows; r++) {
            for (int g = 0; g < groups; g++) {
                int acc = 2 * (r * groups + g);
                pos = X86Encoder.vmovdquStore(code, pos, out, 64 * g, acc);
                pos = X86Encoder.vmovdquStore(code, pos, out, 64 * g + 32, acc + 1);
            }
            pos = X86Encoder.add(code, pos, out, R8);
        }
        if (packed) { // the next row block: C after the rows just stored, A (one row's k-pairs read) rows - 1 on
            pos = X86Encoder.mov(code, pos, RDX, RCX);
            for (int r = 1; r < rows; r++) {
                pos = X86Encoder.add(code, pos, RDI, RAX);
            }
            pos = X86Encoder.dec(code, pos, R9);
            pos = X86Encoder.jnz(code, pos, block);
        }
        pos = X86Encoder.vzeroupper(code, pos);
        pos = X86Encoder.ret(code, pos);
        return Arrays.copyOf(code, pos);
    }

    /**
     * A kernel packing B for {@link #B_PACKED} from int8 rows anywhere in native memory, System V arguments: rdi = a
     * table of row addresses, two per k-pair (even row, odd row); rsi = the packed B; rdx = k-pairs (at least 1); rcx
     * = strips of 16 columns (at least 1); r8 = bytes from one strip to the next (64 per k-pair). Per k-pair and
     * strip: 16 bytes of each row, interleaved ({@code vpunpck[lh]bw}) and widened ({@code vpmovsxbw}, or
     * {@code vpmovzxbw} for uint8) into the 64 bytes {@link #packB} writes. Eight instructions per 16 columns where
     * a Java packing needed about 24.
     */
    public static byte[] packKernel(boolean unsigned) {
        byte[] code = new byte[256];
        int pos = 0;
        int pair = pos;
        pos = X86Encoder.movLoad(code, pos, R10, RDI, 0);
        pos = X86Encoder.movLoad(code, pos, R11, RDI, 8);
        pos = X86Encoder.mov(code, pos, R9, RSI);
        pos = X86Encoder.mov(code, pos, RAX, RCX);
        int strip = pos;
        pos = X86Encoder.vmovdquLoadXmm(code, pos, 14, R10, 0);
        pos = X86Encoder.vpunpckhbw(code, pos, 15, 14, R11, 0);
        pos = X86Encoder.vpunpcklbw(code, pos, 14, 14, R11, 0);
        pos = unsigned ? X86Encoder.vpmovzxbw(code, pos, 12, 14) : X86Encoder.vpmovsxbw(code, pos, 12, 14);
        pos = unsigned ? X86Encoder.vpmovzxbw(code, pos, 13, 15) : X86Encoder.vpmovsxbw(code, pos, 13, 15);
        pos = X86Encoder.vmovdquStore(code, pos, R9, 0, 12);
        pos = X86Encoder.vmovdquStore(code, pos, R9, 32, 13);
        pos = X86Encoder.addImm8(code, pos, R10, 16);
        pos = X86Encoder.addImm8(code, pos, R11, 16);
        pos = X86Encoder.add(code, pos, R9, R8);
        pos = X86Encoder.dec(code, pos, RAX);
        pos = X86Encoder.jnz(code, pos, strip);
        pos = X86Encoder.addImm8(code, pos, RDI, 16);
        pos = X86Encoder.addImm8(code, pos, RSI, 64);
        pos = X86Encoder.dec(code, pos, RDX);
        pos = X86Encoder.jnz(code, pos, pair);
        pos = X86Encoder.vzeroupper(code, pos);
        pos = X86Encoder.ret(code, pos);
        return Arrays.copyOf(code, pos);
    }

    /**
     * The handle calling a kernel: (code, packed A, B, C addresses, k-pairs, C row stride in bytes, B row stride in
     * bytes). All operands live in native memory and go as raw addresses: heap segments would be allocated per
     * call wherever C2's escape analysis gives up (it did, in generated classes), and a warm predict must not
     * allocate. Critical: no thread-state transition, for calls of microseconds.
     */
    public static MethodHandle downcall() {
        return Linker.nativeLinker().downcallHandle(FunctionDescriptor.ofVoid(ValueLayout.JAVA_LONG,
                ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG,
                ValueLayout.JAVA_LONG), Linker.Option.critical(false));
    }

    /** Ints of packed A for m rows: whole panels of MR rows by ceil(k/2) pairs. */
    public static int packedInts(int m, int k) {
        return (m + MR - 1) / MR * MR * ((k + 1) / 2);
    }

    /** B's row stride in native memory: n rounded up to whole strips, so every tile is whole. */
    public static int paddedColumns(int n) {
        return (n + NR - 1) / NR * NR;
    }

    /**
     * Whether the byte-row (matrix-vector) kernel may read B[k,n] at {@code bo} of an array of {@code length} bytes
     * (copied to native memory): it reads whole pairs of rows (an odd k also row k, whose A half-words are zero)
     * and strips of {@code width} columns, so up to {@code (2*ceil(k/2)-1)*ldb + roundUp(n, width)} bytes from bo;
     * the bytes past the matrix only meet zero weights or columns that are not kept.
     */
    public static boolean fitsInPlace(int length, int bo, int ldb, int n, int k, int width) {
        return bo + extent(ldb, n, k, width) <= length;
    }

    /** Bytes the kernels read from B[k,n] (row stride ldb) in strips of {@code width} columns. */
    public static long extent(int ldb, int n, int k, int width) {
        return (2L * ((k + 1) / 2) - 1) * ldb + (long) (n + width - 1) / width * width;
    }

    /** Native bytes {@link #gemv} needs. */
    public static long gemvWorkspaceBytes(int n, int k) {
        return 4L * ((k + 1) / 2) + 4L * ((n + GEMV_COLUMNS - 1) / GEMV_COLUMNS * GEMV_COLUMNS);
    }

    /**
     * Native bytes of a workspace holding {@code aInts} of packed A, {@code bBytes} of B (0: B lies elsewhere) and
     * C for m x n (whole panels by {@link #paddedColumns}).
     */
    public static long workspaceBytes(long aInts, long bBytes, int m, int n) {
        return 4 * aInts + bBytes + 4L * ((m + MR - 1) / MR * MR) * paddedColumns(n);
    }

    /**
     * A[m,k] (bytes xor {@code flip}, as int8) packed for the kernels at {@code po}: row i from po + i * ceil(k/2),
     * each k-pair one int32 word (the even k in the low half); rows up to the whole panel and an odd k's last half
     * are 0. The scalar form, for weights packed once; activations go through {@link VectorKernels#widenRows}.
     */
    public static void packA(byte[] a, int ao, int lda, int flip, int m, int k, int[] packed, int po) {
        int kp = (k + 1) / 2;
        int rows = (m + MR - 1) / MR * MR;
        for (int i = 0; i < rows; i++) {
            int out = po + i * kp;
            if (i >= m) {
                Arrays.fill(packed, out, out + kp, 0);
                continue;
            }
            int row = ao + i * lda;
            for (int q = 0; q < kp; q++) {
                int lo = (byte) (a[row + 2 * q] ^ flip);
                int hi = 2 * q + 1 < k ? (byte) (a[row + 2 * q + 1] ^ flip) : 0;
                packed[out + q] = hi << 16 | (lo & 0xFFFF);
            }
        }
    }

    /**
     * C[m,n] (int32, leading dimension ldc) = packed A[m,k] (native, at {@code a}) * B[k,n] (native at {@code b},
     * packed by {@link #packB} or {@link VectorKernels#packColumns}), through C in native memory at {@code cOffset}
     * of {@code ws} (whole panels of rows by {@link #paddedColumns}), which is then copied to {@code c} less the
     * correction {@code corr} ({@code corrMode}, see {@link VectorKernels#copyOut}; per row: from {@code ko} for
     * row 0). (Offsets, not slices: a slice is an allocation.)
     */
    public static void multiply(long a, long b, int[] c, int co, int ldc, int m, int n, int k, MemorySegment ws,
            long cOffset, int[] corr, int ko, int corrMode) {
        tiles(a, b, m, n, k, ws.address() + cOffset);
        copyOut(c, co, ldc, m, n, paddedColumns(n), ws, cOffset, corr, ko, corrMode);
    }

    /** Native C[m,n] (rows of nb ints) at {@code cOffset} of ws into c, less the correction. */
    private static void copyOut(int[] c, int co, int ldc, int m, int n, int nb, MemorySegment ws, long cOffset,
            int[] corr, int ko, int corrMode) {
        if (ldc == nb && corrMode == NONE) {
            MemorySegment.copy(ws, ValueLayout.JAVA_INT, cOffset, c, co, m * nb);
            return;
        }
        for (int i = 0; i < m; i++) {
            VectorKernels.copyOut(ws, cOffset + 4L * i * nb, c, co + i * ldc, n, corr,
                    corrMode == PER_ROW ? ko + i : ko, corrMode);
        }
    }

    /**
     * Native C[m,n] at address {@code c} (whole panels of rows by {@link #paddedColumns}) = packed A * packed B,
     * one {@link #B_PACKED} kernel call per strip of 16 columns (all its row blocks), as {@link #multiply}
     * describes.
     */
    static void tiles(long a, long b, int m, int n, int k, long c) {
        int kp = (k + 1) / 2;
        int nb = paddedColumns(n);
        for (int j = 0; j < nb; j += NR) {
            VectorKernels.avx2Call(VectorKernels.AVX2_GEMM_PACKED, a, b + 64L * kp * (j / NR), c + 4L * j, kp,
                    4L * nb, (m + MR - 1) / MR);
        }
    }

    /** Bytes of B[k,n] packed by {@link #packB}: 64 per k-pair per strip of 16 columns. */
    public static long packedBBytes(int n, int k) {
        return 64L * ((k + 1) / 2) * (paddedColumns(n) / NR);
    }

    /**
     * B[k,n] (int8, row stride ldb, from bo) widened and interleaved for the {@link #B_PACKED} kernel into new native
     * memory: strip by strip of 16 columns, per k-pair 16 (even row, odd row) pairs of 16-bit values, columns 0-7
     * then 8-15 (one ymm register each). Columns past n and an odd k's last odd row are 0. For weights: packed
     * once, then cached.
     */
    public static MemorySegment packB(byte[] b, int bo, int ldb, int n, int k) {
        int kp = (k + 1) / 2;
        MemorySegment packed = Arena.ofAuto().allocate(packedBBytes(n, k), 64);
        short[] strip = new short[32 * kp];
        for (int j = 0; j < paddedColumns(n); j += NR) {
            for (int q = 0; q < kp; q++) {
                for (int col = 0; col < NR; col++) {
                    boolean inside = j + col < n;
                    int even = inside ? b[bo + 2 * q * ldb + j + col] : 0;
                    int odd = inside && 2 * q + 1 < k ? b[bo + (2 * q + 1) * ldb + j + col] : 0;
                    strip[32 * q + 2 * col] = (short) even;
                    strip[32 * q + 2 * col + 1] = (short) odd;
                }
            }
            MemorySegment.copy(strip, 0, packed, ValueLayout.JAVA_SHORT, 64L * kp * (j / NR), strip.length);
        }
        return packed;
    }

    /**
     * MatMulInteger's C[m,n] = (A xor flip)[m,k] * B[k,n] with B (the weights) packed by {@link #packB} (at
     * {@code packedB}): A widened into the workspace ({@link #workspaceBytes}(packedInts(m, k), 0, m, n); the
     * rows past m of its last panel are whatever is there: their C rows are not kept), one {@link #B_PACKED}
     * kernel call per strip, then C out less the correction as {@link #multiply} does.
     */
    public static void gemmPacked(byte[] a, int ao, int lda, int flip, MemorySegment packedB, int[] c, int co,
            int ldc, int m, int n, int k, MemorySegment ws, int[] corr, int ko, int corrMode) {
        VectorKernels.widenRows(a, ao, lda, flip, m, k, ws, 0);
        multiply(ws.address(), packedB.address(), c, co, ldc, m, n, k, ws, 4L * packedInts(m, k), corr, ko,
                corrMode);
    }

    /**
     * Rows of MatMulInteger one at a time (batch 1-3: the weights' bytes set the speed) on the 1 x
     * {@link #GEMV_COLUMNS} kernel: C[i,:] = (A[i,:] xor flip) * B with B in {@code weights} (native memory, from
     * {@code bo}) ({@link #fitsInPlace} with {@link #GEMV_COLUMNS} must hold). {@code ws}:
     * {@link #gemvWorkspaceBytes} bytes. Less the per-column correction as in {@link #multiply}.
     */
    public static void gemv(byte[] a, int ao, int lda, int flip, MemorySegment weights, int bo, int ldb, int[] c,
            int co, int ldc, int m, int n, int k, MemorySegment ws, int[] corr, int ko, int corrMode) {
        int kp = (k + 1) / 2;
        long cOffset = 4L * kp;
        long b = weights.address() + bo;
        for (int i = 0; i < m; i++) {
            VectorKernels.widenRows(a, ao + i * lda, lda, flip, 1, k, ws, 0);
            for (int j = 0; j < n; j += GEMV_COLUMNS) {
                VectorKernels.avx2Call(VectorKernels.AVX2_GEMV, ws.address(), b + j, ws.address() + cOffset + 4L * j,
                        kp, 0, ldb);
            }
            VectorKernels.copyOut(ws, cOffset, c, co + i * ldc, n, corr, ko, corrMode);
        }
    }

    /**
     * A convolution's int8 weights [groups * ocg, k] packed as A (per group, {@link #packA}) into new native
     * memory, through {@code packedInts(ocg, k)} ints of scratch at {@code io}.
     */
    public static MemorySegment packWeights(byte[] w, int wo, int groups, int ocg, int k, int[] ints, int io) {
        int perGroup = packedInts(ocg, k);
        MemorySegment packed = Arena.ofAuto().allocate(4L * groups * perGroup, 64);
        for (int g = 0; g < groups; g++) {
            packA(w, wo + g * ocg * k, k, 0, ocg, k, ints, io);
            MemorySegment.copy(ints, io, packed, ValueLayout.JAVA_INT, 4L * g * perGroup, perGroup);
        }
        return packed;
    }

    /**
     * The integer convolution of {@link ScalarKernels#convInteger} on the micro-kernels: the weights are A,
     * packed ({@link #packWeights}) in {@code weights}; per image, group and band of {@code bandRows} output rows,
     * im2col of the raw bytes (padded with the zero point; rows of {@link #paddedColumns} bytes), packed into the
     * workspace ({@link VectorKernels#packColumns}; for stride-1 convolutions with output rows as wide as input
     * rows, packed from the image, {@link VectorKernels#packImageColumns}), is B, so C lands in NCHW order.
     * {@code col}: k * paddedColumns(band) bytes from {@code co}; {@code ws}: {@link #convWorkspaceBytes} plus the
     * larger of {@link VectorKernels#imageColumnsNativeBytes} and {@link VectorKernels#columnsNativeBytes} of native
     * memory. Per output
     * channel, {@code corr[ko + channel]} is subtracted unless {@code corrMode} is {@link #NONE}. With
     * {@code pkh > 0}, the max pooling of {@link ScalarKernels#convIntegerMaxPool} (windows no taller than their
     * stride, bands a whole number of strides) and its bias run on each band after one bulk copy out of native
     * memory into {@code acc} (from {@code ao}: (oc / groups) * paddedColumns(band) ints), and y is the pooled
     * [batch, oc, poh, pow]. Where the {@link VnniGemm} kernels are installed they take the same steps in their
     * layouts (panels of 64 columns, k-quads) and pool 2x2, stride-2 windows in native memory
     * ({@link #poolNative}).
     */
    public static void conv(byte[] x, int xo, boolean unsigned, MemorySegment weights, int[] y, int yo, int batch,
            int groups, int c, int h, int wd, int kh, int kw, int sh, int sw, int ph, int pw, int dh, int dw, int oc,
            int oh, int ow, int zx, int bandRows, byte[] col, int co, MemorySegment ws, int[] corr, int ko,
            int corrMode, int pkh, int pkw, int psh, int psw, int poh, int pow, int[] bias, int bio,
            boolean hasBias, int[] acc, int ao) {
        int cg = c / groups;
        int ocg = oc / groups;
        int k = cg * kh * kw;
        int image = c * h * wd;
        boolean vnni = VectorKernels.VNNI_GEMM != null;
        long perGroup = vnni ? VnniGemm.convWeightBytes(ocg, k) : 4L * packedInts(ocg, k);
        long cOffset = bandBytes(bandRows * ow, k);
        int plane = pkh > 0 ? poh * pow : oh * ow;
        // Stride 1 and output rows as wide as input rows: the im2col matrix is the image shifted tap by tap.
        boolean fromImage = sh == 1 && sw == 1 && dh == 1 && dw == 1 && ow == wd
                && VectorKernels.imageColumnsBytes(cg, bandRows, wd, kh, kw)
                        <= k * VnniGemm.panelColumns(bandRows * ow);
        long packOffset = convWorkspaceBytes(bandRows * ow, k, ocg); // where either packing keeps its rows
        for (int b = 0; b < batch; b++) {
            for (int g = 0; g < groups; g++) {
                int yg = yo + (b * oc + g * ocg) * plane;
                for (int y0 = 0; y0 < oh; y0 += bandRows) {
                    int y1 = Math.min(oh, y0 + bandRows);
                    int n = (y1 - y0) * ow;
                    int nb = vnni ? VnniGemm.panelColumns(n) : paddedColumns(n);
                    if (fromImage) {
                        VectorKernels.packImageColumns(x, xo + b * image + g * cg * h * wd, cg, h, wd, kh, kw, ph,
                                pw, y0, y1, zx, unsigned, col, co, ws, 0, packOffset);
                    } else {
                        ConvKernels.im2col(x, xo + b * image + g * cg * h * wd, col, co, nb, cg, h, wd, kh, kw, sh,
                                sw, ph, pw, dh, dw, y0, y1, ow, zx);
                        VectorKernels.packColumns(col, co, nb, k, n, unsigned, ws, 0, packOffset);
                    }
                    long a = weights.address() + g * perGroup;
                    if (vnni) {
                        VnniGemm.panelTiles(VectorKernels.VNNI_CONV, a, ws.address(),
                                (long) VnniGemm.QUAD_BYTES * VnniGemm.quads(k), ocg, n, VnniGemm.quads(k),
                                ws.address() + cOffset);
                    } else {
                        tiles(a, ws.address(), ocg, n, k, ws.address() + cOffset);
                    }
                    if (pkh == 0) {
                        copyOut(y, yg + y0 * ow, oh * ow, ocg, n, nb, ws, cOffset, corr, ko + g * ocg, corrMode);
                        continue;
                    }
                    // The pooled rows whose windows start in this band (bands start at multiples of psh).
                    int py0 = (y0 + psh - 1) / psh;
                    int py1 = Math.min(poh, (y1 - pkh) / psh + 1);
                    if (vnni && pkh == 2 && pkw == 2 && psh == 2 && psw == 2) {
                        poolNative(ws, cOffset + VnniGemm.cBytes(ocg, bandRows * ow), cOffset, nb, ocg, ow, y0, py0,
                                py1, pow, y, yg, plane, poh, corrMode == NONE ? null : corr, ko + g * ocg,
                                hasBias ? bias : null, bio + g * ocg);
                        continue;
                    }
                    MemorySegment.copy(ws, ValueLayout.JAVA_INT, cOffset, acc, ao, ocg * nb);
                    for (int r = 0; r < ocg; r++) {
                        int channel = g * ocg + r;
                        VectorKernels.maxPoolRows(acc, ao + r * nb, ow, y0, y, yg + r * plane, py0, py1, pow, pkh,
                                pkw, psh, psw, corrMode == NONE ? 0 : corr[ko + channel],
                                hasBias ? bias[bio + channel] : 0);
                    }
                }
            }
        }
    }

    /**
     * Pooled rows [py0, py1) of every channel of a band (2x2 windows, stride 2) by {@link VnniGemm#poolKernel}
     * straight from C in native memory ({@code nb} ints a channel from {@code cOffset}, convolution rows from y0, ow
     * wide), through the parameter block and pooled rows at {@code poolOffset} ({@link VnniGemm#poolBytes}), into
     * y (channel planes of {@code plane} ints from yg): one copy per channel, or one for all when the band pools
     * whole images. corr / bias: per channel from ko / bo, or null for none.
     */
    private static void poolNative(MemorySegment ws, long poolOffset, long cOffset, int nb, int ocg, int ow, int y0,
            int py0, int py1, int pow, int[] y, int yg, int plane, int poh, int[] corr, int ko, int[] bias, int bo) {
        int rows = py1 - py0;
        if (rows <= 0) {
            return;
        }
        long block = poolOffset + 64; // after the reads past C's last window
        ws.set(ValueLayout.JAVA_LONG, block + VnniGemm.POOL_CHANNELS, ocg);
        ws.set(ValueLayout.JAVA_LONG, block + VnniGemm.POOL_ROWS, rows);
        ws.set(ValueLayout.JAVA_LONG, block + VnniGemm.POOL_GROUPS, (pow + 7) / 8 - 1);
        ws.set(ValueLayout.JAVA_LONG, block + VnniGemm.POOL_PAIR, 4L * ow);
        ws.set(ValueLayout.JAVA_LONG, block + VnniGemm.POOL_SOURCE_ROW, 8L * ow);
        ws.set(ValueLayout.JAVA_LONG, block + VnniGemm.POOL_OUT_ROW, 4L * pow);
        ws.set(ValueLayout.JAVA_INT, block + VnniGemm.POOL_TAIL_MASK, pow % 8 == 0 ? 0xFF : (1 << pow % 8) - 1);
        ws.set(ValueLayout.JAVA_INT, block + VnniGemm.POOL_FULL_MASK, 0xFF);
        long first = ws.address() + cOffset + 4L * (2 * py0 - y0) * ow;
        for (int r = 0; r < ocg; r++) {
            long entry = block + VnniGemm.POOL_TABLE + (long) VnniGemm.POOL_ENTRY * r;
            ws.set(ValueLayout.JAVA_INT, entry, corr == null ? 0 : corr[ko + r]);
            ws.set(ValueLayout.JAVA_INT, entry + 4, bias == null ? 0 : bias[bo + r]);
            ws.set(ValueLayout.JAVA_LONG, entry + 8, first + 4L * r * nb);
        }
        long out = (block + VnniGemm.POOL_TABLE + (long) VnniGemm.POOL_ENTRY * ocg + 63) & ~63L;
        VectorKernels.avx2Call(VectorKernels.VNNI_POOL, ws.address() + block, ws.address() + out, 0, 0, 0, 0);
        if (rows == poh) {
            MemorySegment.copy(ws, ValueLayout.JAVA_INT, out, y, yg, ocg * plane);
            return;
        }
        for (int r = 0; r < ocg; r++) {
            MemorySegment.copy(ws, ValueLayout.JAVA_INT, out + 4L * r * rows * pow, y, yg + r * plane + py0 * pow,
                    rows * pow);
        }
    }

    /**
     * Native workspace bytes of {@link #conv} before the scratch of {@link VectorKernels#packImageColumns}: packed B
     * and C of a band of n columns (for the VNNI kernels where installed), rounded up to 64.
     */
    public static long convWorkspaceBytes(int n, int k, int ocg) {
        long c = VectorKernels.VNNI_GEMM != null ? VnniGemm.cBytes(ocg, n) + VnniGemm.poolBytes(ocg, n)
                : workspaceBytes(0, 0, ocg, n);
        return (bandBytes(n, k) + c + 63) & ~63L;
    }

    /** Bytes of a band of n columns packed as B for the kernels in use. */
    private static long bandBytes(int n, int k) {
        return VectorKernels.VNNI_GEMM != null ? VnniGemm.panelBandBytes(n, k) : packedBBytes(n, k);
    }

    /** A thread's native workspace of at least {@code bytes}, grown (never shrunk) on demand. */
    public static MemorySegment workspace(ThreadLocal<MemorySegment> local, long bytes) {
        MemorySegment ws = local.get();
        if (ws == null || ws.byteSize() < bytes) {
            ws = Arena.ofAuto().allocate(Math.max(bytes, ws == null ? 0 : 2 * ws.byteSize()), 64);
            local.set(ws);
        }
        return ws;
    }
}
