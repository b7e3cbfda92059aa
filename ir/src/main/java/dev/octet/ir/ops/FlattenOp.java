package dev.octet.ir.ops;

import dev.octet.ir.Attribute;
import dev.octet.ir.Dim;
import dev.octet.ir.OpException;
import dev.octet.ir.Shape;
import dev.octet.ir.Tensor;
import dev.octet.ir.TensorType;
import java.util.List;

/** {@code Flatten(x) {axis = 1}}: a 2-D view, dimensions before axis times dimensions from axis on. */
final class FlattenOp extends AbstractOp {
    FlattenOp() {
        super(Signature.of("Flatten").inputs(1)
            .attr("axis", Attribute.Kind.INT).build());
    }

    @Override
    public List<TensorType> inferTypes(OpContext ctx) {
        TensorType in = ctx.type(0);
        long axis = ctx.attrs().getInt("axis", 1);
        int r = in.rank();
        int a = (int) (axis < 0 ? axis + r : axis);
        if (a < 0 || a > r) {
            throw new OpException("axis " + axis + " is out of range for rank " + r);
        }
        Shape out = new Shape(List.of(product(in.shape().dims().subList(0, a), in),
                product(in.shape().dims().subList(a, r), in)));
        return List.of(new TensorType(in.elementType(), out, ReshapeOp.keepPerTensor(in)));
    }

    /** The product of dimensions; a single symbol may stand alone but cannot be multiplied out. */
    private static Dim product(List<Dim> dims, TensorType in) {
        long p = 1;
        Dim symbol = null;
        for (Dim d : dims) {
            if (d.isFixed()) {
                p = Math.multiplyExact(p, d.size());
            } else if (symbol == null) {
                symbol = d;
            } else {
                throw new OpException("cannot flatten " + in + ": two symbolic dimensions would multiply");
            }
        }
        if (symbol == null) {
            return Dim.of(p);
        }
        if (p != 1) {
            throw new OpException("cannot flatten " + in + ": symbolic dimension " + symbol + " times " + p);
        }
        return symbol;
    }

    @Override
    public List<Tensor> evaluate(OpContext ctx, List<TensorType> outputTypes) {
        return List.of(ctx.value(0).withType(outputTypes.get(0)));
    }
}
