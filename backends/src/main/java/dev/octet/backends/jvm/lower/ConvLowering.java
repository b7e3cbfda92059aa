package dev.octet.backends.jvm.lower;

import dev.octet.backends.jvm.Arena;
import dev.octet.backends.jvm.Buffer;
import dev.octet.backends.jvm.IntExpr;
import dev.octet.backends.jvm.LoweringContext;
import dev.octet.backends.jvm.kernels.Avx2Gemm;
import dev.octet.backends.jvm.kernels.VnniGemm;
import dev.octet.backends.jvm.kernels.ScalarKernels;
import dev.octet.ir.Attributes;
import dev.octet.ir.ElementType;
import dev.octet.ir.Node;
import dev.octet.ir.Tensor;
import dev.octet.ir.Value;
import java.util.ArrayList;
import java.util.List;

/**
 * 2-d Conv, FusedConv and ConvInteger, NCHW: per image (a loop over the batch), per group and per band of output
 * rows, im2col into a [C*kh*kw, rows*OW] float matrix, then weights [OC, C*kh*kw] times it into those rows of the
 * NCHW result, so the GEMM vectorizes along output pixels. Integer convolutions widen their int8 weights to float
 * once per call, pad with the input zero point and subtract zp * (weight row sum) per output channel; their im2col
 * holds the exact int8 values as floats.
 */
final class ConvLowering {
    private ConvLowering() {
    }

    /** Sliding-window geometry from the attributes and the (already inferred) output shape. */
    record Window(int kh, int kw, int sh, int sw, int ph, int pw, int dh, int dw) {
        static Window of(Attributes attrs, long[] kernel, int h, int w, int oh, int ow, LoweringContext cx) {
            long[] strides = attrs.getInts("strides");
            long[] dil = attrs.getInts("dilations");
            long[] pads = attrs.getInts("pads");
            int sh = strides == null ? 1 : (int) strides[0];
            int sw = strides == null ? 1 : (int) strides[1];
            int dh = dil == null ? 1 : (int) dil[0];
            int dw = dil == null ? 1 : (int) dil[1];
            int kh = (int) kernel[0];
            int kw = (int) kernel[1];
            String autoPad = attrs.getString("auto_pad", "NOTSET");
            int ph;
            int pw;
            switch (autoPad) {
                case "NOTSET" -> {
                    ph = pads == null ? 0 : (int) pads[0];
                    pw = pads == null ? 0 : (int) pads[1];
                }
                case "VALID" -> {
                    ph = 0;
                    pw = 0;
                }
                case "SAME_UPPER", "SAME_LOWER" -> {
                    int th = Math.max(0, (oh - 1) * sh + dh * (kh - 1) + 1 - h);
                    int tw = Math.max(0, (ow - 1) * sw + dw * (kw - 1) + 1 - w);
                    boolean upper = autoPad.equals("SAME_UPPER");
                    ph = upper ? th / 2 : th - th / 2;
                    pw = upper ? tw / 2 : tw - tw / 2;
                }
                default -> throw cx.error("auto_pad " + autoPad + " is not supported");
            }
            return new Window(kh, kw, sh, sw, ph, pw, dh, dw);
        }

        boolean isPointwise() {
            return kh == 1 && kw == 1 && sh == 1 && sw == 1 && ph == 0 && pw == 0;
        }
    }

    /** Floats of one im2col band: 256 KiB, a quarter of a 1 MiB L2 (Zen 4), leaving room for weights and output. */
    static final int BAND_FLOATS = 1 << 16;
    static final int MAX_BANDS = 8;

    /**
     * A max pooling (and a per-channel int32 bias) that a ConvInteger's kernel applies to its accumulators
     * (ConvPoolFusion): windows kh x kw every sh x sw (no padding or dilation; kh <= sh), into [N, oc, oh, ow] of
     * {@code result}.
     */
    record PooledOutput(int kh, int kw, int sh, int sw, int oh, int ow, Value bias, Value result) {
    }

    /** A ConvInteger's int32 bias Add joined to it: the constant per-channel bias and the sum it produces. */
    record BiasedOutput(Value bias, Value result) {
    }

    static void conv(Node node, LoweringContext cx) {
        conv(node, cx, null, null);
    }

