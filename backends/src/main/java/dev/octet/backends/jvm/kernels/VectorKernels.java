package dev.octet.backends.jvm.kernels;

import static jdk.incubator.vector.VectorOperators.ASHR;
import static jdk.incubator.vector.VectorOperators.LSHL;

import dev.octet.ir.ops.FixedPoint;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.ref.Reference;
import java.nio.ByteOrder;
import java.util.Arrays;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * The SIMD kernel template (Vector API). The code generator copies it into a hidden class per model with
 * {@link #FS} bound to the target's species (512, 256 or 128 bits, or the host's preferred); every other species
 * derives from it, so one source serves all targets.
 *
 * <p>Design (measured facts in shared/notes/jvm-simd.md): C2 cannot emit VNNI and compiles byte-to-int widening
 * poorly, so int8 GEMMs convert their int8 operands to float (exact) and run the fp32 FMA micro-kernel; float
 * partial sums of int8 products stay exact while below 2^24, so K is split in blocks of at most
 * {@link #EXACT_K} and each block's sums are moved to the int32 result. Matrix-vector products (batch 1) with
 * narrow int8 weights are the exception: there bytes, not arithmetic, set the speed, and they run in 16-bit lanes.
 * The same signatures as {@link ScalarKernels} keep one call site for both.
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
    /** Rows of the GEMM register block. */
    static final int MR = 6;
    /** Columns of the GEMM register block: two vectors. */
    static final int NR = 2 * L;
    /** Depth of a packed B panel: KC x NR floats fill the panel scratch (16 KiB, in L1) and divide EXACT_K. */
    static final int KC = ScalarKernels.GEMM_PANEL_FLOATS / NR;
    /** Rows of A packed at a time: as many whole register blocks of KC values as the packed-A scratch holds. */
    static final int MC = ScalarKernels.GEMM_PACKED_A_FLOATS / KC / MR * MR;
    /** {@link #packRows}'s in-register transposition: zips of two rows, then merges of three row pairs. */
    private static final FloatVector ZIP_LOW = zipIndices(0);
    private static final FloatVector ZIP_HIGH = zipIndices(1);
    private static final FloatVector[] MERGE_AB = mergeIndices(false);
    private static final FloatVector[] MERGE_C = mergeIndices(true);
    /** {@link #transposeBlocks}'s stages. */
    private static final FloatVector[] TRANSPOSE_LOW = transposeStages(false);
    private static final FloatVector[] TRANSPOSE_HIGH = transposeStages(true);
    /** Shorts and ints of the same vector width: the 16-bit matrix-vector kernel. */
    static final VectorSpecies<Short> SS = VectorSpecies.of(short.class, FS.vectorShape());
    static final VectorSpecies<Integer> IS = VectorSpecies.of(int.class, FS.vectorShape());
    /** Longs of the vector width, and as many ints: the exact requantization. */
    static final VectorSpecies<Long> DL = VectorSpecies.of(long.class, FS.vectorShape());
    static final VectorSpecies<Integer> DI = VectorSpecies.of(int.class,
            VectorShape.forBitSize(Math.max(64, FS.vectorBitSize() / 2)));
    /** 1.5 * 2^23: adding and subtracting it rounds a float of magnitude below 2^22 to an integer, ties to even. */
    static final float ROUND_MAGIC = 12582912f;
    /** The bits of {@link #ROUND_MAGIC}: the bits of (v + ROUND_MAGIC), less these, are rint(v) for |v| < 2^22. */
    static final int ROUND_MAGIC_BITS = Float.floatToRawIntBits(ROUND_MAGIC);
    /** Rotations by L/2, L/4, ..., 1 lanes: a fixed tree for lane sums (layerNormF32, softmaxF32). */
    static final VectorShuffle<Float>[] ROTATIONS = rotations(FS);
    /** The same rotations of int lanes: lane trees of int keys (softmaxF32's row maximum). */
    static final VectorShuffle<Integer>[] INT_ROTATIONS = rotations(IS);
    /** Longest contiguous float rows copyStrided moves in vectors rather than by arraycopy. */
    static final int SHORT_ROW = 4 * L;
    /** Elements per chunk of erfF32's three passes and residualAdd's two (stays in L1). */
    static final int ERF_CHUNK = 1024;
    /** Columns of one chunk of the 16-bit matrix-vector kernel: a byte vector's worth. */
    static final int CH = 4 * L;
    /** As many bytes as a float vector has lanes (at least 64 bits). */
    static final VectorSpecies<Byte> LANE_BYTES = VectorSpecies.of(byte.class,
            VectorShape.forBitSize(Math.max(64, L * 8)));
    /** Bytes of one panel row, converted to NR floats when int8 weights are packed. */
    static final VectorSpecies<Byte> PANEL_BYTES = VectorSpecies.of(byte.class,
            VectorShape.forBitSize(Math.max(64, NR * 8)));

    /**
     * The AVX2 int8 GEMM micro-kernels ({@link Avx2Gemm}), installed when this class loads; null where they cannot
     * run (another CPU or OS, native access not granted, or a 128-bit target, which stands for NEON).
     */
    static final MemorySegment AVX2_GEMM = Avx2Gemm.install(FS.vectorBitSize() >= 256 && !Avx2Gemm.unused);
    static final MemorySegment AVX2_GEMV = AVX2_GEMM == null ? null : AVX2_GEMM.asSlice(Avx2Gemm.GEMV_OFFSET);
    static final MemorySegment AVX2_GEMM_PACKED = AVX2_GEMM == null ? null
            : AVX2_GEMM.asSlice(Avx2Gemm.PACKED_B_OFFSET);
    static final MemorySegment AVX2_PACK_SIGNED = AVX2_GEMM == null ? null
            : AVX2_GEMM.asSlice(Avx2Gemm.PACK_SIGNED_OFFSET);
    static final MemorySegment AVX2_PACK_UNSIGNED = AVX2_GEMM == null ? null
            : AVX2_GEMM.asSlice(Avx2Gemm.PACK_UNSIGNED_OFFSET);
    /**
     * The AVX-512 VNNI kernels ({@link VnniGemm}), installed for a 512-bit species on a CPU with avx512_vnni; where
     * present they take the int8 products the AVX2 kernels would (whose packing kernels stay in use).
     */
    static final MemorySegment VNNI_GEMM = AVX2_GEMM == null ? null
            : VnniGemm.installKernels(FS.vectorBitSize() >= 512);
    static final MemorySegment VNNI_CONV = VNNI_GEMM == null ? null : VNNI_GEMM.asSlice(VnniGemm.CONV_OFFSET);
    static final MemorySegment VNNI_MATMUL = VNNI_GEMM == null ? null : VNNI_GEMM.asSlice(VnniGemm.MATMUL_OFFSET);
    static final MemorySegment VNNI_GEMV = VNNI_GEMM == null ? null : VNNI_GEMM.asSlice(VnniGemm.GEMV_OFFSET);
    static final MemorySegment VNNI_PACK = VNNI_GEMM == null ? null : VNNI_GEMM.asSlice(VnniGemm.PACK_OFFSET);
    static final MemorySegment VNNI_POOL = VNNI_GEMM == null ? null : VNNI_GEMM.asSlice(VnniGemm.POOL_OFFSET);
    static final MethodHandle AVX2_CALL = AVX2_GEMM == null ? null : Avx2Gemm.downcall();
    /** Where a packing table's row addresses start: after the 16-byte xor mask of the VNNI packing kernel. */
    private static final int TABLE_ROWS = 16;

    /** Each thread's native memory for the micro-kernels' operands. */
    static final ThreadLocal<MemorySegment> AVX2_WORKSPACE = new ThreadLocal<>();
    /**
     * Weights prepared in native memory for the weight array in use: {array, long[] keys, MemorySegment[]
     * values}; keys are (offset << 32 | k << 12 | groups) for packed convolution weights and (offset << 32 |
     * bytes) for a MatMulInteger's matrix copied as is (one tensor per offset). Replaced by a copy on every
     * insertion (once per layer; a race loses an entry, which is prepared again) and reset when another weight
     * array (another instance) comes. Weight arrays never change after the constructor fills them.
     */
    static volatile Object[] avx2Prepared;
    /** As {@link #avx2Prepared} for float weights: {float[] weights, long[] keys, float[][] panels}. */
    static volatile Object[] floatPrepared;

    private VectorKernels() {
    }

    private static VectorSpecies<Float> supported(VectorSpecies<Float> requested) {
        VectorSpecies<Float> preferred = VectorSpecies.ofPreferred(float.class);
        return requested.vectorBitSize() <= preferred.vectorBitSize() ? requested : preferred;
    }

    /** No lambdas here: the template's code is copied into other classes without bootstrap methods. */
    @SuppressWarnings("unchecked")
    private static <E> VectorShuffle<E>[] rotations(VectorSpecies<E> species) {
        VectorShuffle<E>[] r = new VectorShuffle[Integer.numberOfTrailingZeros(L)];
        for (int i = 0, k = L / 2; i < r.length; i++, k /= 2) {
            r[i] = VectorShuffle.iota(species, k, 1, true);
        }
        return r;
    }

    /** "requested bits -> used bits" of the vector width, for the load-time report. */
    public static String binding() {
        return REQUESTED.vectorBitSize() + "->" + FS.vectorBitSize() + (VNNI_GEMM != null ? " avx512-vnni-gemm"
                : AVX2_GEMM != null ? " avx2-gemm" : "");
    }

    /**
     * Null where the int8 products run on the machine code the target asks for (or the model has none, or was
     * compiled without native kernels); else one line saying why they do not, for the load-time log. A 128-bit
     * target stands for NEON and keeps the Java kernels by design; a 512-bit one asks for AVX-512 VNNI.
     */
    public static String nativeReport() {
        if (Avx2Gemm.unused || FS.vectorBitSize() < 256) {
            return null;
        }
        if (AVX2_GEMM == null) {
            String why = ExecutableMemory.unusableBecause("avx2");
            return "int8 machine-code kernels not installed (" + (why == null ? "installation failed" : why)
                    + "); int8 products run on the Vector API kernels";
        }
        if (REQUESTED.vectorBitSize() >= 512 && VNNI_GEMM == null) {
            String why = ExecutableMemory.unusableBecause("avx512f", "avx512_vnni");
            return "AVX-512 VNNI kernels not installed (" + (why == null ? "installation failed" : why)
                    + "); int8 products run on the AVX2 machine code";
        }
        return null;
    }

    /** A convolution's packed weights (Avx2Gemm#packWeights), packed on first use and kept. */
    static MemorySegment packedConvWeights(byte[] w, int wo, int groups, int ocg, int k, boolean unsigned, int[] ints,
            int io) {
        boolean cacheable = k < 1 << 20 && groups < 1 << 12;
        // Bit 62: VNNI weights for uint8 activations (their starting values differ from int8's).
        long key = (long) wo << 32 | (long) k << 12 | groups | (VNNI_GEMM != null && unsigned ? 1L << 62 : 0);
        MemorySegment p = cacheable ? prepared(w, key) : null;
        if (p == null) {
            p = VNNI_GEMM != null ? VnniGemm.packConvWeights(w, wo, groups, ocg, k, unsigned)
                    : Avx2Gemm.packWeights(w, wo, groups, ocg, k, ints, io);
            if (cacheable) {
                remember(w, key, p);
            }
        }
        return p;
    }

    /**
     * A MatMulInteger's weights B[k,n] from {@code bo} packed for the {@link Avx2Gemm#B_PACKED} kernel (or the
     * {@link VnniGemm} kernels) on first use
     * and kept (key: bit 63 set, which the other keys never have).
     */
    static MemorySegment packedMatrixWeights(byte[] w, int bo, int ldb, int n, int k) {
        long key = Long.MIN_VALUE | (long) bo << 32 | n;
        MemorySegment p = prepared(w, key);
        if (p == null) {
            p = VNNI_GEMM != null ? VnniGemm.packMatrixWeights(w, bo, ldb, n, k) : Avx2Gemm.packB(w, bo, ldb, n, k);
            remember(w, key, p);
        }
        return p;
    }

    /** {@code bytes} of a MatMulInteger's weights from {@code bo}, copied to native memory on first use and kept. */
    static MemorySegment matrixWeights(byte[] w, int bo, int bytes) {
        long key = (long) bo << 32 | bytes;
        MemorySegment p = prepared(w, key);
        if (p == null) {
            p = java.lang.foreign.Arena.ofAuto().allocate(bytes, 64);
            MemorySegment.copy(w, bo, p, ValueLayout.JAVA_BYTE, 0, bytes);
            remember(w, key, p);
        }
        return p;
    }

    private static MemorySegment prepared(byte[] w, long key) {
        Object[] cache = avx2Prepared;
        if (cache != null && cache[0] == w) {
            long[] keys = (long[]) cache[1];
            for (int i = 0; i < keys.length; i++) {
                if (keys[i] == key) {
                    return ((MemorySegment[]) cache[2])[i];
                }
            }
        }
        return null;
    }

    private static void remember(byte[] w, long key, MemorySegment value) {
        Object[] cache = avx2Prepared;
        long[] keys = cache != null && cache[0] == w ? (long[]) cache[1] : new long[0];
        MemorySegment[] values = cache != null && cache[0] == w ? (MemorySegment[]) cache[2] : new MemorySegment[0];
        long[] moreKeys = Arrays.copyOf(keys, keys.length + 1);
        MemorySegment[] moreValues = Arrays.copyOf(values, values.length + 1);
        moreKeys[keys.length] = key;
        moreValues[values.length] = value;
        avx2Prepared = new Object[] {w, moreKeys, moreValues};
    }

    /**
     * Rows of A[m,k] (bytes xor {@code flip}, as int8) widened to 16 bits into native memory at {@code offset} of
     * {@code ws}, ceil(k/2) words per row (an odd k's last half-word 0): {@link Avx2Gemm}'s packed A. Sixteen
     * bytes at a time, one sign extension ({@code vpmovsxbw}) each.
     */
    static void widenRows(byte[] a, int ao, int lda, int flip, int m, int k, MemorySegment ws, long offset) {
        long rowBytes = 4L * ((k + 1) / 2);
        for (int i = 0; i < m; i++) {
            int row = ao + i * lda;
            long out = offset + i * rowBytes;
            int p = 0;
            for (; p + 16 <= k; p += 16) {
                ByteVector.fromArray(ByteVector.SPECIES_128, a, row + p).lanewise(VectorOperators.XOR, (byte) flip)
                        .convertShape(VectorOperators.B2S, ShortVector.SPECIES_256, 0)
                        .intoMemorySegment(ws, out + 2L * p, ByteOrder.LITTLE_ENDIAN);
            }
            for (; p < k; p++) {
                ws.set(ValueLayout.JAVA_SHORT, out + 2L * p, (short) (byte) (a[row + p] ^ flip));
            }
            if ((k & 1) != 0) {
                ws.set(ValueLayout.JAVA_SHORT, out + 2L * k, (short) 0);
            }
        }
    }

    /**
     * Rows of A[m,k] as {@link VnniGemm}'s unsigned A at {@code offset} of {@code ws}: bytes xor (flip ^ 0x80), rows
     * {@link VnniGemm#matrixQuads}(k) * 4 bytes apart; the bytes past k are left as they are (they meet zero
     * weights).
     */
    static void vnniRows(byte[] a, int ao, int lda, int flip, int m, int k, MemorySegment ws, long offset) {
        long rowBytes = 4L * VnniGemm.matrixQuads(k);
        byte x = (byte) (flip ^ 0x80);
        for (int i = 0; i < m; i++) {
            int row = ao + i * lda;
            long out = offset + i * rowBytes;
            int p = 0;
            for (; p + BS.length() <= k; p += BS.length()) {
                ByteVector.fromArray(BS, a, row + p).lanewise(VectorOperators.XOR, x)
                        .intoMemorySegment(ws, out + p, ByteOrder.LITTLE_ENDIAN);
            }
            for (; p < k; p++) {
                ws.set(ValueLayout.JAVA_BYTE, out + p, (byte) (a[row + p] ^ x));
            }
        }
    }

    /**
     * B[k,n] (im2col bytes from {@code co}, row stride {@code ldcol} = paddedColumns(n)) packed for the
     * {@link Avx2Gemm#B_PACKED} kernel as {@link Avx2Gemm#packB} packs weights, at {@code offset} of {@code ws}: the
     * matrix goes to native memory at {@code pOffset} in one bulk copy, then {@link #packTable} packs its rows.
     * ws holds {@link #columnsNativeBytes} from pOffset.
     */
    static void packColumns(byte[] col, int co, int ldcol, int k, int n, boolean unsigned, MemorySegment ws,
            long offset, long pOffset) {
        long matrix = (long) k * ldcol;
        MemorySegment.copy(col, co, ws, ValueLayout.JAVA_BYTE, pOffset, (int) matrix);
        long table = pOffset + matrix;
        for (int t = 0; t < k; t++) {
            ws.set(ValueLayout.JAVA_LONG, table + TABLE_ROWS + 8L * t, ws.address() + pOffset + (long) t * ldcol);
        }
        packTable(ws, table, k, n, unsigned, offset);
    }

    /** Bytes of native workspace that {@link #packColumns} needs: the matrix, then the table of row addresses. */
    static long columnsNativeBytes(int k, int ldcol) {
        return (long) k * ldcol + tableBytes(k);
    }

    /** Bytes of a packing table for k rows: the mask, then room for rows up to a whole k-quad. */
    private static long tableBytes(int k) {
        return TABLE_ROWS + 32L * VnniGemm.quads(k);
    }

    /**
     * The packing kernel ({@link Avx2Gemm#packKernel}, or {@link VnniGemm#panelPackKernel} with the VNNI kernels) over
     * the k int8 rows whose addresses the caller wrote at {@code table + TABLE_ROWS} of ws ({@link #tableBytes}):
     * the rows missing from the last k-pair (k-quad) repeat row k - 1, which packed A multiplies by zeros. Each
     * row is read for paddedColumns(n) bytes (of the kernels in use).
     */
    private static void packTable(MemorySegment ws, long table, int k, int n, boolean unsigned, long offset) {
        int rows = VNNI_GEMM != null ? 4 * VnniGemm.quads(k) : 2 * ((k + 1) / 2);
        long last = ws.get(ValueLayout.JAVA_LONG, table + TABLE_ROWS + 8L * (k - 1));
        for (int t = k; t < rows; t++) {
            ws.set(ValueLayout.JAVA_LONG, table + TABLE_ROWS + 8L * t, last);
        }
        if (VNNI_GEMM != null) {
            // The mask makes int8 bytes the kernel's unsigned operand (+128; the weights' starting values undo it).
            long mask = unsigned ? 0 : 0x8080808080808080L;
            ws.set(ValueLayout.JAVA_LONG, table, mask);
            ws.set(ValueLayout.JAVA_LONG, table + 8, mask);
            int kq = VnniGemm.quads(k);
            avx2Call(VNNI_PACK, ws.address() + table, ws.address() + offset, kq,
                    VnniGemm.panelColumns(n) / VnniGemm.PANEL, (long) VnniGemm.QUAD_BYTES * kq, 0);
            return;
        }
        int kp = (k + 1) / 2;
        avx2Call(unsigned ? AVX2_PACK_UNSIGNED : AVX2_PACK_SIGNED, ws.address() + table + TABLE_ROWS,
                ws.address() + offset, kp, Avx2Gemm.paddedColumns(n) / Avx2Gemm.NR, 64L * kp, 0);
    }

    /**
     * Bytes of heap scratch that {@link #packImageColumns} needs for a band of {@code rows} output rows of width w:
     * kw copies of the band's input rows (with the kernel's reach above and below), then room for the last row's
     * read past them (paddedColumns(rows * w) bytes from a row that starts rows * w before the end).
     */
    static int imageColumnsBytes(int cg, int rows, int w, int kh, int kw) {
        return kw * cg * (rows + kh - 1) * w + VnniGemm.PANEL;
    }

    /** Bytes of native workspace that {@link #packImageColumns} needs: its scratch, then the table of row pairs. */
    static long imageColumnsNativeBytes(int cg, int rows, int w, int kh, int kw) {
        return imageColumnsBytes(cg, rows, w, kh, kw) + 8 + tableBytes(cg * kh * kw);
    }

    /**
     * {@link #packColumns} of the im2col matrix of output rows [y0, y1) of a stride-1, dilation-1 convolution whose
     * output rows are as wide as its input rows (w), without that matrix: {@code p} gets kw copies of the band's
     * input rows, padding rows included, copy v shifted by v - pw columns with the columns it shifts in set to the
     * padding {@code zx}; the matrix's row for tap (c, u, v) is then copy v from row (c, u) on, contiguous across
     * output rows. Building the copies is one block copy per channel and copy, where im2col copies per tap. The
     * copies go to native memory at {@code pOffset} of ws in one bulk copy, then {@link #packTable} packs them
     * through a table of row addresses after them. {@code p} holds
     * {@link #imageColumnsBytes} from {@code po}, ws {@link #imageColumnsNativeBytes} from pOffset.
     */
    static void packImageColumns(byte[] x, int xo, int cg, int h, int w, int kh, int kw, int ph, int pw, int y0,
            int y1, int zx, boolean unsigned, byte[] p, int po, MemorySegment ws, long offset, long pOffset) {
        int rows = y1 - y0 + kh - 1;
        int plane = cg * rows * w;
        // Band rows [rlo, rhi) lie inside the image; the others are padding.
        int rlo = Math.min(rows, Math.max(0, ph - y0));
        int rhi = Math.max(rlo, Math.min(rows, h + ph - y0));
        for (int v = 0; v < kw; v++) {
            int s = v - pw;
            int x0 = Math.min(w, Math.max(0, -s));
            int x1 = Math.max(x0, Math.min(w, w - s));
            for (int c = 0; c < cg; c++) {
                int dst = po + v * plane + c * rows * w;
                Arrays.fill(p, dst, dst + rlo * w, (byte) zx);
                Arrays.fill(p, dst + rhi * w, dst + rows * w, (byte) zx);
                if (rlo < rhi && x0 < x1) {
                    int src = xo + (c * h + y0 - ph + rlo) * w;
                    System.arraycopy(x, src + x0 + s, p, dst + rlo * w + x0, (rhi - rlo - 1) * w + x1 - x0);
                }
                for (int r = rlo; r < rhi; r++) {
                    int row = dst + r * w;
                    for (int i = 0; i < x0; i++) {
                        p[row + i] = (byte) zx;
                    }
                    for (int i = x1; i < w; i++) {
                        p[row + i] = (byte) zx;
                    }
                }
            }
        }
        int bytes = imageColumnsBytes(cg, y1 - y0, w, kh, kw);
        MemorySegment.copy(p, po, ws, ValueLayout.JAVA_BYTE, pOffset, bytes);
        int k = cg * kh * kw;
        long table = (pOffset + bytes + 7) & ~7L;
        for (int t = 0; t < k; t++) {
            ws.set(ValueLayout.JAVA_LONG, table + TABLE_ROWS + 8L * t,
                    ws.address() + pOffset + tapRow(t, plane, rows, w, kh, kw));
        }
        packTable(ws, table, k, (y1 - y0) * w, unsigned, offset);
    }

    /** Where {@link #packImageColumns}'s copies hold the im2col row of tap t = (c, u, v). */
    private static int tapRow(int t, int plane, int rows, int w, int kh, int kw) {
        int v = t % kw;
        int u = t / kw % kh;
        int c = t / (kw * kh);
        return v * plane + (c * rows + u) * w;
    }

    /**
     * One tile of the installed kernel {@code kernel} ({@link #AVX2_GEMM_PACKED} or
     * {@link #AVX2_GEMV}; native addresses, arguments as {@link Avx2Gemm#microKernel} documents).
     */
    static void avx2Call(MemorySegment kernel, long a, long b, long c, long kPairs, long ldcBytes, long ldbBytes) {
        try {
            AVX2_CALL.invokeExact(kernel, a, b, c, kPairs, ldcBytes, ldbBytes);
        } catch (Throwable e) {
            throw new IllegalStateException("int8 GEMM kernel call failed", e);
        }
    }

    /**
     * {@code count} products C[m,n] = A[m,k] * B[k,n], row-major with leading dimensions; consecutive products
     * are {@code as}, {@code bs}, {@code cs} elements apart (0 shares an operand). Scratch: one packed panel
     * and an edge tile ({@link ScalarKernels#GEMM_SCRATCH_FLOATS}).
     */
    public static void gemmF32(float[] a, int ao, int lda, int as, float[] b, int bo, int ldb, int bs, float[] c,
            int co, int ldc, int cs, int count, int m, int n, int k, float[] scratch, int so) {
        for (int t = 0; t < count; t++) {
            gemm(a, ao + t * as, lda, b, null, bo + t * bs, ldb, c, co + t * cs, ldc, m, n, k, false, false, scratch,
                    so);
        }
    }

    /** {@link ScalarKernels#gemmF32Heads}. */
    public static void gemmF32Heads(float[] a, int ao, int lda, int an, int ah, float[] b, int bo, int ldb, int bn,
            int bh, float[] c, int co, int ldc, int cn, int ch, int batches, int heads, int m, int n, int k,
            float[] scratch, int so) {
        for (int i = 0; i < batches; i++) {
            for (int h = 0; h < heads; h++) {
                gemm(a, ao + i * an + h * ah, lda, b, null, bo + i * bn + h * bh, ldb, c, co + i * cn + h * ch, ldc, m,
                        n, k, false, false, scratch, so);
            }
        }
    }

    /**
     * {@link ScalarKernels#gemmF32Weights}: W in panels of NR columns, k rows each ({@link #weightPanels}), so the
     * register block reads it as it is instead of copying a panel per KC rows of every call.
     */
    public static void gemmF32Weights(float[] a, int ao, int lda, float[] w, int wo, int ldw, float[] c, int co,
            int ldc, int m, int n, int k, float[] scratch, int so) {
        gemm(a, ao, lda, w, null, wo, ldw, c, co, ldc, m, n, k, false, true, scratch, so);
    }

    /** The panels of W[k,n] at {@code wo} (NR columns each, k rows of NR floats, zero past n), made once and kept. */
    private static float[] weightPanels(float[] w, int wo, int ldw, int n, int k) {
        Object[] cache = floatPrepared;
        long key = (long) wo << 32 | n;
        if (cache != null && cache[0] == w) {
            long[] keys = (long[]) cache[1];
            for (int i = 0; i < keys.length; i++) {
                if (keys[i] == key) {
                    return ((float[][]) cache[2])[i];
                }
            }
        }
        int panels = (n + NR - 1) / NR;
        float[] p = new float[panels * k * NR];
        for (int j = 0; j < panels; j++) {
            packFloats(w, wo + j * NR, ldw, k, Math.min(NR, n - j * NR), p, j * k * NR);
        }
        boolean same = cache != null && cache[0] == w;
        long[] keys = same ? (long[]) cache[1] : new long[0];
        float[][] values = same ? (float[][]) cache[2] : new float[0][];
        long[] moreKeys = Arrays.copyOf(keys, keys.length + 1);
        float[][] moreValues = Arrays.copyOf(values, values.length + 1);
        moreKeys[keys.length] = key;
        moreValues[values.length] = p;
        floatPrepared = new Object[] {w, moreKeys, moreValues};
        return p;
    }

    /**
     * C[m,n] = (or +=, with {@code add}) A[m,k] * B[k,n], B given as floats or as int8 bytes (exactly one of
     * {@code bf}, {@code bb}). BLIS's loop order: per KC rows of K, up to MC rows of A are packed (MR rows at a time,
     * interleaved per k: the register block's broadcasts then come from one address stream, where six row streams
     * cost it a fifth of its speed), then B is copied KC rows by NR columns at a time into a panel that stays in L1
     * while every block of MR packed rows passes over it. Few rows or a shallow float B are read in place, and a
     * constant B ({@code weights}) from its panels, made once ({@link #weightPanels}).
     */
    private static void gemm(float[] a, int ao, int lda, float[] bf, byte[] bb, int bo, int ldb, float[] c, int co,
            int ldc, int m, int n, int k, boolean add, boolean weights, float[] scratch, int so) {
        if (bf != null && m < 4) {
            for (int i = 0; i < m; i++) {
                gemvRowF32(a, ao + i * lda, bf, bo, ldb, c, co + i * ldc, n, k, add);
            }
            return;
        }
        if (bf != null && !add && (n == L || n == 2 * L) && k <= 256) {
            gemmNarrow(a, ao, lda, bf, bo, ldb, c, co, ldc, m, n, k);
            return;
        }
        // Too few rows to repay packing B, or a shallow B whose k x NR strip stays in L1 while the row blocks pass
        // over it: the register block reads B in place.
        boolean inPlace = bf != null && (m < MR || k <= KC && stripFitsL1(k, ldb));
        float[] panels = weights ? weightPanels(bf, bo, ldb, n, k) : null;
        int tile = so + ScalarKernels.GEMM_PANEL_FLOATS;
        int packed = so + ScalarKernels.GEMM_SCRATCH_FLOATS - ScalarKernels.GEMM_PACKED_A_FLOATS;
        for (int p0 = 0; p0 < k; p0 += KC) {
            int kc = Math.min(KC, k - p0);
            boolean addBlock = add || p0 > 0;
            for (int i0 = 0; i0 < m; i0 += MC) {
                int mc = Math.min(MC, m - i0);
                packRows(a, ao + i0 * lda + p0, lda, mc, kc, scratch, packed);
                for (int j = 0; j < n; j += NR) {
                    int cols = Math.min(NR, n - j);
                    float[] b = scratch;
                    int from = so;
                    int ld = NR;
                    if (panels != null) {
                        b = panels;
                        from = j * k + p0 * NR;
                    } else if (inPlace && cols == NR) {
                        b = bf;
                        from = bo + p0 * ldb + j;
                        ld = ldb;
                    } else if (bf != null) {
                        packFloats(bf, bo + p0 * ldb + j, ldb, kc, cols, scratch, so);
                    } else {
                        packBytes(bb, bo + p0 * ldb + j, ldb, kc, cols, scratch, so);
                    }
                    int to = co + i0 * ldc + j;
                    for (int i = 0; i < mc; i += MR) {
                        block(scratch, packed + i * kc, Math.min(MR, mc - i), b, from, ld, kc, c, to + i * ldc, ldc,
                                cols, addBlock, scratch, tile);
                    }
                }
            }
        }
    }

    /**
     * {@code rows} rows of A[., kc] into blocks of MR rows, each k-major ({@code MR} values a k, block after block,
     * MR * kc floats each); a last block of fewer rows repeats its last row, whose results go to the spare tile.
     * L values of the six rows at a time are transposed in registers (two-vector selections: rows zipped in pairs,
     * then the three pair streams merged), at 256 bits and more; scalar otherwise and for the last values.
     */
    private static void packRows(float[] a, int ao, int lda, int rows, int kc, float[] p, int po) {
        for (int i = 0; i < rows; i += MR) {
            int last = Math.min(MR, rows - i) - 1;
            int r0 = ao + i * lda;
            int r1 = r0 + Math.min(1, last) * lda;
            int r2 = r0 + Math.min(2, last) * lda;
            int r3 = r0 + Math.min(3, last) * lda;
            int r4 = r0 + Math.min(4, last) * lda;
            int r5 = r0 + Math.min(5, last) * lda;
            int to = po + i * kc;
            int q = 0;
            for (; L >= 8 && q + L <= kc; q += L, to += MR * L) {
                FloatVector x0 = FloatVector.fromArray(FS, a, r0 + q);
                FloatVector x1 = FloatVector.fromArray(FS, a, r1 + q);
                FloatVector x2 = FloatVector.fromArray(FS, a, r2 + q);
                FloatVector x3 = FloatVector.fromArray(FS, a, r3 + q);
                FloatVector x4 = FloatVector.fromArray(FS, a, r4 + q);
                FloatVector x5 = FloatVector.fromArray(FS, a, r5 + q);
                mergePairs(ZIP_LOW.selectFrom(x0, x1), ZIP_LOW.selectFrom(x2, x3), ZIP_LOW.selectFrom(x4, x5), p, to);
                mergePairs(ZIP_HIGH.selectFrom(x0, x1), ZIP_HIGH.selectFrom(x2, x3), ZIP_HIGH.selectFrom(x4, x5), p,
                        to + 3 * L);
            }
            for (; q < kc; q++, to += MR) {
                p[to] = a[r0 + q];
                p[to + 1] = a[r1 + q];
                p[to + 2] = a[r2 + q];
                p[to + 3] = a[r3 + q];
                p[to + 4] = a[r4 + q];
                p[to + 5] = a[r5 + q];
            }
        }
    }

    /** Pairs (r0, r1), (r2, r3), (r4, r5) of L/2 values of k each, merged into 3 vectors of the packed order. */
    private static void mergePairs(FloatVector p01, FloatVector p23, FloatVector p45, float[] p, int to) {
        MERGE_C[0].selectFrom(MERGE_AB[0].selectFrom(p01, p23), p45).intoArray(p, to);
        MERGE_C[1].selectFrom(MERGE_AB[1].selectFrom(p01, p23), p45).intoArray(p, to + L);
        MERGE_C[2].selectFrom(MERGE_AB[2].selectFrom(p01, p23), p45).intoArray(p, to + 2 * L);
    }

    /** Lane indices of two-vector selections: x[t], y[t] alternating over the low (high) half of the lanes. */
    private static FloatVector zipIndices(int half) {
        float[] index = new float[L];
        for (int t = 0; t < L; t++) {
            index[t] = (t % 2) * L + half * L / 2 + t / 2;
        }
        return FloatVector.fromArray(FS, index, 0);
    }

    /**
     * The merge of three pair streams (a, b, c: pairs of rows, a pair per k) into vector {@code o} of the order a0
     * b0 c0 a1 b1 c1 ...: {@code abStep} takes the a and b lanes, then {@code cStep} the c lanes.
     */
    private static FloatVector[] mergeIndices(boolean cStep) {
        FloatVector[] steps = new FloatVector[3];
        for (int o = 0; o < 3; o++) {
            float[] index = new float[L];
            for (int t = 0; t < L; t++) {
                int pair = (o * L + t) / 2;
                int source = pair % 3;
                int lane = 2 * (pair / 3) + t % 2;
                index[t] = cStep ? (source == 2 ? L + lane : t) : (source == 2 ? 0 : source * L + lane);
            }
            steps[o] = FloatVector.fromArray(FS, index, 0);
        }
        return steps;
    }

    /**
     * C[m,n] = A[m,k] * B[k,n] for B one or two vectors wide and shallow (attention's per-head products, 16 x 16
     * x 16): four rows of C at a time in registers (four independent FMA chains: one row's chain of k dependent FMAs
     * left the FMA units idle for most of its latency), B read in place (at most 32 KiB, in L1), the last rows one
     * at a time. The register block's path would pack B and, B being narrower than its NR columns, go through an
     * edge tile for every block.
     */
    private static void gemmNarrow(float[] a, int ao, int lda, float[] b, int bo, int ldb, float[] c, int co,
            int ldc, int m, int n, int k) {
        boolean two = n == 2 * L;
        int i = 0;
        for (; i + 4 <= m; i += 4) {
            int r0 = ao + i * lda;
            int r1 = r0 + lda;
            int r2 = r1 + lda;
            int r3 = r2 + lda;
            FloatVector c00 = FloatVector.zero(FS);
            FloatVector c01 = c00;
            FloatVector c10 = c00;
            FloatVector c11 = c00;
            FloatVector c20 = c00;
            FloatVector c21 = c00;
            FloatVector c30 = c00;
            FloatVector c31 = c00;
            for (int p = 0; p < k; p++) {
                int br = bo + p * ldb;
                FloatVector b0 = FloatVector.fromArray(FS, b, br);
                FloatVector x0 = FloatVector.broadcast(FS, a[r0 + p]);
                FloatVector x1 = FloatVector.broadcast(FS, a[r1 + p]);
                FloatVector x2 = FloatVector.broadcast(FS, a[r2 + p]);
                FloatVector x3 = FloatVector.broadcast(FS, a[r3 + p]);
                c00 = b0.fma(x0, c00);
                c10 = b0.fma(x1, c10);
                c20 = b0.fma(x2, c20);
                c30 = b0.fma(x3, c30);
                if (two) {
                    FloatVector b1 = FloatVector.fromArray(FS, b, br + L);
                    c01 = b1.fma(x0, c01);
                    c11 = b1.fma(x1, c11);
                    c21 = b1.fma(x2, c21);
                    c31 = b1.fma(x3, c31);
                }
            }
            int cr = co + i * ldc;
            c00.intoArray(c, cr);
            c10.intoArray(c, cr + ldc);
            c20.intoArray(c, cr + 2 * ldc);
            c30.intoArray(c, cr + 3 * ldc);
            if (two) {
                c01.intoArray(c, cr + L);
                c11.intoArray(c, cr + ldc + L);
                c21.intoArray(c, cr + 2 * ldc + L);
                c31.intoArray(c, cr + 3 * ldc + L);
            }
        }
        for (; i < m; i++) {
            int ar = ao + i * lda;
            int cr = co + i * ldc;
            FloatVector c0 = FloatVector.zero(FS);
            FloatVector c1 = FloatVector.zero(FS);
            for (int p = 0; p < k; p++) {
                FloatVector av = FloatVector.broadcast(FS, a[ar + p]);
                int br = bo + p * ldb;
                c0 = FloatVector.fromArray(FS, b, br).fma(av, c0);
                if (two) {
                    c1 = FloatVector.fromArray(FS, b, br + L).fma(av, c1);
                }
            }
            c0.intoArray(c, cr);
            if (two) {
                c1.intoArray(c, cr + L);
            }
        }
    }

    /**
     * Whether k rows of one cache line each, {@code ldb} floats apart, fit L1 (32 KiB, 8 ways of 64 sets of 64-byte
     * lines) using at most half its ways: a stride that is a multiple of a large power of two maps every row to a
     * few sets (a 112x112 image's rows hit 4 sets) and would thrash.
     */
    private static boolean stripFitsL1(int k, int ldb) {
        int stride = ldb * Float.BYTES;
        int sets = Math.min(64, 4096 / Math.max(64, Integer.lowestOneBit(stride | 4096)));
        return k <= sets * 4;
    }

    /** B[kc rows, cols <= NR columns] into a dense kc x NR panel, zero beyond {@code cols}. */
    private static void packFloats(float[] b, int bo, int ldb, int kc, int cols, float[] panel, int po) {
        for (int p = 0; p < kc; p++) {
            int from = bo + p * ldb;
            int to = po + p * NR;
            if (cols == NR) {
                FloatVector.fromArray(FS, b, from).intoArray(panel, to);
                FloatVector.fromArray(FS, b, from + L).intoArray(panel, to + L);
            } else {
                for (int j = 0; j < NR; j++) {
                    panel[to + j] = j < cols ? b[from + j] : 0f;
                }
            }
        }
    }

    /** As {@link #packFloats}, converting int8 to (exact) floats. */
    private static void packBytes(byte[] b, int bo, int ldb, int kc, int cols, float[] panel, int po) {
        for (int p = 0; p < kc; p++) {
            int from = bo + p * ldb;
            int to = po + p * NR;
            if (cols == NR && LANE_BYTES.length() == L) {
                // Two part-0 conversions: a part-1 convertShape is slow and in some JVMs allocates.
                ((FloatVector) ByteVector.fromArray(LANE_BYTES, b, from).convertShape(VectorOperators.B2F, FS, 0))
                        .intoArray(panel, to);
                ((FloatVector) ByteVector.fromArray(LANE_BYTES, b, from + L).convertShape(VectorOperators.B2F, FS, 0))
                        .intoArray(panel, to + L);
            } else if (cols == NR) {
                ByteVector w = ByteVector.fromArray(PANEL_BYTES, b, from);
                ((FloatVector) w.convertShape(VectorOperators.B2F, FS, 0)).intoArray(panel, to);
                ((FloatVector) w.convertShape(VectorOperators.B2F, FS, 1)).intoArray(panel, to + L);
            } else {
                for (int j = 0; j < NR; j++) {
                    panel[to + j] = j < cols ? b[from + j] : 0f;
                }
            }
        }
    }

    /**
     * C[rows <= MR, cols <= NR] (+)= A[rows, kc] (packed) * B[kc, NR] ({@code ldb} floats a row). A block of NR
     * columns is computed straight into C; a narrower one (B zero past {@code cols}) into {@code tile} (MR x NR, then
     * a spare row), whose valid part is then copied, so the register block itself never needs masks.
     */
    private static void block(float[] a, int ao, int rows, float[] b, int bo, int ldb, int kc, float[] c, int co,
            int ldc, int cols, boolean add, float[] scratch, int tile) {
        if (cols == NR) {
            kernel(a, ao, rows, b, bo, ldb, kc, c, co, ldc, add, scratch, tile);
            return;
        }
        kernel(a, ao, rows, b, bo, ldb, kc, scratch, tile, NR, false, scratch, tile + MR * NR);
        copyTile(scratch, tile, c, co, ldc, rows, cols, add);
    }

    /** The valid rows x cols of a register block's tile (row length NR) into C. */
    private static void copyTile(float[] t, int to, float[] c, int co, int ldc, int rows, int cols, boolean add) {
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                float v = t[to + i * NR + j];
                c[co + i * ldc + j] = add ? c[co + i * ldc + j] + v : v;
            }
        }
    }

    /**
     * The register block: C[MR, NR] (+)= A[MR, kc] (packed by {@link #packRows}) * B[kc, NR] ({@code ldp} floats a
     * row). MR x 2 vector accumulators (12) plus two B vectors and one broadcast fit the 16 registers of AVX2 and
     * leave AVX-512 and NEON room; the 12 independent FMA chains cover the FMA latency. Rows past {@code rows}
     * (repeats of the last one in the packing) are stored to {@code spare} (NR floats).
     */
    private static void kernel(float[] a, int ao, int rows, float[] panel, int po, int ldp, int kc, float[] c,
            int co, int ldc, boolean add, float[] spare, int spareAt) {
        FloatVector c00 = FloatVector.zero(FS), c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00;
        FloatVector c30 = c00, c31 = c00, c40 = c00, c41 = c00, c50 = c00, c51 = c00;
        for (int p = 0; p < kc; p++) {
            int bp = po + p * ldp;
            FloatVector b0 = FloatVector.fromArray(FS, panel, bp);
            FloatVector b1 = FloatVector.fromArray(FS, panel, bp + L);
            int ap = ao + p * MR;
            FloatVector x = FloatVector.broadcast(FS, a[ap]);
            c00 = x.fma(b0, c00);
            c01 = x.fma(b1, c01);
            x = FloatVector.broadcast(FS, a[ap + 1]);
            c10 = x.fma(b0, c10);
            c11 = x.fma(b1, c11);
            x = FloatVector.broadcast(FS, a[ap + 2]);
            c20 = x.fma(b0, c20);
            c21 = x.fma(b1, c21);
            x = FloatVector.broadcast(FS, a[ap + 3]);
            c30 = x.fma(b0, c30);
            c31 = x.fma(b1, c31);
            x = FloatVector.broadcast(FS, a[ap + 4]);
            c40 = x.fma(b0, c40);
            c41 = x.fma(b1, c41);
            x = FloatVector.broadcast(FS, a[ap + 5]);
            c50 = x.fma(b0, c50);
            c51 = x.fma(b1, c51);
        }
        // Rows past {@code rows} go to the spare tile, so every row has a target and the stores need no branches.
        // The stores are written out: passing the accumulators to a helper made C2 box them in some JVMs.
        float[] d1 = rows > 1 ? c : spare;
        float[] d2 = rows > 2 ? c : spare;
        float[] d3 = rows > 3 ? c : spare;
        float[] d4 = rows > 4 ? c : spare;
        float[] d5 = rows > 5 ? c : spare;
        int o1 = rows > 1 ? co + ldc : spareAt;
        int o2 = rows > 2 ? co + 2 * ldc : spareAt;
        int o3 = rows > 3 ? co + 3 * ldc : spareAt;
        int o4 = rows > 4 ? co + 4 * ldc : spareAt;
        int o5 = rows > 5 ? co + 5 * ldc : spareAt;
        if (add) {
            c00 = c00.add(FloatVector.fromArray(FS, c, co));
            c01 = c01.add(FloatVector.fromArray(FS, c, co + L));
            c10 = c10.add(FloatVector.fromArray(FS, d1, o1));
            c11 = c11.add(FloatVector.fromArray(FS, d1, o1 + L));
            c20 = c20.add(FloatVector.fromArray(FS, d2, o2));
            c21 = c21.add(FloatVector.fromArray(FS, d2, o2 + L));
            c30 = c30.add(FloatVector.fromArray(FS, d3, o3));
            c31 = c31.add(FloatVector.fromArray(FS, d3, o3 + L));
            c40 = c40.add(FloatVector.fromArray(FS, d4, o4));
            c41 = c41.add(FloatVector.fromArray(FS, d4, o4 + L));
            c50 = c50.add(FloatVector.fromArray(FS, d5, o5));
            c51 = c51.add(FloatVector.fromArray(FS, d5, o5 + L));
        }
        c00.intoArray(c, co);
        c01.intoArray(c, co + L);
        c10.intoArray(d1, o1);
        c11.intoArray(d1, o1 + L);
        c20.intoArray(d2, o2);
        c21.intoArray(d2, o2 + L);
        c30.intoArray(d3, o3);
        c31.intoArray(d3, o3 + L);
        c40.intoArray(d4, o4);
        c41.intoArray(d4, o4 + L);
        c50.intoArray(d5, o5);
        c51.intoArray(d5, o5 + L);
    }

    /**
     * One row of A times B, streaming B row by row (k outer) so its memory is read once and in order: the shape
     * of batch-1 layers, where the weights' bytes, not arithmetic, set the speed.
     */
    private static void gemvRowF32(float[] a, int ao, float[] b, int bo, int ldb, float[] c, int co, int n, int k,
            boolean add) {
        if (!add) {
            Arrays.fill(c, co, co + n, 0f);
        }
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
     * C[m,n] (int32) = A[m,k] * B[k,n] (int8 weights); uint8 activations enter centered (a - 128), as in
     * {@link ScalarKernels#gemmU8S8}, with its zero-point correction (on the machine-code path, while C leaves native
     * memory). Up to 512 rows of K at a time, A is converted to float and B packed from bytes
     * into float panels; the exact float sums move to int32. Scratch: m*min(k,512) + m*n + GEMM_SCRATCH_FLOATS
     * floats and n ints. One to three rows stream the weights instead (batch-1 matrix-vector: bytes dominate),
     * in 16-bit arithmetic when the weights are narrow.
     */
    public static void gemmU8S8(byte[] a, int ao, int lda, boolean aUnsigned, byte[] b, int bo, int ldb, int[] c,
            int co, int ldc, int m, int n, int k, boolean narrowWeights, float[] scratch, int so, int[] ints, int io,
            int[] corr, int ko, boolean correct) {
        int flip = aUnsigned ? 0x80 : 0;
        int corrMode = correct ? Avx2Gemm.PER_COLUMN : Avx2Gemm.NONE;
        if (VNNI_GEMM != null) {
            MemorySegment ws = Avx2Gemm.workspace(AVX2_WORKSPACE, VnniGemm.gemmWorkspaceBytes(m, n, k));
            MemorySegment weights = packedMatrixWeights(b, bo, ldb, n, k);
            VnniGemm.matmul(a, ao, lda, flip, weights, c, co, ldc, m, n, k, ws, corr, ko, corrMode);
            Reference.reachabilityFence(weights);
            Reference.reachabilityFence(ws);
            return;
        }
        if (AVX2_GEMM != null && m >= 4) {
            // Batches: the weights widened once (2 bytes a weight), so the kernel's loop only loads them.
            MemorySegment ws = Avx2Gemm.workspace(AVX2_WORKSPACE,
                    Avx2Gemm.workspaceBytes(Avx2Gemm.packedInts(m, k), 0, m, n));
            MemorySegment weights = packedMatrixWeights(b, bo, ldb, n, k);
            Avx2Gemm.gemmPacked(a, ao, lda, flip, weights, c, co, ldc, m, n, k, ws, corr, ko, corrMode);
            // The kernels got raw addresses: keep the memory behind them alive until they are done.
            Reference.reachabilityFence(weights);
            Reference.reachabilityFence(ws);
            return;
        }
        if (AVX2_GEMM != null && Avx2Gemm.fitsInPlace(b.length, bo, ldb, n, k, Avx2Gemm.GEMV_COLUMNS)) {
            // Batch 1-3: bytes set the speed; the weights as they are (1 byte a weight).
            MemorySegment ws = Avx2Gemm.workspace(AVX2_WORKSPACE, Avx2Gemm.gemvWorkspaceBytes(n, k));
            MemorySegment weights = matrixWeights(b, bo,
                    (int) Avx2Gemm.extent(ldb, n, k, Avx2Gemm.GEMV_COLUMNS));
            Avx2Gemm.gemv(a, ao, lda, flip, weights, 0, ldb, c, co, ldc, m, n, k, ws, corr, ko, corrMode);
            Reference.reachabilityFence(weights);
            Reference.reachabilityFence(ws);
            return;
        }
        if (m < 4) {
            for (int i = 0; i < m; i++) {
                if (narrowWeights) {
                    gemvRowNarrow(a, ao + i * lda, flip, b, bo, ldb, c, co + i * ldc, n, k, ints, io);
                } else {
                    gemvRow(a, ao + i * lda, flip, b, bo, ldb, c, co + i * ldc, n, k, scratch, so);
                }
            }
            if (correct) {
                ConvKernels.subtractI32(c, co, ldc, m, n, corr, ko, Avx2Gemm.PER_COLUMN);
            }
            return;
        }
        int as = so;
        int cs = as + m * Math.min(k, EXACT_K);
        int ps = cs + m * n;
        for (int p0 = 0; p0 < k; p0 += EXACT_K) {
            int kc = Math.min(EXACT_K, k - p0);
            for (int i = 0; i < m; i++) {
                for (int p = 0; p < kc; p++) {
                    scratch[as + i * kc + p] = (byte) (a[ao + i * lda + p0 + p] ^ flip);
                }
            }
            gemm(scratch, as, kc, null, b, bo + p0 * ldb, ldb, scratch, cs, n, m, n, kc, false, false, scratch, ps);
            accumulate(scratch, cs, c, co, ldc, m, n, p0 == 0);
        }
        if (correct) {
            ConvKernels.subtractI32(c, co, ldc, m, n, corr, ko, Avx2Gemm.PER_COLUMN);
        }
    }

    /**
     * {@code n} int32 values of native memory at {@code from} of {@code ws} into c, less the zero-point correction:
     * {@code corr[ko + j]} per column ({@link Avx2Gemm#PER_COLUMN}), {@code corr[ko]} for all
     * ({@link Avx2Gemm#PER_ROW}), or none: the machine-code products' way out of native memory.
     */
    static void copyOut(MemorySegment ws, long from, int[] c, int co, int n, int[] corr, int ko, int mode) {
        if (mode == Avx2Gemm.NONE) {
            MemorySegment.copy(ws, ValueLayout.JAVA_INT, from, c, co, n);
            return;
        }
        boolean perColumn = mode == Avx2Gemm.PER_COLUMN;
        int r = corr[ko];
        int j = 0;
        for (; j + L <= n; j += L) {
            IntVector v = IntVector.fromMemorySegment(IS, ws, from + 4L * j, ByteOrder.LITTLE_ENDIAN);
            (perColumn ? v.sub(IntVector.fromArray(IS, corr, ko + j)) : v.sub(r)).intoArray(c, co + j);
        }
        for (; j < n; j++) {
            c[co + j] = ws.get(ValueLayout.JAVA_INT, from + 4L * j) - (perColumn ? corr[ko + j] : r);
        }
    }

    /**
     * Pooled rows [py0, py1) of one output channel (plane at {@code yo}, {@code pow} per row) from its convolution
     * rows [y0, ...) in {@code c} from {@code co} (rows of {@code ow} int32 values, and one more value after the
     * last window row): the max over each kh x kw
     * window (every sh rows, sw columns) of the values less {@code corr}, plus {@code bias} (int32, wrapping, as
     * the graph's Sub, MaxPool and Add). The 2x2, stride-2 window in vectors: the max of a row pair and of the
     * same one lane on holds each window's max in its even lanes, which L2I of the long lanes keeps.
     */
    static void maxPoolRows(int[] c, int co, int ow, int y0, int[] y, int yo, int py0, int py1, int pow, int kh,
            int kw, int sh, int sw, int corr, int bias) {
        int half = DI.length();
        for (int py = py0; py < py1; py++) {
            int r0 = co + (py * sh - y0) * ow;
            int out = yo + py * pow;
            int px = 0;
            if (kh == 2 && kw == 2 && sw == 2 && half * 2 == L && pow >= half) {
                int r1 = r0 + ow;
                // Lanes read r0 + [2px, 2px + L] and r1 + [2px, 2px + L], up to the first value past the window row:
                // c holds a value (any) there. The last vector overlaps its predecessor: no scalar tail.
                for (int last = pow - half;; px = Math.min(px + half, last)) {
                    int b = 2 * px;
                    IntVector m = IntVector.fromArray(IS, c, r0 + b).sub(corr)
                            .max(IntVector.fromArray(IS, c, r1 + b).sub(corr))
                            .max(IntVector.fromArray(IS, c, r0 + b + 1).sub(corr))
                            .max(IntVector.fromArray(IS, c, r1 + b + 1).sub(corr));
                    ((IntVector) m.reinterpretAsLongs().convertShape(VectorOperators.L2I, DI, 0)).add(bias)
                            .intoArray(y, out + px);
                    if (px == last) {
                        break;
                    }
                }
                continue;
            }
            for (; px < pow; px++) {
                int at = r0 + px * sw;
                int m = Integer.MIN_VALUE;
                for (int u = 0; u < kh; u++) {
                    for (int v = 0; v < kw; v++) {
                        m = Math.max(m, c[at + u * ow + v] - corr);
                    }
                }
                y[out + px] = m + bias;
            }
        }
    }

    /**
     * One row of int8 activations against narrow int8 weights ([-127, 127]) in 16-bit arithmetic, four rows of B
     * per call of {@link #narrowQuad}: no widening loads, no float conversion. Sums collect column-permuted in
     * {@code t} (whole chunks of {@link #CH} columns) and are put in order at the end; the last columns go scalar.
     */
    private static void gemvRowNarrow(byte[] a, int ao, int flip, byte[] b, int bo, int ldb, int[] c, int co, int n,
            int k, int[] t, int to) {
        int whole = n - n % CH;
        Arrays.fill(t, to, to + whole, 0);
        for (int p = 0; p < k; p += 4) {
            // Rows past k repeat row p with a zero activation.
            int r0 = bo + p * ldb;
            narrowQuad(b, r0, p + 1 < k ? r0 + ldb : r0, p + 2 < k ? r0 + 2 * ldb : r0,
                    p + 3 < k ? r0 + 3 * ldb : r0, activation(a, ao, p, k, flip), activation(a, ao, p + 1, k, flip),
                    activation(a, ao, p + 2, k, flip), activation(a, ao, p + 3, k, flip), t, to, whole);
        }
        for (int q = 0; q < whole; q += CH) {
            for (int u = 0; u < L; u++) {
                c[co + q + 4 * u] = t[to + q + u];
                c[co + q + 4 * u + 2] = t[to + q + L + u];
                c[co + q + 4 * u + 1] = t[to + q + 2 * L + u];
                c[co + q + 4 * u + 3] = t[to + q + 3 * L + u];
            }
        }
        for (int j = whole; j < n; j++) {
            int sum = 0;
            for (int p = 0; p < k; p++) {
                sum += (byte) (a[ao + p] ^ flip) * b[bo + p * ldb + j];
            }
            c[co + j] = sum;
        }
    }

    private static short activation(byte[] a, int ao, int p, int k, int flip) {
        return p < k ? (short) (byte) (a[ao + p] ^ flip) : 0;
    }

    /**
     * t += x0*B[r0] + x1*B[r1] + x2*B[r2] + x3*B[r3] over {@code whole} columns. Each short lane of a byte vector
     * holds an even and an odd column: shifts (the even byte: left then arithmetic right by 8; the odd: right by
     * 8) split them into 16-bit values, a pair of rows' products add up in 16
     * bits (|sum| <= 2 * 128 * 127 < 2^15), and the same shifts by 16 on int lanes widen the sums, so a chunk's
     * CH columns land in t as four vectors of columns 4u, 4u+2, 4u+1, 4u+3.
     */
    private static void narrowQuad(byte[] b, int r0, int r1, int r2, int r3, short x0, short x1, short x2, short x3,
            int[] t, int to, int whole) {
        ShortVector v0 = ShortVector.broadcast(SS, x0);
        ShortVector v1 = ShortVector.broadcast(SS, x1);
        ShortVector v2 = ShortVector.broadcast(SS, x2);
        ShortVector v3 = ShortVector.broadcast(SS, x3);
        for (int j = 0; j < whole; j += CH) {
            // Helper methods taking ShortVector lose the exact vector class and fall back to boxed code: inline.
            ShortVector w0 = ByteVector.fromArray(BS, b, r0 + j).reinterpretAsShorts();
            ShortVector w1 = ByteVector.fromArray(BS, b, r1 + j).reinterpretAsShorts();
            ShortVector w2 = ByteVector.fromArray(BS, b, r2 + j).reinterpretAsShorts();
            ShortVector w3 = ByteVector.fromArray(BS, b, r3 + j).reinterpretAsShorts();
            IntVector even01 = w0.lanewise(LSHL, 8).lanewise(ASHR, 8).mul(v0)
                    .add(w1.lanewise(LSHL, 8).lanewise(ASHR, 8).mul(v1)).reinterpretAsInts();
            IntVector even23 = w2.lanewise(LSHL, 8).lanewise(ASHR, 8).mul(v2)
                    .add(w3.lanewise(LSHL, 8).lanewise(ASHR, 8).mul(v3)).reinterpretAsInts();
            IntVector odd01 = w0.lanewise(ASHR, 8).mul(v0).add(w1.lanewise(ASHR, 8).mul(v1)).reinterpretAsInts();
            IntVector odd23 = w2.lanewise(ASHR, 8).mul(v2).add(w3.lanewise(ASHR, 8).mul(v3)).reinterpretAsInts();
            int at = to + j;
            even01.lanewise(LSHL, 16).lanewise(ASHR, 16).add(even23.lanewise(LSHL, 16).lanewise(ASHR, 16))
                    .add(IntVector.fromArray(IS, t, at)).intoArray(t, at);
            even01.lanewise(ASHR, 16).add(even23.lanewise(ASHR, 16))
                    .add(IntVector.fromArray(IS, t, at + L)).intoArray(t, at + L);
            odd01.lanewise(LSHL, 16).lanewise(ASHR, 16).add(odd23.lanewise(LSHL, 16).lanewise(ASHR, 16))
                    .add(IntVector.fromArray(IS, t, at + 2 * L)).intoArray(t, at + 2 * L);
            odd01.lanewise(ASHR, 16).add(odd23.lanewise(ASHR, 16))
                    .add(IntVector.fromArray(IS, t, at + 3 * L)).intoArray(t, at + 3 * L);
        }
    }

    /**
     * One row of activations against int8 weights, streaming the weights row by row and converting them in
     * registers; exact float partial sums of up to 512 rows collect in {@code sum} (n floats) and then move to
     * int32.
     */
    private static void gemvRow(byte[] a, int ao, int flip, byte[] b, int bo, int ldb, int[] c, int co,
            int n, int k, float[] sum, int so) {
        for (int p0 = 0; p0 < k; p0 += EXACT_K) {
            int end = Math.min(k, p0 + EXACT_K);
            Arrays.fill(sum, so, so + n, 0f);
            int p = p0;
            for (; p + 4 <= end; p += 4) {
                FloatVector a0 = FloatVector.broadcast(FS, (byte) (a[ao + p] ^ flip));
                FloatVector a1 = FloatVector.broadcast(FS, (byte) (a[ao + p + 1] ^ flip));
                FloatVector a2 = FloatVector.broadcast(FS, (byte) (a[ao + p + 2] ^ flip));
                FloatVector a3 = FloatVector.broadcast(FS, (byte) (a[ao + p + 3] ^ flip));
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
                    sum[so + j] += (byte) (a[ao + p] ^ flip) * b[r + j]
                            + (byte) (a[ao + p + 1] ^ flip) * b[r + ldb + j]
                            + (byte) (a[ao + p + 2] ^ flip) * b[r + 2 * ldb + j]
                            + (byte) (a[ao + p + 3] ^ flip) * b[r + 3 * ldb + j];
                }
            }
            for (; p < end; p++) {
                FloatVector av = FloatVector.broadcast(FS, (byte) (a[ao + p] ^ flip));
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
                    sum[so + j] += (byte) (a[ao + p] ^ flip) * b[r + j];
                }
            }
            for (int j = 0; j < n; j++) {
                c[co + j] = p0 == 0 ? (int) sum[so + j] : c[co + j] + (int) sum[so + j];
            }
        }
    }

    /**
     * C[m,n] (int32) = A[m,k] * B[k,n], both integer values held in floats (int8 weights widened once per call,
     * im2col columns): the float sums of up to 512 products are exact and move to int32. Scratch: m*n +
     * GEMM_SCRATCH_FLOATS floats.
     */
    public static void gemmExactI32(float[] a, int ao, int lda, float[] b, int bo, int ldb, int[] c, int co,
            int ldc, int m, int n, int k, float[] scratch, int so) {
        int cs = so;
        int ps = cs + m * n;
        for (int p0 = 0; p0 < k; p0 += EXACT_K) {
            int kc = Math.min(EXACT_K, k - p0);
            gemm(a, ao + p0, lda, b, null, bo + p0 * ldb, ldb, scratch, cs, n, m, n, kc, false, false, scratch, ps);
            accumulate(scratch, cs, c, co, ldc, m, n, p0 == 0);
        }
    }

    /**
     * {@link ScalarKernels#convInteger}: on the AVX2 micro-kernels where installed, else with exact float GEMMs.
     */
    public static void convInteger(byte[] x, int xo, boolean unsigned, byte[] w, int wo, int[] y, int yo, int batch,
            int groups, int c, int h, int wd, int kh, int kw, int sh, int sw, int ph, int pw, int dh, int dw, int oc,
            int oh, int ow, int zx, int bandRows, float[] fs, int fo, byte[] bs, int bo, int[] is, int io, int[] corr,
            int ko, boolean correct) {
        if (AVX2_GEMM != null) {
            avx2Conv(x, xo, unsigned, w, wo, y, yo, batch, groups, c, h, wd, kh, kw, sh, sw, ph, pw, dh, dw, oc, oh,
                    ow, zx, bandRows, bs, bo, is, io, corr, ko, correct, 0, 0, 1, 1, 0, 0, corr, 0, false, corr, 0);
        } else {
            ConvKernels.convIntegerWidened(x, xo, unsigned, w, wo, y, yo, batch, groups, c, h, wd, kh, kw, sh, sw,
                    ph, pw, dh, dw, oc, oh, ow, zx, bandRows, fs, fo, corr, ko, correct);
        }
    }

    /**
     * {@link ScalarKernels#convIntegerMaxPool}: on the AVX2 micro-kernels where installed, pooling each band of
     * accumulators as it leaves native memory ({@link #copyOutMaxPool}); else one image at a time.
     */
    public static void convIntegerMaxPool(byte[] x, int xo, boolean unsigned, byte[] w, int wo, int[] y, int yo,
            int batch, int groups, int c, int h, int wd, int kh, int kw, int sh, int sw, int ph, int pw, int dh,
            int dw, int oc, int oh, int ow, int zx, int bandRows, float[] fs, int fo, byte[] bs, int bo, int[] is,
            int io, int[] corr, int ko, boolean correct, int pkh, int pkw, int psh, int psw, int poh, int pow,
            int[] bias, int bio, boolean hasBias, int[] acc, int ao) {
        if (AVX2_GEMM != null) {
            avx2Conv(x, xo, unsigned, w, wo, y, yo, batch, groups, c, h, wd, kh, kw, sh, sw, ph, pw, dh, dw, oc, oh,
                    ow, zx, bandRows, bs, bo, is, io, corr, ko, correct, pkh, pkw, psh, psw, poh, pow, bias, bio,
                    hasBias, acc, ao);
        } else {
            ConvKernels.convIntegerMaxPoolPerImage(x, xo, unsigned, w, wo, y, yo, batch, groups, c, h, wd, kh, kw, sh,
                    sw, ph, pw, dh, dw, oc, oh, ow, zx, bandRows, fs, fo, bs, bo, is, io, corr, ko, correct, pkh, pkw,
                    psh, psw, poh, pow, bias, bio, hasBias, acc, ao);
        }
    }

    /** {@link Avx2Gemm#conv} with the weights packed (once) and the thread's workspace. */
    private static void avx2Conv(byte[] x, int xo, boolean unsigned, byte[] w, int wo, int[] y, int yo, int batch,
            int groups, int c, int h, int wd, int kh, int kw, int sh, int sw, int ph, int pw, int dh, int dw, int oc,
            int oh, int ow, int zx, int bandRows, byte[] bs, int bo, int[] is, int io, int[] corr, int ko,
            boolean correct, int pkh, int pkw, int psh, int psw, int poh, int pow, int[] bias, int bio,
            boolean hasBias, int[] acc, int ao) {
        int k = c / groups * kh * kw;
        int nb = VNNI_GEMM != null ? VnniGemm.panelColumns(bandRows * ow) : Avx2Gemm.paddedColumns(bandRows * ow);
        MemorySegment ws = Avx2Gemm.workspace(AVX2_WORKSPACE, Avx2Gemm.convWorkspaceBytes(bandRows * ow, k, oc / groups)
                + Math.max(imageColumnsNativeBytes(c / groups, bandRows, wd, kh, kw), columnsNativeBytes(k, nb)));
        MemorySegment weights = packedConvWeights(w, wo, groups, oc / groups, k, unsigned, is, io);
        Avx2Gemm.conv(x, xo, unsigned, weights, y, yo, batch, groups, c, h, wd, kh, kw, sh, sw, ph, pw, dh, dw, oc,
                oh, ow, zx, bandRows, bs, bo, ws, corr, ko, correct ? Avx2Gemm.PER_ROW : Avx2Gemm.NONE, pkh, pkw, psh,
                psw, poh, pow, bias, bio, hasBias, acc, ao);
        Reference.reachabilityFence(weights);
        Reference.reachabilityFence(ws);
    }

    /** c (int32, leading dimension ldc) = or += the exact float sums in s (dense m x n). */
    private static void accumulate(float[] s, int so, int[] c, int co, int ldc, int m, int n, boolean first) {
        for (int i = 0; i < m; i++) {
            int ci = co + i * ldc;
            int si = so + i * n;
            int j = 0;
            for (; j + L <= n; j += L) {
                IntVector v = (IntVector) FloatVector.fromArray(FS, s, si + j).convertShape(VectorOperators.F2I, IS, 0);
                if (!first) {
                    v = v.add(IntVector.fromArray(IS, c, ci + j));
                }
                v.intoArray(c, ci + j);
            }
            for (; j < n; j++) {
                c[ci + j] = first ? (int) s[si + j] : c[ci + j] + (int) s[si + j];
            }
        }
    }

    // ---------------------------------------------------------------- element-wise

    /**
     * y = op(x) over n floats (x and y may be the same place). Activations and Gelu/Erf run as vector loops; other
     * functions go through {@link ScalarMath}, as in the scalar kernels.
     */
    public static void unaryF32(float[] x, int xo, float[] y, int yo, int n, int op, float p0, float p1) {
        switch (op) {
            case ScalarKernels.ACT_NONE, ScalarKernels.ACT_RELU, ScalarKernels.ACT_CLIP,
                    ScalarKernels.ACT_LEAKY_RELU -> activationF32(x, xo, y, yo, n, op, p0, p1);
            case ScalarKernels.UN_GELU, ScalarKernels.UN_ERF -> erfF32(x, xo, y, yo, n, op == ScalarKernels.UN_GELU);
            default -> {
                for (int i = 0; i < n; i++) {
                    y[yo + i] = ScalarMath.activate(x[xo + i], op, p0, p1);
                }
            }
        }
    }

    /**
     * In place on C[m,n]: add a bias (mode 1: per column, 2: per row; 0: none), then the activation.
     */
    public static void biasActivationF32(float[] c, int co, int ldc, int m, int n, float[] bias, int bo, int mode,
            int act, float p0, float p1) {
        for (int i = 0; i < m; i++) {
            int ci = co + i * ldc;
            if (mode == 1) {
                int j = 0;
                for (; j + L <= n; j += L) {
                    FloatVector.fromArray(FS, c, ci + j).add(FloatVector.fromArray(FS, bias, bo + j))
                            .intoArray(c, ci + j);
                }
                for (; j < n; j++) {
                    c[ci + j] += bias[bo + j];
                }
            } else if (mode == 2) {
                FloatVector b = FloatVector.broadcast(FS, bias[bo + i]);
                int j = 0;
                for (; j + L <= n; j += L) {
                    FloatVector.fromArray(FS, c, ci + j).add(b).intoArray(c, ci + j);
                }
                for (; j < n; j++) {
                    c[ci + j] += bias[bo + i];
                }
            }
            if (act != ScalarKernels.ACT_NONE) {
                unaryF32(c, ci, c, ci, n, act, p0, p1);
            }
        }
    }

    /**
     * Relu, Clip and LeakyRelu (and the identity). NaN stays NaN as in the scalar kernels: vector min/max
     * propagate it, and LeakyRelu's comparison is false for it. The last partial vector runs masked.
     */
    private static void activationF32(float[] x, int xo, float[] y, int yo, int n, int act, float p0, float p1) {
        float lo = act == ScalarKernels.ACT_RELU ? 0f : act == ScalarKernels.ACT_CLIP ? p0 : Float.NEGATIVE_INFINITY;
        float hi = act == ScalarKernels.ACT_CLIP ? p1 : Float.POSITIVE_INFINITY;
        float slope = act == ScalarKernels.ACT_LEAKY_RELU ? p0 : 1f;
        for (int i = 0; i < n; i += L) {
            boolean whole = i + L <= n;
            VectorMask<Float> mask = FS.indexInRange(i, n);
            FloatVector v = whole ? FloatVector.fromArray(FS, x, xo + i) : FloatVector.fromArray(FS, x, xo + i, mask);
            FloatVector r = v.max(lo).min(hi);
            if (slope != 1f) {
                r = r.blend(v.mul(slope), v.compare(VectorOperators.LT, 0f));
            }
            if (whole) {
                r.intoArray(y, yo + i);
            } else {
                r.intoArray(y, yo + i, mask);
            }
        }
    }

    /**
     * Erf, or Gelu = x/2 * (1 + erf(x / sqrt 2)), in float: erfc(z) = t * exp(-z^2 + P(t)), t = 1 / (1 + z/2)
     * (Numerical Recipes' erfcc, relative error below 1.2e-7), and exp as 2^k * a degree-6 polynomial. Gelu takes
     * erfc directly for negative x, so no cancellation; measured against the double-precision reference: 2.3e-7
     * absolute over [-4, 4].
     */
    private static void erfF32(float[] x, int xo, float[] y, int yo, int n, boolean gelu) {
        if (x == y && xo < yo + n && yo < xo + n) {
            // Overlapping operands (the planner never makes them, but the kernel must not care): one by one.
            for (int i = 0; i < n; i++) {
                y[yo + i] = ScalarMath.unary(x[xo + i], gelu ? ScalarKernels.UN_GELU : ScalarKernels.UN_ERF);
            }
            return;
        }
        // In chunks: the exponent's argument into y, e^y in place (expInPlace: array in, array out, so no vector
        // crosses a call C2 might not inline), then erfc from it. Recomputing t costs less than boxing.
        int whole = n - n % L;
        for (int c0 = 0; c0 < whole; c0 += ERF_CHUNK) {
            int m = Math.min(ERF_CHUNK, whole - c0);
            int xc = xo + c0;
            int yc = yo + c0;
            for (int i = 0; i < m; i += L) {
                FloatVector v = FloatVector.fromArray(FS, x, xc + i);
                FloatVector z = gelu ? v.abs().mul(0.70710677f) : v.abs();
                FloatVector t = FloatVector.broadcast(FS, 1f).div(z.mul(0.5f).add(1f));
                FloatVector p = t.mul(0.17087277f).add(-0.82215223f);
                p = p.mul(t).add(1.48851587f);
                p = p.mul(t).add(-1.13520398f);
                p = p.mul(t).add(0.27886807f);
                p = p.mul(t).add(-0.18628806f);
                p = p.mul(t).add(0.09678418f);
                p = p.mul(t).add(0.37409196f);
                p = p.mul(t).add(1.00002368f);
                p.mul(t).add(-1.26551223f).sub(z.mul(z)).intoArray(y, yc + i);
            }
            expInPlace(y, yc, m);
            for (int i = 0; i < m; i += L) {
                FloatVector v = FloatVector.fromArray(FS, x, xc + i);
                FloatVector z = gelu ? v.abs().mul(0.70710677f) : v.abs();
                FloatVector t = FloatVector.broadcast(FS, 1f).div(z.mul(0.5f).add(1f));
                FloatVector erfc = t.mul(FloatVector.fromArray(FS, y, yc + i));
                VectorMask<Float> negative = v.compare(VectorOperators.LT, 0f);
                FloatVector out;
                if (gelu) {
                    out = v.mul(0.5f).mul(erfc.neg().add(2f).blend(erfc, negative));
                } else {
                    FloatVector e = erfc.neg().add(1f);
                    out = e.blend(e.neg(), negative);
                }
                out.intoArray(y, yc + i);
            }
        }
        for (int i = whole; i < n; i++) {
            y[yo + i] = ScalarMath.unary(x[xo + i], gelu ? ScalarKernels.UN_GELU : ScalarKernels.UN_ERF);
        }
    }

    /**
     * y = e^y in place, lane-wise, the argument clamped to [-87, 88] (no denormals, no overflow): 2^k * e^r with
     * k = round(y / ln 2) by the 1.5 * 2^23 trick, |r| <= ln(2) / 2, and a degree-6 polynomial for e^r (Cephes'
     * expf coefficients). Arrays in and out: a helper taking vectors may be compiled apart and box them. The clamps
     * are compare-and-blend (a NaN stays NaN; Java's float min/max take about six instructions each), and k's
     * integer comes from the low bits of the rounding sum, not a float-to-int conversion with its overflow rules.
     */
    private static void expInPlace(float[] y, int yo, int n) {
        int i = 0;
        for (; i + L <= n; i += L) {
            FloatVector arg = FloatVector.fromArray(FS, y, yo + i);
            arg = arg.blend(-87f, arg.compare(VectorOperators.LT, -87f));
            arg = arg.blend(88f, arg.compare(VectorOperators.GT, 88f));
            FloatVector rounded = arg.mul(1.44269504f).add(ROUND_MAGIC);
            FloatVector k = rounded.sub(ROUND_MAGIC);
            FloatVector r = arg.sub(k.mul(0.693359375f)).sub(k.mul(-2.12194440e-4f));
            FloatVector q = r.mul(1.9875691500e-4f).add(1.3981999507e-3f);
            q = q.mul(r).add(8.3334519073e-3f);
            q = q.mul(r).add(4.1665795894e-2f);
            q = q.mul(r).add(1.6666665459e-1f);
            q = q.mul(r).add(5.0000001201e-1f);
            q = q.mul(r.mul(r)).add(r).add(1f);
            FloatVector pow2 = rounded.reinterpretAsInts().add(127 - ROUND_MAGIC_BITS)
                    .lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
            q.mul(pow2).intoArray(y, yo + i);
        }
        for (; i < n; i++) {
            y[yo + i] = (float) Math.exp(Math.max(-87f, Math.min(88f, y[yo + i])));
        }
    }

    /**
     * Softmax over rows of n floats (within float rounding of the scalar kernel's double sum). The exponentials
     * are summed in lanes, then over the lanes through the fixed tree of {@link #ROTATIONS}, then the tail left to
     * right: reduceLanes of floats may associate differently in compiled and interpreted code, and a model must give
     * the same bits in every call. (A left-to-right scalar sum was a latency chain of n adds: with attention's rows
     * of 16, a third of this kernel.)
     */
    public static void softmaxF32(float[] x, int xo, float[] y, int yo, int rows, int n) {
        if (n == L) {
            softmaxVectorRows(x, xo, y, yo, rows);
            return;
        }
        for (int row = 0; row < rows; row++) {
            int a = xo + row * n;
            int b = yo + row * n;
            FloatVector vmax = FloatVector.broadcast(FS, Float.NEGATIVE_INFINITY);
            int i = 0;
            for (; i + L <= n; i += L) {
                vmax = vmax.max(FloatVector.fromArray(FS, x, a + i));
            }
            float max = vmax.reduceLanes(VectorOperators.MAX);
            for (; i < n; i++) {
                max = Math.max(max, x[a + i]);
            }
            for (i = 0; i + L <= n; i += L) {
                FloatVector.fromArray(FS, x, a + i).sub(max).intoArray(y, b + i);
            }
            for (; i < n; i++) {
                y[b + i] = x[a + i] - max;
            }
            expInPlace(y, b, n);
            FloatVector acc = FloatVector.zero(FS);
            for (i = 0; i + L <= n; i += L) {
                acc = acc.add(FloatVector.fromArray(FS, y, b + i));
            }
            for (int r = 0; r < ROTATIONS.length; r++) {
                acc = acc.add(acc.rearrange(ROTATIONS[r]));
            }
            float sum = acc.lane(0);
            for (; i < n; i++) {
                sum += y[b + i];
            }
            float inv = 1 / sum;
            for (i = 0; i + L <= n; i += L) {
                FloatVector.fromArray(FS, y, b + i).mul(inv).intoArray(y, b + i);
            }
            for (; i < n; i++) {
                y[b + i] *= inv;
            }
        }
    }

    /**
     * Softmax over rows of one vector (attention over 16 positions on AVX-512), each row in registers from load to
     * store but for {@link #expInPlace}'s pass through y: the maximum over the lanes of int keys (ordered as the
     * floats, see dynamicQuantizeRows; one instruction a step where Java's float max takes six), the sum through the
     * fixed tree of {@link #ROTATIONS} (lane 0's, as softmaxF32's). Written out: a helper taking vectors may box
     * them.
     */
    private static void softmaxVectorRows(float[] x, int xo, float[] y, int yo, int rows) {
        for (int row = 0; row < rows; row++) {
            FloatVector v = FloatVector.fromArray(FS, x, xo + row * L);
            IntVector bits = v.reinterpretAsInts();
            IntVector key = bits.lanewise(VectorOperators.XOR,
                    bits.lanewise(VectorOperators.ASHR, 31).lanewise(VectorOperators.AND, 0x7FFFFFFF));
            for (int r = 0; r < INT_ROTATIONS.length; r++) {
                key = key.max(key.rearrange(INT_ROTATIONS[r]));
            }
            key = key.lanewise(VectorOperators.XOR,
                    key.lanewise(VectorOperators.ASHR, 31).lanewise(VectorOperators.AND, 0x7FFFFFFF));
            int b = yo + row * L;
            v.sub(key.reinterpretAsFloats()).intoArray(y, b);
            expInPlace(y, b, L);
            FloatVector e = FloatVector.fromArray(FS, y, b);
            FloatVector sum = e;
            for (int t = 0; t < ROTATIONS.length; t++) {
                sum = sum.add(sum.rearrange(ROTATIONS[t]));
            }
            e.mul(1 / sum.lane(0)).intoArray(y, b);
        }
    }

    /**
     * LayerNormalization over rows of n floats, in float: the mean from a first pass is corrected by the mean
     * deviation of the second (so a large mean next to a small spread costs no accuracy), then
     * y = (x - mean) * rsqrt(var + eps) * gamma (+ beta). Lane sums go through a fixed tree of rotations (see
     * softmaxF32 on why not reduceLanes), written out here since a helper taking a vector may box it. Two rows at a
     * time, interleaved: one row's passes are a chain of reductions and divisions that left the core waiting (rows
     * of 64: 46 -> 32 ns a row); an odd last row goes with itself (both results are computed before either store,
     * so in-place rows stay correct).
     */
    public static void layerNormF32(float[] x, int xo, float[] gamma, int go, float[] beta, int bo, boolean hasBeta,
            float[] y, int yo, int rows, int n, float eps) {
        for (int row = 0; row < rows; row += 2) {
            int a0 = xo + row * n;
            int a1 = xo + Math.min(row + 1, rows - 1) * n;
            FloatVector s0 = FloatVector.zero(FS);
            FloatVector s1 = s0;
            int i = 0;
            for (; i + L <= n; i += L) {
                s0 = s0.add(FloatVector.fromArray(FS, x, a0 + i));
                s1 = s1.add(FloatVector.fromArray(FS, x, a1 + i));
            }
            for (int r = 0; r < ROTATIONS.length; r++) {
                s0 = s0.add(s0.rearrange(ROTATIONS[r]));
                s1 = s1.add(s1.rearrange(ROTATIONS[r]));
            }
            float sum0 = s0.lane(0);
            float sum1 = s1.lane(0);
            for (; i < n; i++) {
                sum0 += x[a0 + i];
                sum1 += x[a1 + i];
            }
            float mean0 = sum0 / n;
            float mean1 = sum1 / n;
            FloatVector dev0 = FloatVector.zero(FS);
            FloatVector sq0 = dev0;
            FloatVector dev1 = dev0;
            FloatVector sq1 = dev0;
            for (i = 0; i + L <= n; i += L) {
                FloatVector d0 = FloatVector.fromArray(FS, x, a0 + i).sub(mean0);
                FloatVector d1 = FloatVector.fromArray(FS, x, a1 + i).sub(mean1);
                dev0 = dev0.add(d0);
                sq0 = d0.fma(d0, sq0);
                dev1 = dev1.add(d1);
                sq1 = d1.fma(d1, sq1);
            }
            for (int r = 0; r < ROTATIONS.length; r++) {
                dev0 = dev0.add(dev0.rearrange(ROTATIONS[r]));
                sq0 = sq0.add(sq0.rearrange(ROTATIONS[r]));
                dev1 = dev1.add(dev1.rearrange(ROTATIONS[r]));
                sq1 = sq1.add(sq1.rearrange(ROTATIONS[r]));
            }
            float devSum0 = dev0.lane(0);
            float sqSum0 = sq0.lane(0);
            float devSum1 = dev1.lane(0);
            float sqSum1 = sq1.lane(0);
            for (; i < n; i++) {
                float d0 = x[a0 + i] - mean0;
                float d1 = x[a1 + i] - mean1;
                devSum0 += d0;
                sqSum0 += d0 * d0;
                devSum1 += d1;
                sqSum1 += d1 * d1;
            }
            float shift0 = devSum0 / n;
            float shift1 = devSum1 / n;
            mean0 += shift0;
            mean1 += shift1;
            float inv0 = (float) (1 / Math.sqrt(Math.max(0f, sqSum0 / n - shift0 * shift0) + (double) eps));
            float inv1 = (float) (1 / Math.sqrt(Math.max(0f, sqSum1 / n - shift1 * shift1) + (double) eps));
            int b0 = yo + row * n;
            int b1 = yo + Math.min(row + 1, rows - 1) * n;
            for (i = 0; i + L <= n; i += L) {
                FloatVector g = FloatVector.fromArray(FS, gamma, go + i);
                FloatVector v0 = FloatVector.fromArray(FS, x, a0 + i).sub(mean0).mul(inv0).mul(g);
                FloatVector v1 = FloatVector.fromArray(FS, x, a1 + i).sub(mean1).mul(inv1).mul(g);
                if (hasBeta) {
                    FloatVector bv = FloatVector.fromArray(FS, beta, bo + i);
                    v0 = v0.add(bv);
                    v1 = v1.add(bv);
                }
                v0.intoArray(y, b0 + i);
                v1.intoArray(y, b1 + i);
            }
            for (; i < n; i++) {
                float v0 = (x[a0 + i] - mean0) * inv0 * gamma[go + i];
                float v1 = (x[a1 + i] - mean1) * inv1 * gamma[go + i];
                y[b0 + i] = hasBeta ? v0 + beta[bo + i] : v0;
                y[b1 + i] = hasBeta ? v1 + beta[bo + i] : v1;
            }
        }
    }

    /**
     * {@link ScalarKernels#copyStrided}: float rows of up to {@link #SHORT_ROW} contiguous values (attention heads
     * of 16, image patches of 7) move in vectors, the last part masked, where an arraycopy call per row cost more
     * than the copy; the rest as the scalar kernel.
     */
    public static void copyStrided(Object src, int so, Object dst, int doff, int d0, int d1, int d2, int d3,
            int ss0, int ss1, int ss2, int ss3, int ds0, int ds1, int ds2, int ds3) {
        if (src instanceof float[] sf && ds3 == 1 && ss2 == 1 && ss3 != 1 && d2 % L == 0 && d3 % L == 0
                && ds2 >= d3) {
            transposeBlocks(sf, so, (float[]) dst, doff, d0, d1, d2, d3, ss0, ss1, ss3, ds0, ds1, ds2);
            return;
        }
        if (!(src instanceof float[] sf) || ss3 != 1 || ds3 != 1 || d3 > SHORT_ROW) {
            StridedCopies.stridedCopy(src, so, dst, doff, d0, d1, d2, d3, ss0, ss1, ss2, ss3, ds0, ds1, ds2, ds3);
            return;
        }
        float[] df = (float[]) dst;
        int whole = d3 - d3 % L;
        VectorMask<Float> tail = FS.indexInRange(whole, d3);
        for (int i0 = 0; i0 < d0; i0++) {
            for (int i1 = 0; i1 < d1; i1++) {
                for (int i2 = 0; i2 < d2; i2++) {
                    int s = so + i0 * ss0 + i1 * ss1 + i2 * ss2;
                    int d = doff + i0 * ds0 + i1 * ds1 + i2 * ds2;
                    for (int j = 0; j < whole; j += L) {
                        FloatVector.fromArray(FS, sf, s + j).intoArray(df, d + j);
                    }
                    if (whole < d3) {
                        FloatVector.fromArray(FS, sf, s + whole, tail).intoArray(df, d + whole, tail);
                    }
                }
            }
        }
    }

    /**
     * {@link #copyStrided} whose two inner axes trade places (attention's K^T: the source contiguous along the
     * destination's rows, the destination along the source's): L x L blocks, each written row by row from the
     * source's vectors, then transposed in place in the destination by log2(L) stages of two-vector selections
     * (rows i and i + h swap the lanes of their quadrants), where an element loop moved one value at a time.
     */
    private static void transposeBlocks(float[] s, int so, float[] d, int doff, int d0, int d1, int d2, int d3,
            int ss0, int ss1, int ss3, int ds0, int ds1, int ds2) {
        for (int i0 = 0; i0 < d0; i0++) {
            for (int i1 = 0; i1 < d1; i1++) {
                int from = so + i0 * ss0 + i1 * ss1;
                int to = doff + i0 * ds0 + i1 * ds1;
                for (int b2 = 0; b2 < d2; b2 += L) {
                    for (int b3 = 0; b3 < d3; b3 += L) {
                        int block = to + b2 * ds2 + b3;
                        for (int j = 0; j < L; j++) {
                            FloatVector.fromArray(FS, s, from + b2 + (b3 + j) * ss3).intoArray(d, block + j * ds2);
                        }
                        for (int t = 0; t < TRANSPOSE_LOW.length; t++) {
                            int h = L >> (t + 1);
                            for (int i = 0; i < L; i++) {
                                if ((i & h) == 0) {
                                    FloatVector a = FloatVector.fromArray(FS, d, block + i * ds2);
                                    FloatVector b = FloatVector.fromArray(FS, d, block + (i + h) * ds2);
                                    TRANSPOSE_LOW[t].selectFrom(a, b).intoArray(d, block + i * ds2);
                                    TRANSPOSE_HIGH[t].selectFrom(a, b).intoArray(d, block + (i + h) * ds2);
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    /**
     * The stages of {@link #transposeBlocks}, h = L/2 down to 1: lane j of the new row i takes row i's lane j, or
     * (j with bit h set) row i+h's lane j - h; of the new row i+h, row i's lane j + h, or row i+h's lane j.
     */
    private static FloatVector[] transposeStages(boolean high) {
        FloatVector[] stages = new FloatVector[Integer.numberOfTrailingZeros(L)];
        for (int t = 0; t < stages.length; t++) {
            int h = L >> (t + 1);
            float[] index = new float[L];
            for (int j = 0; j < L; j++) {
                boolean set = (j & h) != 0;
                index[j] = high ? (set ? L + j : j + h) : (set ? L + j - h : j);
            }
            stages[t] = FloatVector.fromArray(FS, index, 0);
        }
        return stages;
    }

    /**
     * c = a op b over a 4-d iteration space with per-operand strides (0 broadcasts), as the scalar kernel; rows
     * whose innermost strides are 0 or 1 run as vector loops.
     */
    public static void binary(int op, Object a, int ao, Object b, int bo, Object c, int co, int d0, int d1, int d2,
            int d3, int as0, int as1, int as2, int as3, int bs0, int bs1, int bs2, int bs3) {
        int ci = co;
        for (int i0 = 0; i0 < d0; i0++) {
            for (int i1 = 0; i1 < d1; i1++) {
                for (int i2 = 0; i2 < d2; i2++) {
                    int ai = ao + i0 * as0 + i1 * as1 + i2 * as2;
                    int bi = bo + i0 * bs0 + i1 * bs1 + i2 * bs2;
                    if (c instanceof float[] cf) {
                        binaryRowF32(op, (float[]) a, ai, as3, (float[]) b, bi, bs3, cf, ci, d3);
                    } else {
                        binaryRowI32(op, (int[]) a, ai, as3, (int[]) b, bi, bs3, (int[]) c, ci, d3);
                    }
                    ci += d3;
                }
            }
        }
    }

    private static void binaryRowF32(int op, float[] a, int ai, int as, float[] b, int bi, int bs, float[] c, int ci,
            int n) {
        int j = 0;
        if ((as | bs) >>> 1 == 0 && op != ScalarKernels.BIN_POW) {
            for (; j + L <= n; j += L) {
                FloatVector x = as == 1 ? FloatVector.fromArray(FS, a, ai + j) : FloatVector.broadcast(FS, a[ai]);
                FloatVector y = bs == 1 ? FloatVector.fromArray(FS, b, bi + j) : FloatVector.broadcast(FS, b[bi]);
                FloatVector r = switch (op) {
                    case ScalarKernels.BIN_ADD -> x.add(y);
                    case ScalarKernels.BIN_SUB -> x.sub(y);
                    case ScalarKernels.BIN_MUL -> x.mul(y);
                    case ScalarKernels.BIN_DIV -> x.div(y);
                    case ScalarKernels.BIN_MAX -> x.max(y);
                    default -> x.min(y);
                };
                r.intoArray(c, ci + j);
            }
        }
        for (; j < n; j++) {
            c[ci + j] = ScalarMath.binary(op, a[ai + j * as], b[bi + j * bs]);
        }
    }

    private static void binaryRowI32(int op, int[] a, int ai, int as, int[] b, int bi, int bs, int[] c, int ci, int n) {
        int j = 0;
        if ((as | bs) >>> 1 == 0 && op != ScalarKernels.BIN_DIV) {
            for (; j + L <= n; j += L) {
                IntVector x = as == 1 ? IntVector.fromArray(IS, a, ai + j) : IntVector.broadcast(IS, a[ai]);
                IntVector y = bs == 1 ? IntVector.fromArray(IS, b, bi + j) : IntVector.broadcast(IS, b[bi]);
                IntVector r = switch (op) {
                    case ScalarKernels.BIN_ADD -> x.add(y);
                    case ScalarKernels.BIN_SUB -> x.sub(y);
                    case ScalarKernels.BIN_MUL -> x.mul(y);
                    case ScalarKernels.BIN_MAX -> x.max(y);
                    default -> x.min(y);
                };
                r.intoArray(c, ci + j);
            }
        }
        for (; j < n; j++) {
            c[ci + j] = ScalarMath.binary(op, a[ai + j * as], b[bi + j * bs]);
        }
    }

    // ---------------------------------------------------------------- quantization

    /**
     * y = clamp(zp + scale(acc, m, shift)) per channel, bit-exact with {@link FixedPoint#scale}. gemmlowp's two
     * roundings collapse into one floor: its high multiply is floor((acc*m + 2^30) / 2^31) (the nudge and the
     * truncation toward zero agree with that for either sign), and dividing that by 2^s rounding half away from zero
     * is floor((x + 2^(s-1) - [x < 0]) / 2^s), where x < 0 exactly when acc*m < -2^30; nested floors of integer
     * offsets merge, so the result is floor((acc*m + 2^30 + 2^(30+s) - [acc*m < -2^30] * 2^31) / 2^(31+s)) (for
     * s = 0, floor((acc*m + 2^30) / 2^31)): in 64-bit lanes one multiply, one add and one arithmetic shift, exact
     * for every int32 accumulator (|acc*m| < 2^62). Lanes run along each channel's elements, or across channels when
     * each has one element (fully-connected outputs); results collect in int scratch
     * ({@link ScalarKernels#REQUANTIZE_SCRATCH_INTS}) and narrow to bytes a vector at a time. Channels with a
     * negative shift or the multiplier -2^31 (the high multiply's saturating case) go through the scalar definition.
     */
    public static void requantize(int[] acc, int ao, byte[] y, int yo, int outer, int channels, int inner,
            int[] mult, int mo, int[] shift, int sho, int zp, int lo, int hi, int[] scratch, int sco) {
        int chunk = ScalarKernels.REQUANTIZE_SCRATCH_INTS;
        boolean acrossLanes = inner == 1 && laneShifts(mult, mo, shift, sho, channels);
        int i = 0;
        for (int o = 0; o < outer; o++) {
            if (inner == 1) {
                for (int c0 = 0; c0 < channels; c0 += chunk) {
                    int n = Math.min(chunk, channels - c0);
                    int done = acrossLanes
                            ? requantizeAcross(acc, ao + i + c0, n, mult, mo + c0, shift, sho + c0, zp, lo, hi,
                                    scratch, sco)
                            : 0;
                    narrow(scratch, sco, y, yo + i + c0, done);
                    for (int c = c0 + done; c < c0 + n; c++) {
                        y[yo + i + c] = ScalarMath.requantize(acc[ao + i + c], mult[mo + c], shift[sho + c], zp, lo,
                                hi);
                    }
                }
                i += channels;
                continue;
            }
            for (int c = 0; c < channels; c++) {
                int m = mult[mo + c];
                int s = shift[sho + c];
                boolean lanes = s >= 0 && s <= 30 && m != Integer.MIN_VALUE;
                for (int e = 0; e < inner; e += chunk) {
                    int n = Math.min(chunk, inner - e);
                    if (lanes) {
                        requantizeAlong(acc, ao + i + e, n, m, s, zp, lo, hi, scratch, sco);
                        narrow(scratch, sco, y, yo + i + e, n);
                    } else {
                        for (int u = e; u < e + n; u++) {
                            y[yo + i + u] = ScalarMath.requantize(acc[ao + i + u], m, s, zp, lo, hi);
                        }
                    }
                }
                i += inner;
            }
        }
    }

    /** Whether n channels from mo, sho can all take the lane path across channels: shifts in [1, 30]. */
    private static boolean laneShifts(int[] mult, int mo, int[] shift, int sho, int n) {
        for (int e = 0; e < n; e++) {
            if (shift[sho + e] < 1 || shift[sho + e] > 30 || mult[mo + e] == Integer.MIN_VALUE) {
                return false;
            }
        }
        return true;
    }

    /** Ints to bytes, a vector at a time where a byte vector has as many lanes as an int vector. */
    private static void narrow(int[] t, int to, byte[] y, int yo, int n) {
        int j = 0;
        if (LANE_BYTES.length() == L) {
            for (; j + L <= n; j += L) {
                ((ByteVector) IntVector.fromArray(IS, t, to + j).convertShape(VectorOperators.I2B, LANE_BYTES, 0))
                        .intoArray(y, yo + j);
            }
        }
        for (; j < n; j++) {
            y[yo + j] = (byte) t[to + j];
        }
    }

    /**
     * {@link #requantize} of n elements of one channel (multiplier m, shift s in [0, 30]) into t. Ints as many as
     * the longs of a vector: every conversion keeps its lane count, which C2 compiles to one instruction
     * (conversions between lane counts go through slow generic code).
     */
    private static void requantizeAlong(int[] acc, int ao, int n, int m, int s, int zp, int lo, int hi, int[] t,
            int to) {
        long positive = (1L << 30) + (s > 0 ? 1L << (30 + s) : 0);
        long negative = s > 0 ? positive - (1L << 31) : positive;
        int step = DL.length();
        int e = 0;
        for (; e + step <= n; e += step) {
            LongVector p = ((LongVector) IntVector.fromArray(DI, acc, ao + e)
                    .convertShape(VectorOperators.I2L, DL, 0)).mul(m);
            p = p.add(LongVector.broadcast(DL, positive).blend(negative, p.compare(VectorOperators.LT, -(1L << 30))));
            ((IntVector) p.lanewise(VectorOperators.ASHR, 31 + s).convertShape(VectorOperators.L2I, DI, 0)).add(zp)
                    .max(lo).min(hi).intoArray(t, to + e);
        }
        for (; e < n; e++) {
            t[to + e] = ScalarMath.requantize(acc[ao + e], m, s, zp, lo, hi);
        }
    }

    /**
     * {@link #requantize} of one row's n channels (shifts in [1, 30], each lane its own multiplier and shift) into t,
     * whole vectors only; returns how many channels it did.
     */
    private static int requantizeAcross(int[] acc, int ao, int n, int[] mult, int mo, int[] shift, int sho, int zp,
            int lo, int hi, int[] t, int to) {
        int step = DL.length();
        int e = 0;
        for (; e + step <= n; e += step) {
            LongVector s = (LongVector) IntVector.fromArray(DI, shift, sho + e).convertShape(VectorOperators.I2L, DL,
                    0);
            LongVector p = ((LongVector) IntVector.fromArray(DI, acc, ao + e)
                    .convertShape(VectorOperators.I2L, DL, 0))
                    .mul(IntVector.fromArray(DI, mult, mo + e).convertShape(VectorOperators.I2L, DL, 0));
            LongVector positive = LongVector.broadcast(DL, 1).lanewise(VectorOperators.LSHL, s.add(30))
                    .add(1L << 30);
            p = p.add(positive.blend(positive.sub(1L << 31), p.compare(VectorOperators.LT, -(1L << 30))));
            ((IntVector) p.lanewise(VectorOperators.ASHR, s.add(31)).convertShape(VectorOperators.L2I, DI, 0))
                    .add(zp).max(lo).min(hi).intoArray(t, to + e);
        }
        return e;
    }

    /**
     * {@link ScalarKernels#dynamicMatMul}. With the VNNI kernels the products stay in native memory and are
     * dequantized from there (centering correction, row zero point, scales, bias in one pass), instead of being
     * copied to acc and read back.
     */
    public static void dynamicMatMul(float[] x, int xo, byte[] q, int qo, float[] rowScale, int ro, int[] rowZp,
            int zo, byte[] w, int wo, int[] corr, int ko, int[] acc, int ao, int[] colSum, int co, float[] colScale,
            int so, float[] bias, int bo, boolean hasBias, float[] y, int yo, int rows, int n, int k,
            boolean narrowWeights, float[] scratch, int fo, int[] ints, int io) {
        dynamicQuantizeRows(x, xo, q, qo, rowScale, ro, rowZp, zo, rows, k);
        if (VNNI_GEMM == null) {
            gemmU8S8(q, qo, k, true, w, wo, n, acc, ao, n, rows, n, k, narrowWeights, scratch, fo, ints, io, corr, ko,
                    true);
            dequantizeRows(acc, ao, rowZp, zo, colSum, co, rowScale, ro, colScale, so, bias, bo, hasBias, y, yo, rows,
                    n);
            return;
        }
        MemorySegment ws = Avx2Gemm.workspace(AVX2_WORKSPACE, VnniGemm.gemmWorkspaceBytes(rows, n, k));
        MemorySegment weights = packedMatrixWeights(w, wo, n, n, k);
        long products = VnniGemm.products(q, qo, k, 0x80, weights, rows, n, k, ws);
        dequantizeRows(ws, products, 4L * VnniGemm.panelColumns(n), corr, ko, null, 0, rowZp, zo, colSum, co,
                rowScale, ro, colScale, so, bias, bo, hasBias, y, yo, rows, n);
        Reference.reachabilityFence(weights);
        Reference.reachabilityFence(ws);
    }

    /**
     * {@link ScalarKernels#residualAdd}, the same float operations lane-wise, in chunks of {@link #ERF_CHUNK}: the
     * float sums of a chunk, then their quantization by {@link #quantizeF32} while they are in L1.
     */
    public static void residualAdd(byte[] q, int qo, boolean unsigned, float[] qScale, int qso, int[] qZp, int qzo,
            float[] skip, int so, boolean relu, float[] y, int yo, byte[] yq, int yqo, float[] yScale, int yso,
            int[] yZp, int yzo, int lo, int hi, int n) {
        float qs = qScale[qso];
        int qz = qZp[qzo];
        int mask = unsigned ? 0xFF : -1;
        for (int c0 = 0; c0 < n; c0 += ERF_CHUNK) {
            int end = Math.min(n, c0 + ERF_CHUNK);
            int i = c0;
            // The byte load may be wider than L lanes (128-bit species): it stays inside the chunk.
            for (; i + LANE_BYTES.length() <= end; i += L) {
                IntVector b = ((IntVector) ByteVector.fromArray(LANE_BYTES, q, qo + i)
                        .convertShape(VectorOperators.B2I, IS, 0)).and(mask);
                FloatVector v = ((FloatVector) b.sub(qz).convertShape(VectorOperators.I2F, FS, 0)).mul(qs)
                        .add(FloatVector.fromArray(FS, skip, so + i));
                if (relu) {
                    v = v.blend(0f, v.compare(VectorOperators.LE, 0f));
                }
                v.intoArray(y, yo + i);
            }
            ScalarMath.residualAdd(q, qo, unsigned, qs, qz, skip, so, relu, y, yo, yq, yqo, yScale[yso], yZp[yzo],
                    lo, hi, i, end);
            quantizeF32(y, yo + c0, yq, yqo + c0, 1, 1, i - c0, yScale, yso, yZp, yzo, lo, hi);
        }
    }

    /** {@link ScalarKernels#dequantizeRows}, the same operations lane-wise. */
    public static void dequantizeRows(int[] acc, int ao, int[] zp, int zo, int[] colSum, int co, float[] rowScale,
            int ro, float[] colScale, int so, float[] bias, int bo, boolean hasBias, float[] y, int yo, int rows,
            int n) {
        dequantizeRows(null, 0, 0, null, 0, acc, ao, zp, zo, colSum, co, rowScale, ro, colScale, so, bias, bo,
                hasBias, y, yo, rows, n);
    }

    /**
     * {@link #dequantizeRows}, the products read from {@code acc}, or, with {@code ws}, from native memory at
     * {@code base} ({@code rowBytes} a row) less the kernel's per-column correction {@code corr}.
     */
    private static void dequantizeRows(MemorySegment ws, long base, long rowBytes, int[] corr, int ko, int[] acc,
            int ao, int[] zp, int zo, int[] colSum, int co, float[] rowScale, int ro, float[] colScale, int so,
            float[] bias, int bo, boolean hasBias, float[] y, int yo, int rows, int n) {
        for (int r = 0; r < rows; r++) {
            int z = zp[zo + r];
            float rs = rowScale[ro + r];
            long from = base + r * rowBytes;
            int a = ao + r * n;
            int out = yo + r * n;
            int j = 0;
            for (; j + L <= n; j += L) {
                IntVector t = ws != null ? IntVector.fromMemorySegment(IS, ws, from + 4L * j, ByteOrder.LITTLE_ENDIAN)
                        .sub(IntVector.fromArray(IS, corr, ko + j)) : IntVector.fromArray(IS, acc, a + j);
                t = t.sub(IntVector.fromArray(IS, colSum, co + j).mul(z));
                FloatVector v = ((FloatVector) t.convertShape(VectorOperators.I2F, FS, 0)).mul(rs)
                        .mul(FloatVector.fromArray(FS, colScale, so + j));
                if (hasBias) {
                    v = FloatVector.fromArray(FS, bias, bo + j).add(v);
                }
                v.intoArray(y, out + j);
            }
            for (; j < n; j++) {
                int product = ws != null ? ws.get(ValueLayout.JAVA_INT, from + 4L * j) - corr[ko + j] : acc[a + j];
                y[out + j] = ScalarMath.dequantizeRow(product, z, colSum[co + j], rs, colScale[so + j], bias[bo + j],
                        hasBias);
            }
        }
    }

    /**
     * QuantizeLinear as {@link ScalarKernels#quantizeF32}, bit-exact: the same IEEE division, NaN to 0 (the zero
     * point, as Java's conversion gives), then x / scale clamped to +-1024 (saturating either way, since zero points
     * and bounds lie in [-128, 255]) by compare-and-blend, and the rounded value's integer from the bits of the
     * rounding sum (see dynamicQuantizeRows): Java's float min/max and float-to-int conversion take about six
     * instructions each.
     */
    public static void quantizeF32(float[] x, int xo, byte[] q, int qo, int outer, int channels, int inner,
            float[] scale, int so, int[] zp, int zo, int lo, int hi) {
        int i = 0;
        for (int o = 0; o < outer; o++) {
            for (int c = 0; c < channels; c++) {
                float s = scale[so + c];
                int z = zp[zo + c];
                int e = 0;
                for (; e + LANE_BYTES.length() <= inner; e += L) {
                    FloatVector v = FloatVector.fromArray(FS, x, xo + i + e).div(s);
                    v = v.blend(0f, v.compare(VectorOperators.NE, v));
                    v = v.blend(-1024f, v.compare(VectorOperators.LT, -1024f));
                    v = v.blend(1024f, v.compare(VectorOperators.GT, 1024f));
                    IntVector r = v.add(ROUND_MAGIC).reinterpretAsInts().sub(ROUND_MAGIC_BITS - z).max(lo).min(hi);
                    ((ByteVector) r.convertShape(VectorOperators.I2B, LANE_BYTES, 0)).intoArray(q, qo + i + e);
                }
                for (; e < inner; e++) {
                    q[qo + i + e] = ScalarMath.quantize(x[xo + i + e], s, z, lo, hi);
                }
                i += inner;
            }
        }
    }

    /**
     * Per row of [rows, n]: the uint8 range covering [min(x, 0), max(x, 0)], then q = clamp(rint(x / scale) + zp),
     * bit-exact with the scalar kernel (x / scale is the same IEEE division). In a row of finite values with a
     * finite, nonzero scale, |x| <= max - min = 255 scale up to rounding, so |x / scale| < 512 (a subnormal scale
     * may round down to half its value): adding 1.5 * 2^23 rounds it to an integer, ties to even, held in the low
     * bits, so one integer subtraction gives rint(x / scale) + zp, clamped in int lanes. Java's float min/max and
     * float-to-int conversion (NaN and overflow rules) would take about six instructions each. Rows with a NaN or
     * an infinity, or a zero or infinite scale, take the scalar definition.
     */
    public static void dynamicQuantizeRows(float[] x, int xo, byte[] q, int qo, float[] scales, int so, int[] zps,
            int zo, int rows, int n) {
        for (int r = 0; r < rows; r++) {
            int base = xo + r * n;
            int out = qo + r * n;
            // The range in int lanes: a float's bits xor (its sign smeared over the other 31 bits) order as the
            // floats do (-0.0 below 0.0), and int min/max and their reductions are single instructions where Java's
            // float ones (NaN and -0.0 rules) take several: 78 -> 48 ns a row of 64. NaN keys lie beyond the
            // infinities' (a positive NaN above +inf's, a negative one below -inf's), so a NaN comes back as one end
            // of the range, and the scale is NaN as with Math.min/max, which would make both ends NaN.
            IntVector kmin = IntVector.zero(IS);
            IntVector kmax = kmin;
            int i = 0;
            for (; i + L <= n; i += L) {
                IntVector bits = FloatVector.fromArray(FS, x, base + i).reinterpretAsInts();
                IntVector key = bits.lanewise(VectorOperators.XOR,
                        bits.lanewise(VectorOperators.ASHR, 31).lanewise(VectorOperators.AND, 0x7FFFFFFF));
                kmin = kmin.min(key);
                kmax = kmax.max(key);
            }
            int minKey = kmin.reduceLanes(VectorOperators.MIN);
            int maxKey = kmax.reduceLanes(VectorOperators.MAX);
            float min = Float.intBitsToFloat(minKey ^ (minKey >> 31 & 0x7FFFFFFF));
            float max = Float.intBitsToFloat(maxKey ^ (maxKey >> 31 & 0x7FFFFFFF));
            for (int t = i; t < n; t++) {
                min = Math.min(min, x[base + t]);
                max = Math.max(max, x[base + t]);
            }
            float scale = (max - min) / 255f;
            int zp = scale == 0 ? 0 : (int) Math.max(0, Math.min(255, (long) Math.rint(0 - min / scale)));
            scales[so + r] = scale == 0 ? 1f : scale;
            zps[zo + r] = zp;
            i = 0;
            if (scale > 0 && Float.isFinite(scale) && Float.isFinite(min) && Float.isFinite(max)) {
                int offset = ROUND_MAGIC_BITS - zp;
                // The byte store may be wider than L lanes (128-bit species): it stays inside the row.
                for (; i + LANE_BYTES.length() <= n; i += L) {
                    IntVector t = FloatVector.fromArray(FS, x, base + i).div(scale).add(ROUND_MAGIC)
                            .reinterpretAsInts();
                    ((ByteVector) t.sub(offset).max(0).min(255).convertShape(VectorOperators.I2B, LANE_BYTES, 0))
                            .intoArray(q, out + i);
                }
            }
            for (; i < n; i++) {
                float v = x[base + i] / scale;
                long rv = scale == 0 ? 0 : v != v ? 0 : (long) Math.rint(v);
                q[out + i] = (byte) Math.max(0, Math.min(255, rv + zp));
            }
        }
    }

    /**
     * {@link ScalarKernels#dequantize}: y = (x - zp) * scale per channel of [outer, channels, inner], (u)int8 or
     * int32 x; x - zp is an exact integer in float for bytes; int32 x goes through lanes where zp is 0 (the
     * accumulators' usual case), else the scalar way (x - zp can leave the int range).
     */
    public static void dequantize(Object x, int xo, boolean unsigned, float[] y, int yo, int outer, int channels,
            int inner, float[] scale, int so, int[] zp, int zo) {
        byte[] xb = x instanceof byte[] b ? b : null;
        int[] xi = xb == null ? (int[]) x : null;
        int mask = unsigned ? 0xFF : -1;
        int i = 0;
        for (int o = 0; o < outer; o++) {
            for (int c = 0; c < channels; c++) {
                float s = scale[so + c];
                int z = zp[zo + c];
                int e = 0;
                if (xb != null) {
                    for (; e + LANE_BYTES.length() <= inner; e += L) {
                        FloatVector v = (FloatVector) ByteVector.fromArray(LANE_BYTES, xb, xo + i + e)
                                .convertShape(VectorOperators.B2F, FS, 0);
                        if (unsigned) {
                            v = v.add(256f, v.compare(VectorOperators.LT, 0f));
                        }
                        v.sub((float) z).mul(s).intoArray(y, yo + i + e);
                    }
                    for (; e < inner; e++) {
                        y[yo + i + e] = (float) ((xb[xo + i + e] & mask) - z) * s;
                    }
                } else {
                    for (; z == 0 && e + L <= inner; e += L) {
                        ((FloatVector) IntVector.fromArray(IS, xi, xo + i + e).convert(VectorOperators.I2F, 0))
                                .mul(s).intoArray(y, yo + i + e);
                    }
                    for (; e < inner; e++) {
                        y[yo + i + e] = (float) ((long) xi[xo + i + e] - z) * s;
                    }
                }
                i += inner;
            }
        }
    }

    /** y = x as floats, n values; bytes read as uint8 when {@code unsigned} (sign-extended, then + 256 if < 0). */
    public static void bytesToFloats(byte[] x, int xo, boolean unsigned, float[] y, int yo, int n) {
        int i = 0;
        for (; i + LANE_BYTES.length() <= n; i += L) {
            FloatVector v = (FloatVector) ByteVector.fromArray(LANE_BYTES, x, xo + i)
                    .convertShape(VectorOperators.B2F, FS, 0);
            if (unsigned) {
                v = v.add(256f, v.compare(VectorOperators.LT, 0f));
            }
            v.intoArray(y, yo + i);
        }
        int mask = unsigned ? 0xFF : -1;
        for (; i < n; i++) {
            y[yo + i] = x[xo + i] & mask;
        }
    }
}
