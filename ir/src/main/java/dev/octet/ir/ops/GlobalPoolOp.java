package dev.octet.ir.ops;

import dev.octet.ir.Dim;
import dev.octet.ir.OpException;
import dev.octet.ir.Shape;
import dev.octet.ir.Tensor;
import dev.octet.ir.TensorType;
import java.util.ArrayList;
import java.util.List;

/** GlobalAveragePool and GlobalMaxPool: one value per [N, C] plane, spatial dimensions kept as 1. */
final class GlobalPoolOp extends AbstractOp {
    private final boolean max;

    GlobalPoolOp(boolean max) {
        super(Signature.of(max ? "GlobalMaxPool" : "GlobalAveragePool").inputs(1).build());
        this.max = max;
    }

    @Override
    public List<TensorType> inferTypes(OpContext ctx) {
        TensorType x = ctx.type(0);
        TypeRules.requireFloat(x, "X");
        if (x.rank() < 3) {
            throw new OpException("X must be [N, C, spatial...], got " + x);
        }
        List<Dim> dims = new ArrayList<>(x.shape().dims().subList(0, 2));
        for (int i = 2; i < x.rank(); i++) {
            dims.add(Dim.of(1));
        }
        return List.of(TensorType.of(x.elementType(), new Shape(dims)));
    }

    @Override
    public List<Tensor> evaluate(OpContext ctx, List<TensorType> outputTypes) {
        Tensor x = ctx.value(0);
        int planes = (int) (x.shape().size(0) * x.shape().size(1));
        int plane = planes == 0 ? 0 : x.size() / planes;
        double[] y = new double[planes];
        for (int p = 0; p < planes; p++) {
            double acc = max ? Double.NEGATIVE_INFINITY : 0;
            for (int i = 0; i < plane; i++) {
                double v = x.getDouble(p * plane + i);
                acc = max ? Math.max(acc, v) : acc + v;
            }
            y[p] = max ? acc : acc / plane;
        }
        return List.of(Tensor.fromDoubles(outputTypes.get(0), y));
    }
}