    /**
     * As {@link #conv(Node, LoweringContext)}; a ConvInteger whose accumulators are pooled when {@code pool}, or
     * take a bias when {@code biased} (one of them at most).
     */
    static void conv(Node node, LoweringContext cx, PooledOutput pool, BiasedOutput biased) {
        boolean integer = node.op().equals("ConvInteger");
        Value x = node.input(0);
        Value wv = node.input(1);
        Value y = node.output(0);
        IntExpr[] xd = cx.dims(x);
        if (xd.length != 4) {
            throw cx.error("only 2-d convolutions (NCHW) are supported, got input " + x.type().shape());
        }
        if (!cx.isConstant(wv)) {
            throw cx.error("weights must be constant");
        }
        ElementType xt = x.type().elementType();
        if (integer && (xt != ElementType.U8 && xt != ElementType.I8 || wv.type().elementType() != ElementType.I8)) {
            throw cx.error("ConvInteger needs uint8/int8 input and int8 weights, got " + xt + " and "
                    + wv.type().elementType());
        }
        if (integer && node.inputs().size() > 3 && node.input(3) != null
                && LinearLowering.anyNonZero(cx.constant(node.input(3)))) {
            throw cx.error("a non-zero weight zero point is not supported (weights are symmetric)");
        }
        int c = cx.fixed(xd[1], "channels");
        int h = cx.fixed(xd[2], "height");
        int w = cx.fixed(xd[3], "width");
        IntExpr[] yd = cx.dims(y);
        int oc = cx.fixed(yd[1], "output channels");
        int oh = cx.fixed(yd[2], "output height");
        int ow = cx.fixed(yd[3], "output width");
        int groups = (int) node.attributes().getInt("group", 1);
        long[] wShape = wv.type().shape().sizes();
        Window win = Window.of(node.attributes(), new long[] {wShape[2], wShape[3]}, h, w, oh, ow, cx);
        int cg = c / groups;
        int ocg = oc / groups;
        int k = cg * win.kh() * win.kw();
        int pixels = oh * ow;
        Buffer weights = cx.in(wv);
        Buffer xb = cx.in(x);
        if (integer) {
            convInteger(node, cx, xb, xt, weights, xd[0], groups, c, h, w, oc, oh, ow, win, pool, biased);
            return;
        }
        if (pool != null || biased != null) {
            throw cx.error("only ConvInteger pools its results or takes an int32 bias");
        }
        Buffer out = cx.out(y);
        Buffer bias = node.inputs().size() > 2 && node.input(2) != null ? cx.in(node.input(2)) : null;
        Activation act = Activation.of(node.attributes(), cx);
        boolean direct = win.isPointwise();
        int bandRows = direct ? oh : bandRows(k, oh, ow);
        int bandPixels = bandRows * ow;
        Buffer col = direct ? null : cx.scratch(Arena.F32, IntExpr.of((long) k * bandPixels));
        Buffer scratch = LinearLowering.panel(cx);
        IntExpr image = LoweringContext.perIndex(IntExpr.of((long) c * h * w));
        IntExpr outImage = LoweringContext.perIndex(IntExpr.of((long) oc * pixels));
        cx.loop(xd[0], () -> {
            for (int g = 0; g < groups; g++) {
                Buffer xg = xb.plus(image.plus((long) g * cg * h * w));
                Buffer yg = out.plus(outImage.plus((long) g * ocg * pixels));
                Buffer wg = weights.plus(IntExpr.of((long) g * ocg * k));
                for (int y0 = 0; y0 < oh; y0 += bandRows) {
                    int y1 = Math.min(oh, y0 + bandRows);
                    int n = (y1 - y0) * ow;
                    Buffer bmat = xg;
                    if (!direct) {
                        cx.call("im2col", xg, col, IntExpr.of(n), IntExpr.of(cg), IntExpr.of(h), IntExpr.of(w),
                                IntExpr.of(win.kh()), IntExpr.of(win.kw()), IntExpr.of(win.sh()),
                                IntExpr.of(win.sw()), IntExpr.of(win.ph()), IntExpr.of(win.pw()),
                                IntExpr.of(win.dh()), IntExpr.of(win.dw()), IntExpr.of(y0), IntExpr.of(y1),
                                IntExpr.of(ow), 0f);
                        bmat = col;
                    }
                    Buffer yb = yg.plus(IntExpr.of((long) y0 * ow));
                    cx.call("gemmF32", wg, IntExpr.of(k), IntExpr.ZERO, bmat, IntExpr.of(direct ? pixels : n),
                            IntExpr.ZERO, yb, IntExpr.of(pixels), IntExpr.ZERO, IntExpr.ONE, IntExpr.of(ocg),
                            IntExpr.of(n), IntExpr.of(k), scratch);
                }
                if (bias != null || !act.isNone()) {
                    cx.call("biasActivationF32", yg, IntExpr.of(pixels), IntExpr.of(ocg), IntExpr.of(pixels),
                            bias == null ? yg : bias.plus(IntExpr.of((long) g * ocg)), bias == null ? 0 : 2,
                            act.code(), act.p0(), act.p1());
                }
            }
        });
    }

