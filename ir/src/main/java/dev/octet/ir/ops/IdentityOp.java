package dev.octet.ir.ops;

import dev.octet.ir.Tensor;
import dev.octet.ir.TensorType;
import java.util.List;

/** {@code Identity(x)}: x unchanged, type included. */
final class IdentityOp extends AbstractOp {
    IdentityOp() {
        super(Signature.of("Identity").inputs(1).build());
    }

    @Override
    public List<TensorType> inferTypes(OpContext ctx) {
        return List.of(ctx.type(0));
    }

    @Override
    public List<Tensor> evaluate(OpContext ctx, List<TensorType> outputTypes) {
        return List.of(ctx.value(0));
    }
}
