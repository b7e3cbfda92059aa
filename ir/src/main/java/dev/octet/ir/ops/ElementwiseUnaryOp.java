package dev.octet.ir.ops;

import dev.octet.ir.Tensor;
import dev.octet.ir.TensorType;
import java.util.List;
import java.util.function.DoubleUnaryOperator;

/** Float activations and math functions (Relu, Sigmoid, Tanh, ...): one template, the function as parameter. */
final class ElementwiseUnaryOp extends AbstractOp {
    private final DoubleUnaryOperator fn;

    ElementwiseUnaryOp(String name, DoubleUnaryOperator fn) {
        super(Signature.of(name).inputs(1).build());
        this.fn = fn;
    }

    @Override
    public List<TensorType> inferTypes(OpContext ctx) {
        TypeRules.requireFloat(ctx.type(0), "the operand");
        return List.of(ctx.type(0));
    }

    @Override
    public List<Tensor> evaluate(OpContext ctx, List<TensorType> outputTypes) {
        Tensor x = ctx.value(0);
        double[] r = new double[x.size()];
        for (int i = 0; i < r.length; i++) {
            r[i] = fn.applyAsDouble(x.getDouble(i));
        }
        return List.of(Tensor.fromDoubles(outputTypes.get(0), r));
    }

    static double relu(double x) {
        return x > 0 ? x : (Double.isNaN(x) ? x : 0.0);
    }

    static double sigmoid(double x) {
        return x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x));
    }
}
