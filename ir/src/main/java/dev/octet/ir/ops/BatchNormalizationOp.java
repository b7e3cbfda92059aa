package dev.octet.ir.ops;

import dev.octet.ir.Attribute;
import dev.octet.ir.OpException;
import dev.octet.ir.Tensor;
import dev.octet.ir.TensorType;
import java.util.List;

/**
 * {@code BatchNormalization(X, scale, B, mean, var) {epsilon = 1e-5}} at inference:
 * {@code (x - mean) / sqrt(var + epsilon) * scale + B} per channel (axis 1).
 */
final class BatchNormalizationOp extends AbstractOp {
    BatchNormalizationOp() {
        super(Signature.of("BatchNormalization").inputs(5).attr("epsilon", Attribute.Kind.FLOAT)
                .attr("momentum", Attribute.Kind.FLOAT).attr("training_mode", Attribute.Kind.INT).build());
    }

    @Override
    public List<TensorType> inferTypes(OpContext ctx) {
        if (ctx.attrs().getInt("training_mode", 0) != 0) {
            throw new OpException("training_mode must be 0: Octet compiles for inference");
        }
        TensorType x = ctx.type(0);
        TypeRules.requireFloat(x, "X");
        if (x.rank() < 2) {
            throw new OpException("X must have rank >= 2, got " + x);
        }
        for (int i = 1; i < 5; i++) {
            TypeRules.requireRank(ctx.type(i), "operand " + i, 1);
            if (x.shape().dim(1).isFixed() && !ctx.type(i).shape().dim(0).equals(x.shape().dim(1))) {
                throw new OpException("operand " + i + " " + ctx.type(i) + " must have one entry per channel of " + x);
            }
        }
        return List.of(x);
    }

    @Override
    public List<Tensor> evaluate(OpContext ctx, List<TensorType> outputTypes) {
        Tensor x = ctx.value(0);
        double eps = ctx.attrs().getFloat("epsilon", 1e-5f);
        int channels = (int) x.shape().size(1);
        int inner = channels == 0 ? 0 : (int) (x.size() / x.shape().size(0) / channels);
        double[] mul = new double[channels];
        double[] add = new double[channels];
        for (int c = 0; c < channels; c++) {
            // The variance plus epsilon is formed in float32, as runtimes do.
            double std = Math.sqrt((float) (ctx.value(4).getDouble(c) + (float) eps));
            mul[c] = ctx.value(1).getDouble(c) / std;
            add[c] = ctx.value(2).getDouble(c) - ctx.value(3).getDouble(c) * mul[c];
        }
        double[] y = new double[x.size()];
        for (int i = 0; i < y.length; i++) {
            int c = (i / inner) % channels;
            y[i] = x.getDouble(i) * mul[c] + add[c];
        }
        return List.of(Tensor.fromDoubles(outputTypes.get(0), y));
    }
}