    /**
     * ConvInteger: one kernel call for the whole batch (exact float GEMMs, or the AVX2 int8 micro-kernels where the
     * SIMD class installed them), which also subtracts zp * (weight row sum) per output channel, and with
     * {@code pool} pools and adds the bias (bands of whole pooling strides).
     */
    private static void convInteger(Node node, LoweringContext cx, Buffer xb, ElementType xt, Buffer weights,
            IntExpr batch, int groups, int c, int h, int w, int oc, int oh, int ow, Window win, PooledOutput pool,
            BiasedOutput biased) {
        Value wv = node.input(1);
        int cg = c / groups;
        int ocg = oc / groups;
        int k = cg * win.kh() * win.kw();
        int zx = LinearLowering.zeroPoint(cx, node, 2);
        int bandRows = bandRows(k, oh, ow);
        if (pool != null) {
            bandRows = Math.min(oh, (bandRows + pool.sh() - 1) / pool.sh() * pool.sh());
        }
        long band = (long) bandRows * ow;
        Buffer floats = cx.scratch(Arena.F32, IntExpr.of((long) oc * k + (long) c * h * w + k * band
                + ocg * band + ScalarKernels.GEMM_SCRATCH_FLOATS));
        Buffer bytes = cx.scratch(Arena.I8, IntExpr.of((long) k * VnniGemm.panelColumns((int) band)));
        Buffer ints = cx.scratch(Arena.I32, IntExpr.of(Avx2Gemm.packedInts(ocg, k)));
        Buffer corr = zx == 0 ? ints : cx.weight(List.of(wv, zx, "rowsum"), rowSums(cx.constant(wv), oc, k, zx));
        boolean correct = zx != 0;
        if (biased != null) {
            // The bias joins the correction the kernel subtracts per channel: int32 addition wraps, so
            // acc - corr + bias = acc - (corr - bias) exactly.
            int[] sums = rowSums(cx.constant(wv), oc, k, zx);
            Tensor bias = cx.constant(biased.bias());
            for (int o = 0; o < oc; o++) {
                sums[o] -= (int) bias.getLong(o);
            }
            corr = cx.weight(List.of(wv, zx, biased.bias(), "rowsum-bias"), sums);
            correct = true;
        }
        Value result = pool != null ? pool.result() : biased != null ? biased.result() : node.output(0);
        List<Object> args = new ArrayList<>(List.of(xb, xt == ElementType.U8, weights,
                cx.out(result), batch, IntExpr.of(groups), IntExpr.of(c),
                IntExpr.of(h), IntExpr.of(w), IntExpr.of(win.kh()), IntExpr.of(win.kw()), IntExpr.of(win.sh()),
                IntExpr.of(win.sw()), IntExpr.of(win.ph()), IntExpr.of(win.pw()), IntExpr.of(win.dh()),
                IntExpr.of(win.dw()), IntExpr.of(oc), IntExpr.of(oh), IntExpr.of(ow), IntExpr.of(zx),
                IntExpr.of(bandRows), floats, bytes, ints, corr, correct));
        if (pool == null) {
            cx.call("convInteger", args.toArray());
            return;
        }
        Buffer bias = pool.bias() == null ? corr : cx.in(pool.bias());
        // One image's accumulators (Java paths), or one band's C copied out of native memory (machine code).
        // (+ a vector: the pooling's vectors read one value past their last row.)
        Buffer acc = cx.scratch(Arena.I32, IntExpr.of(Math.max((long) oc * oh * ow,
                (long) ocg * VnniGemm.panelColumns((int) band)) + 16));
        args.addAll(List.of(IntExpr.of(pool.kh()), IntExpr.of(pool.kw()), IntExpr.of(pool.sh()),
                IntExpr.of(pool.sw()), IntExpr.of(pool.oh()), IntExpr.of(pool.ow()), bias, pool.bias() != null, acc));
        cx.call("convIntegerMaxPool", args.toArray());
    }

    /**
     * Output rows per im2col band: a band's [k, rows * ow] matrix stays within {@link #BAND_FLOATS} (half of L2),
     * so the GEMM packs it from cache instead of from memory (one whole-image matrix of ResNet-18's first layers
     * is 7 MB); at most {@link #MAX_BANDS} bands, which bounds the calls a convolution adds to the forward method.
     */
    static int bandRows(int k, int oh, int ow) {
        int fit = (int) Math.min(oh, BAND_FLOATS / Math.max(1L, (long) k * ow));
        return Math.max(Math.max(1, fit), (oh + MAX_BANDS - 1) / MAX_BANDS);
    }

    private static int[] rowSums(Tensor w, int oc, int k, int zx) {
        byte[] v = w.bytes();
        int[] out = new int[oc];
        for (int o = 0; o < oc; o++) {
            for (int i = 0; i < k; i++) {
                out[o] += zx * v[o * k + i];
            }
        }
        return out;
    }
}
