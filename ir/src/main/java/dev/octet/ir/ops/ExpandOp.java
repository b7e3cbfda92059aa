package dev.octet.ir.ops;

import dev.octet.ir.Shape;
import dev.octet.ir.Tensor;
import dev.octet.ir.TensorType;
import java.util.List;

/** {@code Expand(input, shape)}: broadcasts input to the (constant) shape, numpy rules in both directions. */
final class ExpandOp extends AbstractOp {
    ExpandOp() {
        super(Signature.of("Expand").inputs(2).build());
    }

    @Override
    public List<TensorType> inferTypes(OpContext ctx) {
        Shape target = Shape.of(Axes.ints(ctx, 1, "shape"));
        return List.of(TensorType.of(ctx.type(0).elementType(), Broadcast.shape(ctx.type(0).shape(), target)));
    }

    @Override
    public List<Tensor> evaluate(OpContext ctx, List<TensorType> outputTypes) {
        Tensor x = ctx.value(0);
        TensorType out = outputTypes.get(0);
        int[] src = Broadcast.sourceIndex(out.shape(), x.shape());
        Object data = Tensor.allocate(out.elementType(), src.length);
        for (int i = 0; i < src.length; i++) {
            Axes.copy(x, src[i], data, i);
        }
        return List.of(Tensor.of(out, data));
    }
}
