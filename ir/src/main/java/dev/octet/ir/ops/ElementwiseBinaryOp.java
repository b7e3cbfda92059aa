package dev.octet.ir.ops;

import dev.octet.ir.OpException;
import dev.octet.ir.Shape;
import dev.octet.ir.Tensor;
import dev.octet.ir.TensorType;
import java.util.List;
import java.util.function.DoubleBinaryOperator;
import java.util.function.LongBinaryOperator;

/**
 * Add, Sub, Mul, Div and friends: one template with the float and integer arithmetic as parameters.
 * Float math is done in double and rounded once to the element type, which for +, -, *, / on float32
 * operands gives exactly the float32 result. Integer results wrap around like the fixed-width types.
 */
final class ElementwiseBinaryOp extends AbstractOp {
    private final DoubleBinaryOperator floatOp;
    private final LongBinaryOperator intOp;

    private final boolean mixedTypes;

    ElementwiseBinaryOp(String name, DoubleBinaryOperator floatOp, LongBinaryOperator intOp) {
        this(name, floatOp, intOp, false);
    }

    /** With {@code mixedTypes} (Pow), the second operand may have another element type; the result has the first's. */
    ElementwiseBinaryOp(String name, DoubleBinaryOperator floatOp, LongBinaryOperator intOp, boolean mixedTypes) {
        super(Signature.of(name).inputs(2).build());
        this.floatOp = floatOp;
        this.intOp = intOp;
        this.mixedTypes = mixedTypes;
    }

    @Override
    public List<TensorType> inferTypes(OpContext ctx) {
        TensorType a = ctx.type(0);
        TensorType b = ctx.type(1);
        if (!mixedTypes) {
            TypeRules.requireSameElement(a, b, "operands");
        }
        if (a.isQuantized() || b.isQuantized()) {
            throw new OpException(name() + " takes plain tensors; dequantize quantized operands first");
        }
        return List.of(TensorType.of(a.elementType(), Broadcast.shape(a.shape(), b.shape())));
    }

    @Override
    public List<Tensor> evaluate(OpContext ctx, List<TensorType> outputTypes) {
        Tensor a = ctx.value(0);
        Tensor b = ctx.value(1);
        TensorType outType = outputTypes.get(0);
        Shape out = outType.shape();
        int[] ia = Broadcast.sourceIndex(out, a.shape());
        int[] ib = Broadcast.sourceIndex(out, b.shape());
        int n = ia.length;
        if (outType.elementType().isFloat() || mixedTypes) {
            double[] r = new double[n];
            for (int i = 0; i < n; i++) {
                r[i] = floatOp.applyAsDouble(a.getDouble(ia[i]), b.getDouble(ib[i]));
            }
            if (!outType.elementType().isFloat()) {
                // Pow with an integer base: the float result truncated toward zero, as ONNX Runtime does.
                long[] l = new long[n];
                for (int i = 0; i < n; i++) {
                    l[i] = (long) r[i];
                }
                return List.of(Tensor.fromLongsWrapping(outType, l));
            }
            return List.of(Tensor.fromDoubles(outType, r));
        }
        long[] r = new long[n];
        for (int i = 0; i < n; i++) {
            r[i] = intOp.applyAsLong(a.getLong(ia[i]), b.getLong(ib[i]));
        }
        return List.of(Tensor.fromLongsWrapping(outType, r));
    }

    /** Integer division truncating toward zero (C and ONNX Runtime semantics). */
    static long divide(long x, long y) {
        if (y == 0) {
            throw new OpException("integer division by zero");
        }
        return x / y;
    }
}
