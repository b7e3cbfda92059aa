package dev.octet.ir.ops;

import dev.octet.ir.Shape;
import dev.octet.ir.Tensor;
import dev.octet.ir.TensorType;
import java.util.List;

/** Max, Min, Sum and Mean over one or more operands, broadcast together; computed in double. */
final class VariadicOp extends AbstractOp {
    enum Kind { MAX, MIN, SUM, MEAN }

    private final Kind kind;

    VariadicOp(String name, Kind kind) {
        super(Signature.of(name).inputs(1, Integer.MAX_VALUE).build());
        this.kind = kind;
    }

    @Override
    public List<TensorType> inferTypes(OpContext ctx) {
        TensorType first = ctx.type(0);
        Shape shape = first.shape();
        for (int i = 1; i < ctx.inputCount(); i++) {
            TypeRules.requireSameElement(first, ctx.type(i), "operands");
            shape = Broadcast.shape(shape, ctx.type(i).shape());
        }
        if (kind == Kind.MEAN || kind == Kind.SUM) {
            TypeRules.requireFloat(first, "operand 0");
        }
        return List.of(TensorType.of(first.elementType(), shape));
    }

    @Override
    public List<Tensor> evaluate(OpContext ctx, List<TensorType> outputTypes) {
        TensorType out = outputTypes.get(0);
        int n = Tensor.checkedCount(out);
        double[] acc = new double[n];
        for (int k = 0; k < ctx.inputCount(); k++) {
            Tensor t = ctx.value(k);
            int[] src = Broadcast.sourceIndex(out.shape(), t.shape());
            for (int i = 0; i < n; i++) {
                double v = t.getDouble(src[i]);
                acc[i] = k == 0 ? v : switch (kind) {
                    case MAX -> Double.isNaN(v) ? v : Math.max(acc[i], v);
                    case MIN -> Double.isNaN(v) ? v : Math.min(acc[i], v);
                    case SUM, MEAN -> acc[i] + v;
                };
            }
        }
        if (kind == Kind.MEAN) {
            for (int i = 0; i < n; i++) {
                acc[i] /= ctx.inputCount();
            }
        }
        if (out.elementType().isFloat()) {
            return List.of(Tensor.fromDoubles(out, acc));
        }
        long[] l = new long[n];
        for (int i = 0; i < n; i++) {
            l[i] = (long) acc[i];
        }
        return List.of(Tensor.fromLongsWrapping(out, l));
    }
}
