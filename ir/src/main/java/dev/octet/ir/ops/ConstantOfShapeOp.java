package dev.octet.ir.ops;

import dev.octet.ir.Attribute;
import dev.octet.ir.ElementType;
import dev.octet.ir.OpException;
import dev.octet.ir.Shape;
import dev.octet.ir.Tensor;
import dev.octet.ir.TensorType;
import java.util.List;

/** {@code ConstantOfShape(shape) {value}}: a tensor of the given (constant) shape filled with value (f32 0). */
final class ConstantOfShapeOp extends AbstractOp {
    ConstantOfShapeOp() {
        super(Signature.of("ConstantOfShape").inputs(1).attr("value", Attribute.Kind.TENSOR).build());
    }

    @Override
    public List<TensorType> inferTypes(OpContext ctx) {
        long[] dims = Axes.ints(ctx, 0, "shape");
        for (long d : dims) {
            if (d < 0) {
                throw new OpException("negative dimension " + d + " in shape");
            }
        }
        Tensor value = ctx.attrs().getTensor("value");
        if (value != null && value.size() != 1) {
            throw new OpException("value must hold one element, got " + value.type());
        }
        return List.of(TensorType.of(value == null ? ElementType.F32 : value.elementType(), Shape.of(dims)));
    }

    @Override
    public List<Tensor> evaluate(OpContext ctx, List<TensorType> outputTypes) {
        Tensor value = ctx.attrs().getTensor("value");
        double v = value == null ? 0 : value.getDouble(0);
        if (value != null && value.elementType() == ElementType.I64) {
            long[] data = new long[Tensor.checkedCount(outputTypes.get(0))];
            java.util.Arrays.fill(data, value.getLong(0));
            return List.of(Tensor.of(outputTypes.get(0), data));
        }
        return List.of(Tensor.splat(outputTypes.get(0), v).withLiteral(null));
    }
}
