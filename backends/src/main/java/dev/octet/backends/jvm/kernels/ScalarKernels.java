package dev.octet.backends.jvm.kernels;

import dev.octet.ir.ops.ActivationMath;
import dev.octet.ir.ops.FixedPoint;
import java.io.IOException;
import java.io.InputStream;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.function.UnaryOperator;
import java.util.zip.CRC32;

/**
 * The kernel template of every generated model class: plain-Java kernels for each op the backend lowers, and the
 * run-time support (weights, workspace, SIMD linking, the {@code main} of a jar). The code generator copies the
 * methods a model needs into the model's class, so a generated class depends on the JDK alone. Nothing here may
 * use lambdas or nested classes, or refer to another Octet class except the shared scalar math of the IR
 * ({@link ActivationMath}, {@link FixedPoint}), which is copied along so generated code and the reference
 * evaluator compute with the same code.
 *
 * <p>Tensors are passed as (array, offset); shapes as ints. Integer GEMMs take the same arguments as their
 * {@link VectorKernels} counterparts (scratch included) so one call site can dispatch to either. Loops are
 * written so that C2's auto-vectorizer can compile them: this is the path of the {@code scalar} target and of a
 * JVM without {@code jdk.incubator.vector}.
 */
public final class ScalarKernels {
    // Fused activations (FusedConv / FusedGemm) and unary ops share one numbering.
    public static final int ACT_NONE = 0;
    public static final int ACT_RELU = 1;
    public static final int ACT_CLIP = 2;
    public static final int ACT_LEAKY_RELU = 3;
    public static final int UN_GELU = 4;
    public static final int UN_GELU_TANH = 5;
    public static final int UN_ERF = 6;
    public static final int UN_SQRT = 7;
    public static final int UN_EXP = 8;
    public static final int UN_LOG = 9;
    public static final int UN_TANH = 10;
    public static final int UN_SIGMOID = 11;
    public static final int UN_NEG = 12;
    public static final int UN_ABS = 13;
    public static final int UN_RECIPROCAL = 14;

    public static final int BIN_ADD = 0;
    public static final int BIN_SUB = 1;
    public static final int BIN_MUL = 2;
    public static final int BIN_DIV = 3;
    public static final int BIN_MAX = 4;
    public static final int BIN_MIN = 5;
    public static final int BIN_POW = 6;

    /** Floats of the packed B panel the SIMD GEMM keeps in L1 (16 KiB). */
    public static final int GEMM_PANEL_FLOATS = 4096;
    /** Floats of packed rows of A the SIMD GEMM keeps in L2 (64 KiB: 126 rows of 128 values on AVX-512). */
    public static final int GEMM_PACKED_A_FLOATS = 16384;
    /**
     * Scratch of every GEMM call: the panel, one register block's tile for edge blocks and a spare row (MR x NR + NR
     * <= 256), then packed rows of A.
     */
    public static final int GEMM_SCRATCH_FLOATS = GEMM_PANEL_FLOATS + 256 + GEMM_PACKED_A_FLOATS;
    /** Int scratch of {@code requantize}, used only by the SIMD variant: results wait there to be narrowed. */
    public static final int REQUANTIZE_SCRATCH_INTS = 256;

    public static final int WEIGHTS_MAGIC = 0x5754434F; // "OCTW" read little-endian
    public static final int WEIGHTS_VERSION = 1;
    public static final int WEIGHTS_HEADER_BYTES = 32;

    private ScalarKernels() {
    }

    // ---------------------------------------------------------------- run-time support

    /** The bytes of a resource beside the class, or item {@code index} of a hidden class's class data. */
    public static byte[] data(MethodHandles.Lookup lookup, String resource, int index) {
        Class<?> host = lookup.lookupClass();
        try {
            if (host.isHidden()) {
                List<?> items = MethodHandles.classData(lookup, "_", List.class);
                return (byte[]) items.get(index);
            }
            InputStream in = host.getResourceAsStream(resource);
            if (in == null) {
                throw new IllegalStateException("model resource '" + resource + "' is missing beside "
                        + host.getName());
            }
            try (in) {
                return in.readAllBytes();
            }
        } catch (IOException | IllegalAccessException e) {
            throw new IllegalStateException("cannot read model resource '" + resource + "': " + e.getMessage(), e);
        }
    }

