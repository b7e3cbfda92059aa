package dev.octet.ir.ops;

import dev.octet.ir.Attribute;
import dev.octet.ir.ElementType;
import dev.octet.ir.Shape;
import dev.octet.ir.Tensor;
import dev.octet.ir.TensorType;
import java.util.List;

/** {@code Shape(data) {start, end}}: the dimensions of data (a slice of them, opset 15) as an i64 tensor. */
final class ShapeOp extends AbstractOp {
    ShapeOp() {
        super(Signature.of("Shape").inputs(1).attr("start", Attribute.Kind.INT).attr("end", Attribute.Kind.INT).build());
    }

    private static int[] range(OpContext ctx, int rank) {
        long start = ctx.attrs().getInt("start", 0);
        long end = ctx.attrs().getInt("end", rank);
        start = Math.max(0, Math.min(rank, start < 0 ? start + rank : start));
        end = Math.max(0, Math.min(rank, end < 0 ? end + rank : end));
        return new int[] {(int) start, (int) Math.max(start, end)};
    }

    @Override
    public List<TensorType> inferTypes(OpContext ctx) {
        int[] r = range(ctx, ctx.type(0).rank());
        return List.of(TensorType.of(ElementType.I64, r[1] - r[0]));
    }

    @Override
    public List<Tensor> evaluate(OpContext ctx, List<TensorType> outputTypes) {
        long[] sizes = ctx.value(0).shape().sizes();
        int[] r = range(ctx, sizes.length);
        return List.of(Tensor.ofLongs(Shape.of(r[1] - r[0]), java.util.Arrays.copyOfRange(sizes, r[0], r[1])));
    }
}
