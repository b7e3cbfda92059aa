package dev.octet.ir.ops;

import dev.octet.ir.ElementType;
import dev.octet.ir.OpException;
import dev.octet.ir.Tensor;
import dev.octet.ir.TensorType;
import java.util.List;

/**
 * {@code QLinearMatMul(a, a_scale, a_zp, b, b_scale, b_zp, y_scale, y_zp)}: MatMulInteger's int32 products,
 * requantized to y's scale and zero point (b's scale and zero point may be per column).
 */
final class QLinearMatMulOp extends AbstractOp {
    QLinearMatMulOp() {
        super(Signature.of("QLinearMatMul").inputs(8).build());
    }

    @Override
    public List<TensorType> inferTypes(OpContext ctx) {
        TypeRules.requireElement(ctx.type(0), "a", ElementType.I8, ElementType.U8);
        TypeRules.requireElement(ctx.type(3), "b", ElementType.I8, ElementType.U8);
        TypeRules.requireSameElement(ctx.type(0), ctx.type(2), "a and a_zero_point");
        TypeRules.requireSameElement(ctx.type(3), ctx.type(5), "b and b_zero_point");
        TypeRules.requireElement(ctx.type(7), "y_zero_point", ElementType.I8, ElementType.U8);
        for (int i : new int[] {1, 4, 6}) {
            TypeRules.requireElement(ctx.type(i), "scale " + i, ElementType.F32);
        }
        if (ctx.type(1).shape().isStatic() && ctx.type(1).shape().elementCount() != 1) {
            throw new OpException("a_scale must be a scalar (per-tensor), got " + ctx.type(1));
        }
        MatMulShape s = new MatMulShape(ctx.type(0).shape(), ctx.type(3).shape());
        return List.of(TensorType.of(ctx.type(7).elementType(), s.result));
    }

    @Override
    public List<Tensor> evaluate(OpContext ctx, List<TensorType> outputTypes) {
        int[] acc = MatMulIntegerOp.accumulate(ctx.value(0), ctx.value(3), ctx.value(2), ctx.value(5));
        TensorType out = outputTypes.get(0);
        int n = (int) out.shape().size(out.rank() - 1);
        return List.of(Requantize.tensor(out, acc, ctx.value(1).floats()[0], ctx.value(4),
                ctx.value(6).floats()[0], ctx.value(7).getLong(0), i -> i % n));
    }
}