    /** Checks a weight file against what the class was compiled for and splits it into {float[], int[], byte[]}. */
    public static Object[] readWeights(byte[] file, String name, int floats, int ints, int bytes, long modelHash) {
        long expected = WEIGHTS_HEADER_BYTES + 4L * floats + 4L * ints + bytes + 4;
        if (file.length < WEIGHTS_HEADER_BYTES) {
            throw new IllegalStateException("model weights '" + name + "' are truncated: " + file.length + " bytes");
        }
        ByteBuffer buf = ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN);
        if (buf.getInt(0) != WEIGHTS_MAGIC) {
            throw new IllegalStateException("'" + name + "' is not an Octet weight file (bad magic number)");
        }
        if (buf.getInt(4) != WEIGHTS_VERSION) {
            throw new IllegalStateException("model weights '" + name + "' have format version " + buf.getInt(4)
                    + ", this class reads version " + WEIGHTS_VERSION);
        }
        if (buf.getLong(8) != modelHash || buf.getInt(16) != floats || buf.getInt(20) != ints
                || buf.getInt(24) != bytes) {
            throw new IllegalStateException("model weights '" + name + "' belong to another model or build");
        }
        if (file.length != expected) {
            throw new IllegalStateException("model weights '" + name + "' are " + file.length + " bytes, expected "
                    + expected + " (truncated or corrupt)");
        }
        CRC32 crc = new CRC32();
        crc.update(file, 0, file.length - 4);
        if ((int) crc.getValue() != buf.getInt(file.length - 4)) {
            throw new IllegalStateException("model weights '" + name + "' fail their checksum (corrupt file)");
        }
        float[] f = new float[floats];
        int[] i = new int[ints];
        byte[] b = new byte[bytes];
        buf.position(WEIGHTS_HEADER_BYTES);
        buf.asFloatBuffer().get(f);
        buf.position(WEIGHTS_HEADER_BYTES + 4 * floats);
        buf.asIntBuffer().get(i);
        buf.position(WEIGHTS_HEADER_BYTES + 4 * floats + 4 * ints);
        buf.get(b);
        return new Object[] {f, i, b};
    }

    /**
     * The calling thread's workspace {float[], int[], byte[]}, grown when a larger batch needs more; a warm call
     * with a batch seen before allocates nothing.
     */
    public static Object[] workspace(ThreadLocal<Object[]> local, int floats, int ints, int bytes) {
        Object[] ws = local.get();
        if (ws == null || ((float[]) ws[0]).length < floats || ((int[]) ws[1]).length < ints
                || ((byte[]) ws[2]).length < bytes) {
            ws = new Object[] {new float[floats], new int[ints], new byte[bytes]};
            local.set(ws);
        }
        return ws;
    }

    /**
     * Defines the SIMD kernels as a hidden class beside the model class and returns handles to them, in the
     * order of {@code signatures} ("name(descriptor)" separated by spaces); null, after one warning, when the
     * Vector API is not readable or the target is scalar.
     */
    public static MethodHandle[] linkSimd(MethodHandles.Lookup lookup, byte[] simdClass, String signatures,
            String target) {
        if (simdClass.length == 0 || signatures.isEmpty()) {
            return null;
        }
        if (ModuleLayer.boot().findModule("jdk.incubator.vector").isEmpty()) {
            System.getLogger(lookup.lookupClass().getName()).log(System.Logger.Level.WARNING,
                    "jdk.incubator.vector is not readable (run java with --add-modules=jdk.incubator.vector); "
                            + "target " + target + " falls back to scalar kernels");
            return null;
        }
        try {
            MethodHandles.Lookup simd = lookup.defineHiddenClass(simdClass, true);
            String[] entries = signatures.split(" ");
            MethodHandle[] handles = new MethodHandle[entries.length];
            for (int i = 0; i < entries.length; i++) {
                int paren = entries[i].indexOf('(');
                MethodType type = MethodType.fromMethodDescriptorString(entries[i].substring(paren),
                        lookup.lookupClass().getClassLoader());
                handles[i] = simd.findStatic(simd.lookupClass(), entries[i].substring(0, paren), type);
            }
            String binding = (String) simd.findStatic(simd.lookupClass(), "binding",
                    MethodType.methodType(String.class)).invoke();
            String[] bits = binding.split(" ")[0].split("->");
            if (!bits[0].equals(bits[1])) {
                System.getLogger(lookup.lookupClass().getName()).log(System.Logger.Level.WARNING,
                        "target " + target + " asks for " + bits[0] + "-bit vectors; this CPU and JVM compile "
                                + bits[1] + "-bit ones, which the kernels use");
            }
            String nativeReport = (String) simd.findStatic(simd.lookupClass(), "nativeReport",
                    MethodType.methodType(String.class)).invoke();
            if (nativeReport != null) {
                System.getLogger(lookup.lookupClass().getName()).log(System.Logger.Level.WARNING,
                        "target " + target + ": " + nativeReport);
            }
            return handles;
        } catch (VirtualMachineError e) {
            throw e;
        } catch (Throwable e) {
            System.getLogger(lookup.lookupClass().getName()).log(System.Logger.Level.WARNING,
                    "SIMD kernels for target " + target + " failed to load (" + e + "); using scalar kernels");
            return null;
        }
    }

    /** Checks the arguments of a batched predict. */
    public static void checkBatch(float[] in, int batch, float[] out, int inPerSample, int outPerSample,
            int fixedBatch, int maxBatch, String inputShape) {
        if (batch < 1 || (fixedBatch > 0 && batch != fixedBatch) || batch > maxBatch) {
            throw new IllegalArgumentException("batch " + batch + (fixedBatch > 0
                    ? " but this model has a fixed batch of " + fixedBatch
                    : " must be in [1, " + maxBatch + "] (workspace limit)"));
        }
        if ((long) batch * inPerSample > in.length || (long) batch * outPerSample > out.length) {
            throw new IllegalArgumentException("batch " + batch + " of input shape " + inputShape + " needs "
                    + (long) batch * inPerSample + " inputs and " + (long) batch * outPerSample
                    + " outputs, got arrays of " + in.length + " and " + out.length);
        }
    }

    /** The batch of a flat input to {@code predict(float[])}. */
    public static int batchOf(float[] in, int inPerSample, int fixedBatch, String inputShape) {
        if (in.length == 0 || in.length % inPerSample != 0) {
            throw new IllegalArgumentException("input of " + in.length + " floats is not a whole number of "
                    + inPerSample + "-float samples of shape " + inputShape);
        }
        int batch = in.length / inPerSample;
        if (fixedBatch > 0 && batch != fixedBatch) {
            throw new IllegalArgumentException("input holds " + batch + " samples, this model takes " + fixedBatch);
        }
        return batch;
    }

    /**
     * The {@code main} of a generated class: {@code java --add-modules=jdk.incubator.vector -jar model.jar
     * input.npy [--raw]} prints, per sample, its index, arg-max class and top score (or all outputs with --raw).
     */
    public static void runMain(String[] args, UnaryOperator<float[]> model, int inPerSample, String name) {
        if (args.length < 1 || args.length > 2 || (args.length == 2 && !args[1].equals("--raw"))) {
            System.err.println("usage: java --add-modules=jdk.incubator.vector -jar " + name
                    + ".jar input.npy [--raw]   (input: float32 .npy, " + inPerSample + " values per sample)");
            System.exit(2);
        }
        float[] in;
        try {
            in = readNpy(Path.of(args[0]));
        } catch (IOException | IllegalArgumentException e) {
            System.err.println(args[0] + ": " + e.getMessage());
            System.exit(1);
            return;
        }
        if (in.length == 0 || in.length % inPerSample != 0) {
            System.err.println(args[0] + ": " + in.length + " values is not a whole number of samples of "
                    + inPerSample);
            System.exit(1);
        }
        float[] out = model.apply(in);
        int batch = in.length / inPerSample;
        int per = out.length / batch;
        StringBuilder sb = new StringBuilder();
        for (int s = 0; s < batch; s++) {
            sb.append(s);
            if (args.length == 2) {
                for (int j = 0; j < per; j++) {
                    sb.append(j == 0 ? '\t' : ' ').append(out[s * per + j]);
                }
            } else {
                int best = 0;
                for (int j = 1; j < per; j++) {
                    if (out[s * per + j] > out[s * per + best]) {
                        best = j;
                    }
                }
                sb.append('\t').append(best).append('\t').append(out[s * per + best]);
            }
            sb.append('\n');
        }
        System.out.print(sb);
    }

    /** Reads a little-endian float32 (or float64 / uint8) .npy file, C order, flattened. */
    public static float[] readNpy(Path path) throws IOException {
        byte[] file = Files.readAllBytes(path);
        if (file.length < 10 || file[0] != (byte) 0x93 || file[1] != 'N' || file[2] != 'U') {
            throw new IllegalArgumentException("not a .npy file");
        }
        ByteBuffer buf = ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN);
        int headerLen = file[6] == 1 ? Short.toUnsignedInt(buf.getShort(8)) : buf.getInt(8);
        int start = file[6] == 1 ? 10 + headerLen : 12 + headerLen;
        if (start > file.length) {
            throw new IllegalArgumentException("truncated .npy header");
        }
        String header = new String(file, file[6] == 1 ? 10 : 12, headerLen, StandardCharsets.ISO_8859_1);
        if (header.contains("'fortran_order': True")) {
            throw new IllegalArgumentException("Fortran-order arrays are not supported");
        }
        int width = header.contains("'<f4'") ? 4 : header.contains("'<f8'") ? 8 : header.contains("'|u1'") ? 1 : 0;
        if (width == 0) {
            throw new IllegalArgumentException("dtype must be <f4, <f8 or |u1: " + header.trim());
        }
        int n = (file.length - start) / width;
        float[] out = new float[n];
        for (int i = 0; i < n; i++) {
            int at = start + i * width;
            out[i] = width == 4 ? buf.getFloat(at) : width == 8 ? (float) buf.getDouble(at) : file[at] & 0xFF;
        }
        return out;
    }

    // ---------------------------------------------------------------- GEMM

    /**
     * {@code count} products C[m,n] = A[m,k] * B[k,n], row-major with leading dimensions; consecutive products
     * are {@code as}, {@code bs}, {@code cs} elements apart (0 shares an operand). The scratch (a packed panel,
     * {@link #GEMM_SCRATCH_FLOATS}) is used only by the SIMD variant.
     */
    public static void gemmF32(float[] a, int ao, int lda, int as, float[] b, int bo, int ldb, int bs, float[] c,
            int co, int ldc, int cs, int count, int m, int n, int k, float[] scratch, int so) {
        for (int t = 0; t < count; t++) {
            gemm(a, ao + t * as, lda, b, bo + t * bs, ldb, c, co + t * cs, ldc, m, n, k);
        }
    }

    /**
     * batches x heads products C[m,n] = A[m,k] * B[k,n] (attention's per-head products), each operand at
     * {@code o + i * (n stride) + h * (h stride)} with its own leading dimension: an operand read through (or a result
     * written through) a Transpose of the two middle axes needs no copy of its own.
     */
    public static void gemmF32Heads(float[] a, int ao, int lda, int an, int ah, float[] b, int bo, int ldb, int bn,
            int bh, float[] c, int co, int ldc, int cn, int ch, int batches, int heads, int m, int n, int k,
            float[] scratch, int so) {
        for (int i = 0; i < batches; i++) {
            for (int h = 0; h < heads; h++) {
                gemm(a, ao + i * an + h * ah, lda, b, bo + i * bn + h * bh, ldb, c, co + i * cn + h * ch, ldc, m, n,
                        k);
            }
        }
    }

    /**
     * C[m,n] = A[m,k] * W[k,n] for a constant W (a layer's weights): the SIMD variant keeps W in its register
     * block's panel layout, made on first use.
     */
    public static void gemmF32Weights(float[] a, int ao, int lda, float[] w, int wo, int ldw, float[] c, int co,
            int ldc, int m, int n, int k, float[] scratch, int so) {
        gemm(a, ao, lda, w, wo, ldw, c, co, ldc, m, n, k);
    }

    private static void gemm(float[] a, int ao, int lda, float[] b, int bo, int ldb, float[] c, int co, int ldc,
            int m, int n, int k) {
        for (int i = 0; i < m; i++) {
            int ci = co + i * ldc;
            for (int j = 0; j < n; j++) {
                c[ci + j] = 0;
            }
            for (int p = 0; p < k; p++) {
                float av = a[ao + i * lda + p];
                int bp = bo + p * ldb;
                for (int j = 0; j < n; j++) {
                    c[ci + j] += av * b[bp + j];
                }
            }
        }
    }

    /**
     * C[m,n] (int32) = A[m,k] * B[k,n] (int8), where A is int8 or, with {@code aUnsigned}, uint8 entering
     * centered (a - 128), so every operand is an int8 value; with {@code correct}, the per-column correction
     * {@code corr[ko + j]} (the zero points', the 128 included) is subtracted from every row. {@code narrowWeights}
     * says that no weight is -128 (so a pair of products fits 16 bits, which the SIMD matrix-vector kernel uses);
     * the scratches are used only by the SIMD variant.
     */
    public static void gemmU8S8(byte[] a, int ao, int lda, boolean aUnsigned, byte[] b, int bo, int ldb, int[] c,
            int co, int ldc, int m, int n, int k, boolean narrowWeights, float[] scratch, int so, int[] ints, int io,
            int[] corr, int ko, boolean correct) {
        int flip = aUnsigned ? 0x80 : 0;
        for (int i = 0; i < m; i++) {
            int ci = co + i * ldc;
            for (int j = 0; j < n; j++) {
                c[ci + j] = 0;
            }
            for (int p = 0; p < k; p++) {
                int av = (byte) (a[ao + i * lda + p] ^ flip);
                int bp = bo + p * ldb;
                for (int j = 0; j < n; j++) {
                    c[ci + j] += av * b[bp + j];
                }
            }
        }
        if (correct) {
            ConvKernels.subtractI32(c, co, ldc, m, n, corr, ko, 1);
        }
    }

    /**
     * C[m,n] (int32) = A[m,k] * B[k,n], both integer values held in floats (int8 weights widened once per call,
     * im2col columns), summed in int32. The scratch ({@link #GEMM_SCRATCH_FLOATS} + m*n) is used only by the SIMD
     * variant.
     */
    public static void gemmExactI32(float[] a, int ao, int lda, float[] b, int bo, int ldb, int[] c, int co,
            int ldc, int m, int n, int k, float[] scratch, int so) {
        for (int i = 0; i < m; i++) {
            int ci = co + i * ldc;
            for (int j = 0; j < n; j++) {
                c[ci + j] = 0;
            }
            for (int p = 0; p < k; p++) {
                int av = (int) a[ao + i * lda + p];
                int bp = bo + p * ldb;
                for (int j = 0; j < n; j++) {
                    c[ci + j] += av * (int) b[bp + j];
                }
            }
        }
    }

    /**
     * In place on C[m,n]: add a bias (mode 1: per column, 2: per row) and apply an activation. Used after float
     * GEMMs; {@code mode 0} is activation only.
     */
    public static void biasActivationF32(float[] c, int co, int ldc, int m, int n, float[] bias, int bo, int mode,
            int act, float p0, float p1) {
        for (int i = 0; i < m; i++) {
            int ci = co + i * ldc;
            for (int j = 0; j < n; j++) {
                float v = c[ci + j];
                if (mode == 1) {
                    v += bias[bo + j];
                } else if (mode == 2) {
                    v += bias[bo + i];
                }
                c[ci + j] = ScalarMath.activate(v, act, p0, p1);
            }
        }
    }

    /** y = x as floats, n values; bytes read as uint8 when {@code unsigned}, else int8. */
    public static void bytesToFloats(byte[] x, int xo, boolean unsigned, float[] y, int yo, int n) {
        int mask = unsigned ? 0xFF : -1;
        for (int i = 0; i < n; i++) {
            y[yo + i] = x[xo + i] & mask;
        }
    }

    /**
     * ConvInteger, NCHW, the whole batch: y (int32, [batch, oc, oh, ow]) = sum over windows of x (uint8 with
     * {@code unsigned}, else int8; padding reads the zero point {@code zx}) times the int8 weights [oc, c/groups,
     * kh, kw], less {@code corr[ko + channel]} with {@code correct} (zx * the weight row sum, so that the sums are
     * of x - zx). Output rows go in bands of {@code bandRows} (im2col per band). Scratch: float from {@code fo} as {@link ConvKernels#convIntegerWidened} needs; for the SIMD
     * variant's machine-code path, bytes as {@link Avx2Gemm#conv} needs and ints as {@link Avx2Gemm#packWeights}.
     */
    public static void convInteger(byte[] x, int xo, boolean unsigned, byte[] w, int wo, int[] y, int yo, int batch,
            int groups, int c, int h, int wd, int kh, int kw, int sh, int sw, int ph, int pw, int dh, int dw, int oc,
            int oh, int ow, int zx, int bandRows, float[] fs, int fo, byte[] bs, int bo, int[] is, int io, int[] corr,
            int ko, boolean correct) {
        ConvKernels.convIntegerWidened(x, xo, unsigned, w, wo, y, yo, batch, groups, c, h, wd, kh, kw, sh, sw, ph, pw,
                dh, dw, oc, oh, ow, zx, bandRows, fs, fo, corr, ko, correct);
    }

    /**
     * {@link #convInteger}, then max pooling of its int32 planes in windows of pkh x pkw every psh x psw rows and
     * columns (no padding, every window inside; [batch, oc, poh, pow]), then, with {@code hasBias}, +
     * {@code bias[bio + channel]}: ConvInteger, MaxPool and a per-channel Add as one call, so the full-size
     * accumulators stay in cache. {@code acc}: oc * oh * ow ints from {@code ao} (one image's accumulators) where
     * the kernel needs them; the other scratch as for {@link #convInteger}.
     */
    public static void convIntegerMaxPool(byte[] x, int xo, boolean unsigned, byte[] w, int wo, int[] y, int yo,
            int batch, int groups, int c, int h, int wd, int kh, int kw, int sh, int sw, int ph, int pw, int dh,
            int dw, int oc, int oh, int ow, int zx, int bandRows, float[] fs, int fo, byte[] bs, int bo, int[] is,
            int io, int[] corr, int ko, boolean correct, int pkh, int pkw, int psh, int psw, int poh, int pow,
            int[] bias, int bio, boolean hasBias, int[] acc, int ao) {
        ConvKernels.convIntegerMaxPoolPerImage(x, xo, unsigned, w, wo, y, yo, batch, groups, c, h, wd, kh, kw, sh,
                sw, ph, pw, dh, dw, oc, oh, ow, zx, bandRows, fs, fo, bs, bo, is, io, corr, ko, correct, pkh, pkw, psh,
                psw, poh, pow, bias, bio, hasBias, acc, ao);
    }

    // ---------------------------------------------------------------- element-wise

    public static void unaryF32(float[] x, int xo, float[] y, int yo, int n, int op, float p0, float p1) {
        for (int i = 0; i < n; i++) {
            y[yo + i] = ScalarMath.activate(x[xo + i], op, p0, p1);
        }
    }

    /**
     * A dynamically quantized MatMul in one call: {@link #dynamicQuantizeRows} of x[rows, k] into q, rowScale and
     * rowZp; the products q * w ({@link #gemmU8S8}, uint8 activations, {@code corr} undoing its centering) into
     * acc; then {@link #dequantizeRows} into y[rows, n]. The SIMD variant takes the products straight from native
     * memory where the VNNI kernels run them.
     */
    public static void dynamicMatMul(float[] x, int xo, byte[] q, int qo, float[] rowScale, int ro, int[] rowZp,
            int zo, byte[] w, int wo, int[] corr, int ko, int[] acc, int ao, int[] colSum, int co, float[] colScale,
            int so, float[] bias, int bo, boolean hasBias, float[] y, int yo, int rows, int n, int k,
            boolean narrowWeights, float[] scratch, int fo, int[] ints, int io) {
        dynamicQuantizeRows(x, xo, q, qo, rowScale, ro, rowZp, zo, rows, k);
        gemmU8S8(q, qo, k, true, w, wo, n, acc, ao, n, rows, n, k, narrowWeights, scratch, fo, ints, io, corr, ko,
                true);
        dequantizeRows(acc, ao, rowZp, zo, colSum, co, rowScale, ro, colScale, so, bias, bo, hasBias, y, yo, rows, n);
    }

    /**
     * The epilogue of a dynamically quantized product over [rows, n]: y = (bias +) float(acc - zp[r] * colSum[j])
     * * rowScale[r] * colScale[j], in that order of roundings (the graph's).
     */
    public static void dequantizeRows(int[] acc, int ao, int[] zp, int zo, int[] colSum, int co, float[] rowScale,
            int ro, float[] colScale, int so, float[] bias, int bo, boolean hasBias, float[] y, int yo, int rows,
            int n) {
        for (int r = 0; r < rows; r++) {
            int z = zp[zo + r];
            float rs = rowScale[ro + r];
            for (int j = 0; j < n; j++) {
                y[yo + r * n + j] = ScalarMath.dequantizeRow(acc[ao + r * n + j], z, colSum[co + j], rs,
                        colScale[so + j], bias[bo + j], hasBias);
            }
        }
    }

    /** int32 to float32. */
    public static void castI32F32(int[] x, int xo, float[] y, int yo, int n) {
        for (int i = 0; i < n; i++) {
            y[yo + i] = x[xo + i];
        }
    }

    /**
     * c = a op b with broadcasting, over up to four (collapsed) dimensions; a stride of 0 broadcasts. float32 or
     * int32 arrays; c is contiguous.
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

    static void binaryRowF32(int op, float[] a, int ai, int as, float[] b, int bi, int bs, float[] c, int ci,
            int n) {
        for (int j = 0; j < n; j++) {
            c[ci + j] = ScalarMath.binary(op, a[ai + j * as], b[bi + j * bs]);
        }
    }

    static void binaryRowI32(int op, int[] a, int ai, int as, int[] b, int bi, int bs, int[] c, int ci, int n) {
        for (int j = 0; j < n; j++) {
            c[ci + j] = ScalarMath.binary(op, a[ai + j * as], b[bi + j * bs]);
        }
    }

    /**
     * Copies a strided 4-d region (Transpose, Split, Slice, Concat): dst[i0,i1,i2,i3] at dst strides from src at
     * src strides; float, int or byte arrays ({@link StridedCopies}).
     */
    public static void copyStrided(Object src, int so, Object dst, int doff, int d0, int d1, int d2, int d3,
            int ss0, int ss1, int ss2, int ss3, int ds0, int ds1, int ds2, int ds3) {
        StridedCopies.stridedCopy(src, so, dst, doff, d0, d1, d2, d3, ss0, ss1, ss2, ss3, ds0, ds1, ds2, ds3);
    }

    // ---------------------------------------------------------------- normalization and reductions

    /** Softmax over rows of n floats (the last axis). */
    public static void softmaxF32(float[] x, int xo, float[] y, int yo, int rows, int n) {
        for (int r = 0; r < rows; r++) {
            int base = r * n;
            float max = Float.NEGATIVE_INFINITY;
            for (int i = 0; i < n; i++) {
                max = Math.max(max, x[xo + base + i]);
            }
            double sum = 0;
            for (int i = 0; i < n; i++) {
                float e = (float) Math.exp(x[xo + base + i] - max);
                y[yo + base + i] = e;
                sum += e;
            }
            float inv = (float) (1 / sum);
            for (int i = 0; i < n; i++) {
                y[yo + base + i] *= inv;
            }
        }
    }

    /** LayerNormalization over rows of n floats with per-element scale and (optional) bias. */
    public static void layerNormF32(float[] x, int xo, float[] gamma, int go, float[] beta, int bo, boolean hasBeta,
            float[] y, int yo, int rows, int n, float eps) {
        for (int r = 0; r < rows; r++) {
            int base = xo + r * n;
            double mean = 0;
            for (int i = 0; i < n; i++) {
                mean += x[base + i];
            }
            mean /= n;
            double var = 0;
            for (int i = 0; i < n; i++) {
                double d = x[base + i] - mean;
                var += d * d;
            }
            double inv = 1 / Math.sqrt(var / n + eps);
            for (int i = 0; i < n; i++) {
                double v = (x[base + i] - mean) * inv * gamma[go + i];
                y[yo + r * n + i] = (float) (hasBeta ? v + beta[bo + i] : v);
            }
        }
    }

    /** Reduces [outer, len, inner] over len: 0 sum, 1 mean, 2 max, 3 min. */
    public static void reduceF32(float[] x, int xo, float[] y, int yo, int outer, int len, int inner, int op) {
        for (int o = 0; o < outer; o++) {
            for (int in = 0; in < inner; in++) {
                int base = xo + o * len * inner + in;
                double acc = op == 2 ? Double.NEGATIVE_INFINITY : op == 3 ? Double.POSITIVE_INFINITY : 0;
                for (int i = 0; i < len; i++) {
                    float v = x[base + i * inner];
                    acc = op == 2 ? Math.max(acc, v) : op == 3 ? Math.min(acc, v) : acc + v;
                }
                y[yo + o * inner + in] = (float) (op == 1 ? acc / len : acc);
            }
        }
    }

    /**
     * Max (mode 0) or average (mode 1, 2 = count padding) pooling of [planes, h, w] into [planes, oh, ow]; float
     * or (u)int8 tensors, and int32 for max pooling. Windows accumulate in double: exact for every int32 max and
     * for float sums as the reference evaluator forms them.
     */
    public static void pool2d(Object x, int xo, boolean unsigned, Object y, int yo, int mode, int planes, int h,
            int w, int kh, int kw, int sh, int sw, int ph, int pw, int dh, int dw, int oh, int ow) {
        float[] xf = x instanceof float[] f ? f : null;
        int[] xi = x instanceof int[] i ? i : null;
        byte[] xb = xf == null && xi == null ? (byte[]) x : null;
        int mask = unsigned ? 0xFF : -1;
        // Output columns [lo, hi) have every horizontal tap inside the image.
        int lo = Math.min(ow, (pw + sw - 1) / sw);
        int hi = Math.max(lo, Math.min(ow, Math.floorDiv(w - 1 - (kw - 1) * dw + pw, sw) + 1));
        for (int p = 0; p < planes; p++) {
            int src = xo + p * h * w;
            for (int oy = 0; oy < oh; oy++) {
                int y0 = oy * sh - ph;
                int u0 = firstTap(y0, dh);
                int u1 = endTap(y0, dh, kh, h);
                int out = yo + (p * oh + oy) * ow;
                // Max pooling's interior runs tap by tap over whole output rows: C2 compiles the short per-window
                // loops poorly (a 2x2 window cost 4 ns a tap), long rows well.
                boolean rows = mode == 0 && u0 < u1 && lo < hi;
                for (int ox = 0; ox < ow; ox++) {
                    if (rows && ox == lo) {
                        ox = hi - 1;
                        continue;
                    }
                    int x0 = ox * sw - pw;
                    int v0 = firstTap(x0, dw);
                    int v1 = endTap(x0, dw, kw, w);
                    double acc = mode == 0 ? Double.NEGATIVE_INFINITY : 0;
                    for (int u = u0; u < u1; u++) {
                        int row = src + (y0 + u * dh) * w + x0;
                        for (int v = v0; v < v1; v++) {
                            double e = xf != null ? xf[row + v * dw]
                                    : xi != null ? xi[row + v * dw] : xb[row + v * dw] & mask;
                            acc = mode == 0 ? Math.max(acc, e) : acc + e;
                        }
                    }
                    int count = Math.max(0, u1 - u0) * Math.max(0, v1 - v0);
                    double r = mode == 0 ? acc : acc / (mode == 2 ? kh * kw : count);
                    store(y, out + ox, r);
                }
                if (rows) {
                    for (int u = u0; u < u1; u++) {
                        for (int v = 0; v < kw; v++) {
                            int from = src + (y0 + u * dh) * w - pw + v * dw;
                            maxRow(x, from, sw, mask, y, out, lo, hi, u == u0 && v == 0);
                        }
                    }
                }
            }
        }
    }

    /**
     * Max pooling without padding or dilation (every window inside the image), [planes, h, w] into
     * [planes, oh, ow] of float, (u)int8 or int32: typed loops (Java has no generics over primitive arrays) with
     * the 2x2, stride-2 window unrolled.
     */
    public static void maxPool2d(Object x, int xo, boolean unsigned, Object y, int yo, int planes, int h, int w,
            int kh, int kw, int sh, int sw, int oh, int ow) {
        if (x instanceof float[] xf) {
            maxPoolF32(xf, xo, (float[]) y, yo, planes, h, w, kh, kw, sh, sw, oh, ow);
        } else if (x instanceof int[] xi) {
            ConvKernels.maxPoolI32(xi, xo, (int[]) y, yo, planes, h, w, kh, kw, sh, sw, oh, ow);
        } else {
            maxPoolBytes((byte[]) x, xo, unsigned ? 0xFF : -1, (byte[]) y, yo, planes, h, w, kh, kw, sh, sw, oh, ow);
        }
    }

    private static void maxPoolF32(float[] x, int xo, float[] y, int yo, int planes, int h, int w, int kh, int kw,
            int sh, int sw, int oh, int ow) {
        int out = yo;
        for (int p = 0; p < planes; p++) {
            for (int oy = 0; oy < oh; oy++, out += ow) {
                int r0 = xo + p * h * w + oy * sh * w;
                if (kh == 2 && kw == 2 && sw == 2) {
                    // Two input rows side by side with a constant stride: C2 compiles this 1.3x faster than a
                    // window per output.
                    int r1 = r0 + w;
                    for (int ox = 0; ox < ow; ox++) {
                        int b = 2 * ox;
                        float a = Math.max(x[r0 + b], x[r1 + b]);
                        float c = Math.max(x[r0 + b + 1], x[r1 + b + 1]);
                        y[out + ox] = Math.max(a, c);
                    }
                    continue;
                }
                for (int ox = 0; ox < ow; ox++) {
                    int b = r0 + ox * sw;
                    float m = x[b];
                    for (int u = 0; u < kh; u++) {
                        for (int v = 0; v < kw; v++) {
                            m = Math.max(m, x[b + u * w + v]);
                        }
                    }
                    y[out + ox] = m;
                }
            }
        }
    }

    /** As {@link #maxPoolF32} on bytes compared as (un)signed per {@code mask}. */
    private static void maxPoolBytes(byte[] x, int xo, int mask, byte[] y, int yo, int planes, int h, int w, int kh,
            int kw, int sh, int sw, int oh, int ow) {
        int out = yo;
        for (int p = 0; p < planes; p++) {
            for (int oy = 0; oy < oh; oy++, out += ow) {
                int r0 = xo + p * h * w + oy * sh * w;
                if (kh == 2 && kw == 2 && sw == 2) {
                    // Two input rows side by side with a constant stride: C2 compiles this 1.3x faster than a
                    // window per output.
                    int r1 = r0 + w;
                    for (int ox = 0; ox < ow; ox++) {
                        int b = 2 * ox;
                        int a = Math.max(x[r0 + b] & mask, x[r1 + b] & mask);
                        int c = Math.max(x[r0 + b + 1] & mask, x[r1 + b + 1] & mask);
                        y[out + ox] = (byte) Math.max(a, c);
                    }
                    continue;
                }
                for (int ox = 0; ox < ow; ox++) {
                    int b = r0 + ox * sw;
                    int m = x[b] & mask;
                    for (int u = 0; u < kh; u++) {
                        for (int v = 0; v < kw; v++) {
                            m = Math.max(m, x[b + u * w + v] & mask);
                        }
                    }
                    y[out + ox] = (byte) m;
                }
            }
        }
    }

    /** y[o + j] = (or max=) x[from + j * step] for j in [lo, hi); bytes compare as (un)signed per mask. */
    private static void maxRow(Object x, int from, int step, int mask, Object y, int o, int lo, int hi,
            boolean first) {
        if (x instanceof float[] xf) {
            float[] yf = (float[]) y;
            for (int j = lo; j < hi; j++) {
                float e = xf[from + j * step];
                yf[o + j] = first ? e : Math.max(yf[o + j], e);
            }
        } else if (x instanceof int[] xi) {
            int[] yi = (int[]) y;
            for (int j = lo; j < hi; j++) {
                int e = xi[from + j * step];
                yi[o + j] = first ? e : Math.max(yi[o + j], e);
            }
        } else {
            byte[] xb = (byte[]) x;
            byte[] yb = (byte[]) y;
            for (int j = lo; j < hi; j++) {
                byte e = xb[from + j * step];
                yb[o + j] = first || (e & mask) > (yb[o + j] & mask) ? e : yb[o + j];
            }
        }
    }

    /** The first tap u of a window starting at {@code start} (dilation d) that is inside the image. */
    private static int firstTap(int start, int d) {
        // Integer division costs tens of cycles: avoided in the common undilated case.
        return start >= 0 ? 0 : d == 1 ? -start : (-start + d - 1) / d;
    }

    /** One past the last tap u < k with start + u * d < size. */
    private static int endTap(int start, int d, int k, int size) {
        return Math.min(k, start >= size ? 0 : d == 1 ? size - start : (size - start + d - 1) / d);
    }

    static float load(Object a, int i, boolean unsigned) {
        if (a instanceof float[] f) {
            return f[i];
        }
        byte v = ((byte[]) a)[i];
        return unsigned ? v & 0xFF : v;
    }

    static void store(Object a, int i, double v) {
        if (a instanceof float[] f) {
            f[i] = (float) v;
        } else if (a instanceof int[] n) {
            n[i] = (int) v;
        } else {
            ((byte[]) a)[i] = (byte) (int) v;
        }
    }

    // ---------------------------------------------------------------- quantization

    /**
     * QuantizeLinear: q = saturate(rint(x / scale) + zp) into [lo, hi]; scales and zero points per channel of a
     * [outer, channels, inner] view (channels = 1 for per-tensor).
     */
    public static void quantizeF32(float[] x, int xo, byte[] q, int qo, int outer, int channels, int inner,
            float[] scale, int so, int[] zp, int zo, int lo, int hi) {
        int i = 0;
        for (int o = 0; o < outer; o++) {
            for (int c = 0; c < channels; c++) {
                float s = scale[so + c];
                int z = zp[zo + c];
                for (int e = 0; e < inner; e++, i++) {
                    q[qo + i] = ScalarMath.quantize(x[xo + i], s, z, lo, hi);
                }
            }
        }
    }

    /** DequantizeLinear of (u)int8 or int32: y = (x - zp) * scale per channel of [outer, channels, inner]. */
    public static void dequantize(Object x, int xo, boolean unsigned, float[] y, int yo, int outer, int channels,
            int inner, float[] scale, int so, int[] zp, int zo) {
        int i = 0;
        for (int o = 0; o < outer; o++) {
            for (int c = 0; c < channels; c++) {
                float s = scale[so + c];
                int z = zp[zo + c];
                for (int e = 0; e < inner; e++, i++) {
                    int v = x instanceof int[] xi ? xi[xo + i] : (int) load(x, xo + i, unsigned);
                    y[yo + i] = (float) ((long) v - z) * s; // int32 x - zp may leave the int range
                }
            }
        }
    }

    /**
     * A residual connection between quantized layers, as the quantizer leaves it: y = act(dequantize(q) + skip) in
     * float (act: none or Relu), which the next block adds again, and yq = quantize(y) for the next convolution; n
     * elements, per-tensor parameters. The same float operations as the four ops, in one pass.
     */
    public static void residualAdd(byte[] q, int qo, boolean unsigned, float[] qScale, int qso, int[] qZp, int qzo,
            float[] skip, int so, boolean relu, float[] y, int yo, byte[] yq, int yqo, float[] yScale, int yso,
            int[] yZp, int yzo, int lo, int hi, int n) {
        ScalarMath.residualAdd(q, qo, unsigned, qScale[qso], qZp[qzo], skip, so, relu, y, yo, yq, yqo, yScale[yso],
                yZp[yzo], lo, hi, 0, n);
    }

    /**
     * Requantize (Jacob et al. 2018, as gemmlowp): y = clamp(zp + RDBPOT(SRDHM(acc, multiplier), shift)) per
     * channel of [outer, channels, inner].
     */
    public static void requantize(int[] acc, int ao, byte[] y, int yo, int outer, int channels, int inner,
            int[] mult, int mo, int[] shift, int sho, int zp, int lo, int hi, int[] scratch, int sco) {
        int i = 0;
        for (int o = 0; o < outer; o++) {
            for (int c = 0; c < channels; c++) {
                int m = mult[mo + c];
                int s = shift[sho + c];
                for (int e = 0; e < inner; e++, i++) {
                    y[yo + i] = ScalarMath.requantize(acc[ao + i], m, s, zp, lo, hi);
                }
            }
        }
    }

    /**
     * DynamicQuantizeRows: each row of n floats to uint8 with its own scale (max - min) / 255 over a range that
     * includes 0, and zero point.
     */
    public static void dynamicQuantizeRows(float[] x, int xo, byte[] q, int qo, float[] scales, int so, int[] zps,
            int zo, int rows, int n) {
        for (int r = 0; r < rows; r++) {
            int base = xo + r * n;
            float min = 0;
            float max = 0;
            for (int i = 0; i < n; i++) {
                min = Math.min(min, x[base + i]);
                max = Math.max(max, x[base + i]);
            }
            float scale = (max - min) / 255f;
            int zp = scale == 0 ? 0 : (int) Math.max(0, Math.min(255, (long) Math.rint(0 - min / scale)));
            scales[so + r] = scale == 0 ? 1f : scale;
            zps[zo + r] = zp;
            for (int i = 0; i < n; i++) {
                float v = x[base + i] / scale;
                long rv = scale == 0 ? 0 : v != v ? 0 : (long) Math.rint(v);
                q[qo + r * n + i] = (byte) Math.max(0, Math.min(255, rv + zp));
            }
        }
    }
}
