package dev.octet.ir.ops;

import dev.octet.ir.Attribute;
import dev.octet.ir.Dim;
import dev.octet.ir.OpException;
import dev.octet.ir.Shape;
import dev.octet.ir.Tensor;
import dev.octet.ir.TensorType;
import java.util.ArrayList;
import java.util.List;

/** {@code Concat(x...) {axis}}: joins tensors along one axis; the others must agree. */
final class ConcatOp extends AbstractOp {
    ConcatOp() {
        super(Signature.of("Concat").inputs(1, Integer.MAX_VALUE).requiredAttr("axis", Attribute.Kind.INT).build());
    }

    @Override
    public List<TensorType> inferTypes(OpContext ctx) {
        TensorType first = ctx.type(0);
        int axis = first.shape().normalizeAxis(ctx.attrs().getInt("axis", 0));
        List<Dim> dims = new ArrayList<>(first.shape().dims());
        long fixed = 0;
        Dim symbolic = null;
        int symbolicCount = 0;
        for (int i = 0; i < ctx.inputCount(); i++) {
            TensorType t = ctx.type(i);
            TypeRules.requireSameElement(first, t, "operands");
            if (t.rank() != first.rank()) {
                throw new OpException("operand " + i + " " + t + " has another rank than " + first);
            }
            for (int d = 0; d < t.rank(); d++) {
                if (d != axis && !t.shape().dim(d).equals(first.shape().dim(d))) {
                    throw new OpException("operand " + i + " " + t + " differs from " + first + " off the axis");
                }
            }
            Dim a = t.shape().dim(axis);
            if (a.isFixed()) {
                fixed += a.size();
            } else {
                symbolic = a;
                symbolicCount++;
            }
        }
        if (symbolicCount > 1 || (symbolicCount == 1 && fixed > 0)) {
            throw new OpException("cannot concatenate symbolic dimension " + symbolic + " with others");
        }
        dims.set(axis, symbolic != null ? symbolic : Dim.of(fixed));
        return List.of(TensorType.of(first.elementType(), new Shape(dims)));
    }

    @Override
    public List<Tensor> evaluate(OpContext ctx, List<TensorType> outputTypes) {
        TensorType outType = outputTypes.get(0);
        int axis = outType.shape().normalizeAxis(ctx.attrs().getInt("axis", 0));
        long[] outSizes = outType.shape().sizes();
        long outer = 1;
        for (int d = 0; d < axis; d++) {
            outer *= outSizes[d];
        }
        long inner = 1;
        for (int d = axis + 1; d < outSizes.length; d++) {
            inner *= outSizes[d];
        }
        Object out = Tensor.allocate(outType.elementType(), Tensor.checkedCount(outType));
        long offset = 0;
        for (int i = 0; i < ctx.inputCount(); i++) {
            Tensor t = ctx.value(i);
            long block = t.shape().size(axis) * inner;
            for (long o = 0; o < outer; o++) {
                for (long e = 0; e < block; e++) {
                    Axes.copy(t, (int) (o * block + e), out, (int) (o * outSizes[axis] * inner + offset + e));
                }
            }
            offset += block;
        }
        return List.of(Tensor.of(outType, out));
    }
}
