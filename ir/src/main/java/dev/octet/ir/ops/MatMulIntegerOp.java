package dev.octet.ir.ops;

import dev.octet.ir.ElementType;
import dev.octet.ir.OpException;
import dev.octet.ir.Tensor;
import dev.octet.ir.TensorType;
import java.util.List;

/**
 * {@code MatMulInteger(a, b, a_zero_point?, b_zero_point?)}: 8-bit operands, products of
 * {@code (a - a_zp) * (b - b_zp)} accumulated in int32 (wrapping on overflow, as a 32-bit accumulator does).
 * The left zero point is a scalar or one per row; the right one a scalar or one per column.
 */
final class MatMulIntegerOp extends AbstractOp {
    MatMulIntegerOp() {
        super(Signature.of("MatMulInteger").inputs(2, 4).build());
    }

    @Override
    public List<TensorType> inferTypes(OpContext ctx) {
        TypeRules.requireElement(ctx.type(0), "operand 0", ElementType.I8, ElementType.U8);
        TypeRules.requireElement(ctx.type(1), "operand 1", ElementType.I8, ElementType.U8);
        MatMulShape s = new MatMulShape(ctx.type(0).shape(), ctx.type(1).shape());
        checkZeroPoint(ctx, 2, ctx.type(0), s.m.isFixed() ? s.m.size() : -1);
        checkZeroPoint(ctx, 3, ctx.type(1), s.n.isFixed() ? s.n.size() : -1);
        return List.of(TensorType.of(ElementType.I32, s.result));
    }

    private static void checkZeroPoint(OpContext ctx, int i, TensorType operand, long perChannelSize) {
        if (!ctx.hasInput(i)) {
            return;
        }
        TensorType zp = ctx.type(i);
        if (zp.elementType() != operand.elementType()) {
            throw new OpException("zero point " + i + " must have the element type of its operand ("
                    + operand.elementType() + "), got " + zp.elementType());
        }
        boolean scalar = zp.shape().isStatic() && zp.shape().elementCount() == 1;
        boolean perChannel = zp.rank() == 1 && zp.shape().dim(0).isFixed() && zp.shape().size(0) == perChannelSize;
        if (!scalar && !perChannel) {
            throw new OpException("zero point " + i + " must be a scalar or have " + perChannelSize
                    + " elements, got " + zp);
        }
    }

    @Override
    public List<Tensor> evaluate(OpContext ctx, List<TensorType> outputTypes) {
        return List.of(Tensor.of(outputTypes.get(0), accumulate(ctx.value(0), ctx.value(1), ctx.value(2), ctx.value(3))));
    }

    /** The int32 products {@code (a - a_zp) x (b - b_zp)}, shared with QLinearMatMul. */
    static int[] accumulate(Tensor a, Tensor b, Tensor aZeroPoint, Tensor bZeroPoint) {
        MatMulShape s = new MatMulShape(a.shape(), b.shape());
        int m = (int) s.m.size();
        int k = (int) s.k.size();
        int n = (int) s.n.size();
        int[] aZp = zeroPoints(aZeroPoint, m);
        int[] bZp = zeroPoints(bZeroPoint, n);
        int[] aOff = s.aOffsets();
        int[] bOff = s.bOffsets();
        long[] av = a.toLongs();
        long[] bv = b.toLongs();
        int[] out = new int[s.batchCount() * m * n];
        for (int batch = 0; batch < aOff.length; batch++) {
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < n; j++) {
                    int acc = 0;
                    for (int p = 0; p < k; p++) {
                        int x = (int) av[aOff[batch] + i * k + p] - aZp[i];
                        int w = (int) bv[bOff[batch] + p * n + j] - bZp[j];
                        acc += x * w;
                    }
                    out[(batch * m + i) * n + j] = acc;
                }
            }
        }
        return out;
    }

    /** Expands a scalar or per-channel zero point to one entry per row (or column). */
    static int[] zeroPoints(Tensor zp, int count) {
        int[] out = new int[count];
        if (zp != null) {
            for (int i = 0; i < count; i++) {
                out[i] = (int) zp.getLong(zp.size() == 1 ? 0 : i);
            }
        }
        return out;
    }
}
