package dev.octet.ir.ops;

import dev.octet.ir.Attribute;
import dev.octet.ir.Shape;
import dev.octet.ir.Tensor;
import dev.octet.ir.TensorType;
import java.util.List;

/**
 * {@code Softmax(x) {axis = -1}} and {@code LogSoftmax} (opset 13 semantics: along one axis), computed stably in
 * double.
 */
final class SoftmaxOp extends AbstractOp {
    private final boolean log;

    SoftmaxOp(boolean log) {
        super(Signature.of(log ? "LogSoftmax" : "Softmax").inputs(1).attr("axis", Attribute.Kind.INT).build());
        this.log = log;
    }

    @Override
    public List<TensorType> inferTypes(OpContext ctx) {
        TypeRules.requireFloat(ctx.type(0), "the operand");
        ctx.type(0).shape().normalizeAxis(ctx.attrs().getInt("axis", -1));
        return List.of(ctx.type(0));
    }

    @Override
    public List<Tensor> evaluate(OpContext ctx, List<TensorType> outputTypes) {
        Tensor x = ctx.value(0);
        Shape s = x.shape();
        int axis = s.normalizeAxis(ctx.attrs().getInt("axis", -1));
        int len = (int) s.size(axis);
        int inner = 1;
        for (int i = axis + 1; i < s.rank(); i++) {
            inner *= (int) s.size(i);
        }
        int outer = len == 0 || inner == 0 ? 0 : x.size() / (len * inner);
        double[] out = new double[x.size()];
        for (int o = 0; o < outer; o++) {
            for (int in = 0; in < inner; in++) {
                int base = o * len * inner + in;
                double max = Double.NEGATIVE_INFINITY;
                for (int i = 0; i < len; i++) {
                    max = Math.max(max, x.getDouble(base + i * inner));
                }
                double sum = 0;
                for (int i = 0; i < len; i++) {
                    double e = Math.exp(x.getDouble(base + i * inner) - max);
                    out[base + i * inner] = e;
                    sum += e;
                }
                for (int i = 0; i < len; i++) {
                    int at = base + i * inner;
                    out[at] = log ? x.getDouble(at) - max - Math.log(sum) : out[at] / sum;
                }
            }
        }
        return List.of(Tensor.fromDoubles(outputTypes.get(0), out));
    }
}
