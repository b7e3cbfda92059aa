package dev.octet.ir.ops;

import dev.octet.ir.Dim;
import dev.octet.ir.OpException;
import dev.octet.ir.Shape;
import dev.octet.ir.Tensor;
import dev.octet.ir.TensorType;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code Squeeze(data, axes?)} and {@code Unsqueeze(data, axes)} in their opset-13 form (axes as a constant
 * operand; the ONNX reader turns older attribute forms into it). Both only relabel dimensions.
 */
final class SqueezeOp extends AbstractOp {
    private final boolean squeeze;

    SqueezeOp(boolean squeeze) {
        super(Signature.of(squeeze ? "Squeeze" : "Unsqueeze").inputs(squeeze ? 1 : 2, 2).build());
        this.squeeze = squeeze;
    }

    @Override
    public List<TensorType> inferTypes(OpContext ctx) {
        TensorType x = ctx.type(0);
        long[] axes = Axes.ints(ctx, 1, "axes");
        List<Dim> dims = new ArrayList<>(x.shape().dims());
        if (squeeze) {
            if (axes == null) {
                dims.removeIf(d -> d.isFixed() && d.size() == 1);
            } else {
                int[] a = Axes.normalize(axes, x.rank());
                java.util.Arrays.sort(a);
                for (int i = a.length - 1; i >= 0; i--) {
                    Dim d = dims.get(a[i]);
                    if (!d.isFixed() || d.size() != 1) {
                        throw new OpException("cannot squeeze axis " + a[i] + " of " + x + ": its size is not 1");
                    }
                    dims.remove(a[i]);
                }
            }
        } else {
            int[] a = Axes.normalize(axes, x.rank() + axes.length);
            java.util.Arrays.sort(a);
            for (int axis : a) {
                dims.add(axis, Dim.of(1));
            }
        }
        return List.of(new TensorType(x.elementType(), new Shape(dims), ReshapeOp.keepPerTensor(x)));
    }

    @Override
    public List<Tensor> evaluate(OpContext ctx, List<TensorType> outputTypes) {
        return List.of(ctx.value(0).withType(outputTypes.get(0)));
    }
}
