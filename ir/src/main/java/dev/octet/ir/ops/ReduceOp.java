package dev.octet.ir.ops;

import dev.octet.ir.Attribute;
import dev.octet.ir.Dim;
import dev.octet.ir.Shape;
import dev.octet.ir.Tensor;
import dev.octet.ir.TensorType;
import java.util.ArrayList;
import java.util.List;

/**
 * ReduceMean, ReduceSum, ReduceMax and ReduceMin in the opset-18 form: {@code (data, axes?) {keepdims = 1,
 * noop_with_empty_axes = 0}}, axes a constant operand (the ONNX reader turns the older attribute into it).
 * Sums are taken in double.
 */
final class ReduceOp extends AbstractOp {
    enum Kind { MEAN, SUM, MAX, MIN }

    private final Kind kind;

    ReduceOp(String name, Kind kind) {
        super(Signature.of(name).inputs(1, 2).attr("keepdims", Attribute.Kind.INT)
                .attr("noop_with_empty_axes", Attribute.Kind.INT).build());
        this.kind = kind;
    }

    private static boolean[] reduced(OpContext ctx, int rank) {
        long[] axes = Axes.ints(ctx, 1, "axes");
        boolean[] r = new boolean[rank];
        if (axes == null || axes.length == 0) {
            boolean noop = ctx.attrs().getInt("noop_with_empty_axes", 0) != 0;
            java.util.Arrays.fill(r, !noop);
            return r;
        }
        for (int a : Axes.normalize(axes, rank)) {
            r[a] = true;
        }
        return r;
    }

    @Override
    public List<TensorType> inferTypes(OpContext ctx) {
        TensorType x = ctx.type(0);
        boolean[] r = reduced(ctx, x.rank());
        boolean keep = ctx.attrs().getInt("keepdims", 1) != 0;
        List<Dim> dims = new ArrayList<>();
        for (int d = 0; d < x.rank(); d++) {
            if (!r[d]) {
                dims.add(x.shape().dim(d));
            } else if (keep) {
                dims.add(Dim.of(1));
            }
        }
        return List.of(TensorType.of(x.elementType(), new Shape(dims)));
    }

    @Override
    public List<Tensor> evaluate(OpContext ctx, List<TensorType> outputTypes) {
        Tensor x = ctx.value(0);
        long[] sizes = x.shape().sizes();
        boolean[] r = reduced(ctx, sizes.length);
        // Map each input element to its output element: reduced axes get stride 0.
        long[] outStrides = new long[sizes.length];
        long stride = 1;
        for (int d = sizes.length - 1; d >= 0; d--) {
            outStrides[d] = r[d] ? 0 : stride;
            stride *= r[d] ? 1 : sizes[d];
        }
        int outCount = Tensor.checkedCount(outputTypes.get(0));
        double[] acc = new double[outCount];
        java.util.Arrays.fill(acc, kind == Kind.MAX ? Double.NEGATIVE_INFINITY
                : kind == Kind.MIN ? Double.POSITIVE_INFINITY : 0);
        long[] idx = new long[sizes.length];
        for (int e = 0; e < x.size(); e++) {
            int o = 0;
            for (int d = 0; d < sizes.length; d++) {
                o += (int) (idx[d] * outStrides[d]);
            }
            double v = x.getDouble(e);
            acc[o] = switch (kind) {
                case MEAN, SUM -> acc[o] + v;
                case MAX -> Math.max(acc[o], v);
                case MIN -> Math.min(acc[o], v);
            };
            for (int d = sizes.length - 1; d >= 0; d--) {
                if (++idx[d] < sizes[d]) {
                    break;
                }
                idx[d] = 0;
            }
        }
        if (kind == Kind.MEAN && outCount > 0) {
            double n = (double) x.size() / outCount;
            for (int i = 0; i < outCount; i++) {
                acc[i] /= n;
            }
        }
        return List.of(Tensor.fromDoubles(outputTypes.get(0), acc));
    }
}
