package dev.octet.ir.ops;

import dev.octet.ir.Attribute;
import dev.octet.ir.ElementType;
import dev.octet.ir.OpException;
import dev.octet.ir.Tensor;
import dev.octet.ir.TensorType;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code Dropout(data, ratio?, training_mode?)} at inference: the data unchanged and, if asked for, an all-true
 * mask. A graph that turns training mode on is rejected: Octet compiles models for inference.
 */
final class DropoutOp extends AbstractOp {
    DropoutOp() {
        super(Signature.of("Dropout").inputs(1, 3).outputs(1, 2)
            .attr("seed", Attribute.Kind.INT).build());
    }

    @Override
    public List<TensorType> inferTypes(OpContext ctx) {
        if (ctx.hasInput(2)) {
            Tensor training = ctx.value(2);
            if (training == null) {
                throw new OpException("training_mode given at run time is not supported: Octet compiles for inference");
            }
            if (training.size() != 1 || training.getLong(0) != 0) {
                throw new OpException("training_mode must be false: Octet compiles for inference");
            }
        }
        List<TensorType> out = new ArrayList<>();
        out.add(ctx.type(0));
        if (ctx.outputCount() == 2) {
            out.add(TensorType.of(ElementType.BOOL, ctx.type(0).shape()));
        }
        return out;
    }

    @Override
    public List<Tensor> evaluate(OpContext ctx, List<TensorType> outputTypes) {
        List<Tensor> out = new ArrayList<>();
        out.add(ctx.value(0));
        if (outputTypes.size() == 2) {
            out.add(Tensor.splat(outputTypes.get(1), 1).withLiteral(null));
        }
        return out;
    }
}
