package dev.octet.ir.ops;

import dev.octet.ir.Attribute;
import dev.octet.ir.Dim;
import dev.octet.ir.OpException;
import dev.octet.ir.Shape;
import dev.octet.ir.Tensor;
import dev.octet.ir.TensorType;
import java.util.List;

/**
 * {@code Conv(X, W, B?) {auto_pad, dilations, group, kernel_shape, pads, strides}} in any number of spatial
 * dimensions, products summed in double. The integer variants (ConvInteger, QLinearConv) share the geometry and
 * the {@link #checkWeights} rules.
 */
final class ConvOp extends AbstractOp {
    private final boolean fused;

    /** Conv, or with {@code fused} FusedConv: Conv followed by its {@link FusedActivation}. */
    ConvOp(boolean fused) {
        super(fused ? FusedActivation.addAttributes(convSignatureBuilder("FusedConv", 2, 3)).build()
                : convSignature("Conv", 2, 3));
        this.fused = fused;
    }

    static Signature convSignature(String name, int minInputs, int maxInputs) {
        return convSignatureBuilder(name, minInputs, maxInputs).build();
    }

    private static Signature.Builder convSignatureBuilder(String name, int minInputs, int maxInputs) {
        return Signature.of(name).inputs(minInputs, maxInputs)
                .attr("auto_pad", Attribute.Kind.STRING).attr("dilations", Attribute.Kind.INTS)
                .attr("group", Attribute.Kind.INT).attr("kernel_shape", Attribute.Kind.INTS)
                .attr("pads", Attribute.Kind.INTS).attr("strides", Attribute.Kind.INTS);
    }

    /** Checks W [M, C/group, k...] against X [N, C, ...] and returns the geometry. */
    static ConvGeometry checkWeights(TensorType x, TensorType w, OpContext ctx) {
        if (w.rank() != x.rank()) {
            throw new OpException("W " + w + " must have the rank of X " + x);
        }
        long group = ctx.attrs().getInt("group", 1);
        Shape ws = w.shape();
        if (!ws.isStatic()) {
            throw new OpException("W must have a static shape, got " + w);
        }
        long m = ws.size(0);
        Dim c = x.shape().dim(1);
        if (group <= 0 || m % group != 0 || (c.isFixed() && c.size() != ws.size(1) * group)) {
            throw new OpException("X " + x + " and W " + w + " do not fit group " + group);
        }
        long[] kernel = new long[x.rank() - 2];
        for (int i = 0; i < kernel.length; i++) {
            kernel[i] = ws.size(i + 2);
        }
        long[] declared = ctx.attrs().getInts("kernel_shape");
        if (declared != null && !java.util.Arrays.equals(declared, kernel)) {
            throw new OpException("kernel_shape " + java.util.Arrays.toString(declared) + " disagrees with W " + w);
        }
        return new ConvGeometry(x.shape(), kernel, ctx.attrs(), false);
    }

    static void checkBias(OpContext ctx, int index, TensorType w) {
        if (ctx.hasInput(index)) {
            TypeRules.requireRank(ctx.type(index), "B", 1);
            if (!ctx.type(index).shape().dim(0).equals(w.shape().dim(0))) {
                throw new OpException("B " + ctx.type(index) + " needs one entry per output channel of W " + w);
            }
        }
    }

    @Override
    public List<TensorType> inferTypes(OpContext ctx) {
        TensorType x = ctx.type(0);
        TensorType w = ctx.type(1);
        TypeRules.requireFloat(x, "X");
        TypeRules.requireSameElement(x, w, "X and W");
        ConvGeometry g = checkWeights(x, w, ctx);
        checkBias(ctx, 2, w);
        if (fused) {
            FusedActivation.of(ctx.attrs());
        }
        return List.of(TensorType.of(x.elementType(), g.outputShape(x.shape().dim(0), w.shape().dim(0))));
    }

    @Override
    public List<Tensor> evaluate(OpContext ctx, List<TensorType> outputTypes) {
        Tensor x = ctx.value(0);
        Tensor w = ctx.value(1);
        ConvGeometry g = checkWeights(x.type(), w.type(), ctx);
        double[] xs = x.toDoubles();
        double[] ws = w.toDoubles();
        Tensor b = ctx.value(2);
        int[] table = g.indexTable();
        java.util.function.DoubleUnaryOperator act = fused ? FusedActivation.of(ctx.attrs()) : v -> v;
        ConvLoop loop = new ConvLoop(x.shape(), w.shape(), (int) ctx.attrs().getInt("group", 1), g);
        double[] y = new double[loop.outputSize()];
        loop.forEachOutput((out, n, m, xBase, wBase, p) -> {
            double acc = b == null ? 0 : b.getDouble(m);
            for (int c = 0; c < loop.channelsPerGroup; c++) {
                int xc = xBase + c * loop.inPlane;
                int wc = wBase + c * loop.kernelSize;
                for (int k = 0; k < loop.kernelSize; k++) {
                    int idx = table[p * loop.kernelSize + k];
                    if (idx >= 0) {
                        acc += xs[xc + idx] * ws[wc + k];
                    }
                }
            }
            y[out] = act.applyAsDouble(acc);
        });
        return List.of(Tensor.fromDoubles(outputTypes.get(0), y));
    }
}
