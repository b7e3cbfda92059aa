package dev.octet.ir.ops;

import dev.octet.ir.OpException;
import dev.octet.ir.Tensor;
import dev.octet.ir.TensorType;
import java.util.List;

/** {@code Clip(x, min?, max?)} (opset 11+): bounds are scalar operands; an absent one does not bound. */
final class ClipOp extends AbstractOp {
    ClipOp() {
        super(Signature.of("Clip").inputs(1, 3).build());
    }

    @Override
    public List<TensorType> inferTypes(OpContext ctx) {
        TensorType x = ctx.type(0);
        for (int i = 1; i <= 2; i++) {
            if (ctx.hasInput(i)) {
                TypeRules.requireSameElement(x, ctx.type(i), "x and its bound");
                if (ctx.type(i).shape().isStatic() && ctx.type(i).shape().elementCount() != 1) {
                    throw new OpException("bound " + i + " must be a scalar, got " + ctx.type(i));
                }
            }
        }
        return List.of(x.withoutQuantization());
    }

    @Override
    public List<Tensor> evaluate(OpContext ctx, List<TensorType> outputTypes) {
        Tensor x = ctx.value(0);
        TensorType out = outputTypes.get(0);
        if (out.elementType().isFloat()) {
            double lo = ctx.hasInput(1) ? ctx.value(1).getDouble(0) : Double.NEGATIVE_INFINITY;
            double hi = ctx.hasInput(2) ? ctx.value(2).getDouble(0) : Double.POSITIVE_INFINITY;
            double[] r = new double[x.size()];
            for (int i = 0; i < r.length; i++) {
                double v = x.getDouble(i);
                r[i] = Double.isNaN(v) ? v : Math.min(hi, Math.max(lo, v));
            }
            return List.of(Tensor.fromDoubles(out, r));
        }
        long lo = ctx.hasInput(1) ? ctx.value(1).getLong(0) : Long.MIN_VALUE;
        long hi = ctx.hasInput(2) ? ctx.value(2).getLong(0) : Long.MAX_VALUE;
        long[] r = new long[x.size()];
        for (int i = 0; i < r.length; i++) {
            r[i] = Math.min(hi, Math.max(lo, x.getLong(i)));
        }
        return List.of(Tensor.fromLongsWrapping(out, r));
    }
}
