package dev.octet.ir.ops;

import dev.octet.ir.Attribute;
import dev.octet.ir.Tensor;
import dev.octet.ir.TensorType;
import java.util.List;

/** {@code Constant {value = <tensor>}}: a compile-time tensor. Every constant in a graph is one of these. */
final class ConstantOp extends AbstractOp {
    ConstantOp() {
        super(Signature.of("Constant").inputs(0)
            .requiredAttr("value", Attribute.Kind.TENSOR).build());
    }

    @Override
    public List<TensorType> inferTypes(OpContext ctx) {
        return List.of(ctx.attrs().getTensor("value").type());
    }

    @Override
    public List<Tensor> evaluate(OpContext ctx, List<TensorType> outputTypes) {
        return List.of(ctx.attrs().getTensor("value"));
    }

    @Override
    public boolean isFoldable() {
        return false;
    }
}
