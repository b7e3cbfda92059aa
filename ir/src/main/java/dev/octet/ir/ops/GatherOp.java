package dev.octet.ir.ops;

import dev.octet.ir.Attribute;
import dev.octet.ir.Dim;
import dev.octet.ir.ElementType;
import dev.octet.ir.OpException;
import dev.octet.ir.Shape;
import dev.octet.ir.Tensor;
import dev.octet.ir.TensorType;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code Gather(data, indices) {axis = 0}}: takes slices of data along axis; negative indices count from the
 * end, out-of-range ones are an error (never a silent wrong read).
 */
final class GatherOp extends AbstractOp {
    GatherOp() {
        super(Signature.of("Gather").inputs(2).attr("axis", Attribute.Kind.INT).build());
    }

    @Override
    public List<TensorType> inferTypes(OpContext ctx) {
        TensorType data = ctx.type(0);
        TensorType indices = ctx.type(1);
        TypeRules.requireElement(indices, "indices", ElementType.I64, ElementType.I32);
        int axis = data.shape().normalizeAxis(ctx.attrs().getInt("axis", 0));
        List<Dim> dims = new ArrayList<>(data.shape().dims().subList(0, axis));
        dims.addAll(indices.shape().dims());
        dims.addAll(data.shape().dims().subList(axis + 1, data.rank()));
        return List.of(new TensorType(data.elementType(), new Shape(dims),
                axis == 0 && !(data.quantization() instanceof dev.octet.ir.Quantization.PerAxis)
                        ? data.quantization() : ReshapeOp.keepPerTensor(data)));
    }

    @Override
    public List<Tensor> evaluate(OpContext ctx, List<TensorType> outputTypes) {
        Tensor data = ctx.value(0);
        Tensor indices = ctx.value(1);
        int axis = data.shape().normalizeAxis(ctx.attrs().getInt("axis", 0));
        long[] sizes = data.shape().sizes();
        long outer = 1;
        for (int d = 0; d < axis; d++) {
            outer *= sizes[d];
        }
        long inner = 1;
        for (int d = axis + 1; d < sizes.length; d++) {
            inner *= sizes[d];
        }
        TensorType outType = outputTypes.get(0);
        Object out = Tensor.allocate(outType.elementType(), Tensor.checkedCount(outType));
        int n = indices.size();
        int e = 0;
        for (long o = 0; o < outer; o++) {
            for (int i = 0; i < n; i++) {
                long index = indices.getLong(i);
                long k = index < 0 ? index + sizes[axis] : index;
                if (k < 0 || k >= sizes[axis]) {
                    throw new OpException("index " + index + " is out of range for axis " + axis + " of size " + sizes[axis]);
                }
                for (long j = 0; j < inner; j++) {
                    Axes.copy(data, (int) ((o * sizes[axis] + k) * inner + j), out, e++);
                }
            }
        }
        return List.of(Tensor.of(outType, out));
    }
}
