package dev.octet.ir.ops;

import dev.octet.ir.Attribute;
import dev.octet.ir.Shape;
import dev.octet.ir.Tensor;
import dev.octet.ir.TensorType;
import java.util.List;

/**
 * {@code LayerNormalization(X, Scale, B?) {axis = -1, epsilon = 1e-5} -> (Y, Mean?, InvStdDev?)}: normalizes over
 * the dimensions from axis on, then scales and shifts (Scale and B broadcast to those dimensions). Mean and
 * InvStdDev have X's shape with the normalized dimensions set to 1.
 */
final class LayerNormalizationOp extends AbstractOp {
    LayerNormalizationOp() {
        super(Signature.of("LayerNormalization").inputs(2, 3).outputs(1, 3).attr("axis", Attribute.Kind.INT)
                .attr("epsilon", Attribute.Kind.FLOAT).attr("stash_type", Attribute.Kind.INT).build());
    }

    @Override
    public List<TensorType> inferTypes(OpContext ctx) {
        TensorType x = ctx.type(0);
        TypeRules.requireFloat(x, "X");
        int axis = x.shape().normalizeAxis(ctx.attrs().getInt("axis", -1));
        Shape normalized = new Shape(x.shape().dims().subList(axis, x.rank()));
        for (int i = 1; i < 3; i++) {
            if (ctx.hasInput(i) && !Broadcast.shape(normalized, ctx.type(i).shape()).equals(normalized)) {
                throw new dev.octet.ir.OpException("operand " + i + " " + ctx.type(i) + " does not broadcast to "
                        + normalized);
            }
        }
        List<dev.octet.ir.Dim> statDims = new java.util.ArrayList<>(x.shape().dims());
        for (int d = axis; d < x.rank(); d++) {
            statDims.set(d, dev.octet.ir.Dim.of(1));
        }
        TensorType stat = TensorType.of(x.elementType(), new Shape(statDims));
        return List.of(x, stat, stat).subList(0, ctx.outputCount());
    }

    @Override
    public List<Tensor> evaluate(OpContext ctx, List<TensorType> outputTypes) {
        Tensor x = ctx.value(0);
        int axis = x.shape().normalizeAxis(ctx.attrs().getInt("axis", -1));
        Shape normalized = new Shape(x.shape().dims().subList(axis, x.shape().rank()));
        int n = (int) normalized.elementCount();
        int[] si = Broadcast.sourceIndex(normalized, ctx.value(1).shape());
        int[] bi = ctx.hasInput(2) ? Broadcast.sourceIndex(normalized, ctx.value(2).shape()) : null;
        double eps = ctx.attrs().getFloat("epsilon", 1e-5f);
        double[] y = new double[x.size()];
        double[] means = new double[n == 0 ? 0 : y.length / n];
        double[] invStd = new double[means.length];
        for (int start = 0; n > 0 && start < y.length; start += n) {
            double mean = 0;
            for (int i = 0; i < n; i++) {
                mean += x.getDouble(start + i);
            }
            mean /= n;
            double var = 0;
            for (int i = 0; i < n; i++) {
                double d = x.getDouble(start + i) - mean;
                var += d * d;
            }
            double inv = 1 / Math.sqrt(var / n + eps);
            means[start / n] = mean;
            invStd[start / n] = inv;
            for (int i = 0; i < n; i++) {
                double v = (x.getDouble(start + i) - mean) * inv * ctx.value(1).getDouble(si[i]);
                y[start + i] = bi == null ? v : v + ctx.value(2).getDouble(bi[i]);
            }
        }
        List<Tensor> out = new java.util.ArrayList<>(List.of(Tensor.fromDoubles(outputTypes.get(0), y)));
        if (outputTypes.size() > 1) {
            out.add(Tensor.fromDoubles(outputTypes.get(1), means));
        }
        if (outputTypes.size() > 2) {
            out.add(Tensor.fromDoubles(outputTypes.get(2), invStd));
        }
        return out;
    }
}
