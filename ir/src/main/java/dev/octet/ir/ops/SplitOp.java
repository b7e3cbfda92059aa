package dev.octet.ir.ops;

import dev.octet.ir.Attribute;
import dev.octet.ir.Dim;
import dev.octet.ir.OpException;
import dev.octet.ir.Shape;
import dev.octet.ir.Tensor;
import dev.octet.ir.TensorType;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code Split(input, split?) {axis = 0, num_outputs}} (opset 13/18 form): the sizes come from the constant
 * split operand, or the axis is divided evenly among the results (the last one smaller if needed).
 */
final class SplitOp extends AbstractOp {
    SplitOp() {
        super(Signature.of("Split").inputs(1, 2).outputs(1, Integer.MAX_VALUE)
                .attr("axis", Attribute.Kind.INT).attr("num_outputs", Attribute.Kind.INT).build());
    }

    private static long[] sizes(OpContext ctx, TensorType x, int axis) {
        long[] split = Axes.ints(ctx, 1, "split");
        Dim d = x.shape().dim(axis);
        if (!d.isFixed()) {
            throw new OpException("cannot split symbolic dimension " + d);
        }
        int parts = ctx.outputCount();
        if (split == null) {
            long chunk = Math.ceilDiv(d.size(), parts);
            split = new long[parts];
            for (int i = 0; i < parts; i++) {
                split[i] = Math.max(0, Math.min(chunk, d.size() - i * chunk));
            }
        }
        if (split.length != parts || java.util.Arrays.stream(split).sum() != d.size()) {
            throw new OpException("split " + java.util.Arrays.toString(split) + " does not divide axis " + axis
                    + " of " + x + " into " + parts + " results");
        }
        return split;
    }

    @Override
    public List<TensorType> inferTypes(OpContext ctx) {
        TensorType x = ctx.type(0);
        int axis = x.shape().normalizeAxis(ctx.attrs().getInt("axis", 0));
        List<TensorType> out = new ArrayList<>();
        for (long size : sizes(ctx, x, axis)) {
            List<Dim> dims = new ArrayList<>(x.shape().dims());
            dims.set(axis, Dim.of(size));
            out.add(TensorType.of(x.elementType(), new Shape(dims)));
        }
        return out;
    }

    @Override
    public List<Tensor> evaluate(OpContext ctx, List<TensorType> outputTypes) {
        Tensor x = ctx.value(0);
        int axis = x.shape().normalizeAxis(ctx.attrs().getInt("axis", 0));
        long[] sizes = x.shape().sizes();
        long outer = 1;
        for (int d = 0; d < axis; d++) {
            outer *= sizes[d];
        }
        long inner = x.size() == 0 ? 0 : x.size() / outer / Math.max(1, sizes[axis]);
        List<Tensor> out = new ArrayList<>();
        long offset = 0;
        for (TensorType t : outputTypes) {
            long block = t.shape().size(axis) * inner;
            Object data = Tensor.allocate(t.elementType(), Tensor.checkedCount(t));
            for (long o = 0; o < outer; o++) {
                for (long e = 0; e < block; e++) {
                    Axes.copy(x, (int) (o * sizes[axis] * inner + offset + e), data, (int) (o * block + e));
                }
            }
            offset += block;
            out.add(Tensor.of(t, data));
        }
        return out;
    }
}
