package dev.octet.ir.ops;

import dev.octet.ir.Attributes;
import dev.octet.ir.Tensor;
import dev.octet.ir.TensorType;
import java.util.List;
import java.util.function.DoubleUnaryOperator;

/**
 * Float activations and math functions (Relu, Sigmoid, Erf, LeakyRelu, ...): one template, the function as
 * parameter. Computed in double and rounded once to the element type.
 */
final class ElementwiseUnaryOp extends AbstractOp {

    /** The function of one element; attributes carry parameters such as LeakyRelu's alpha. */
    @FunctionalInterface
    interface Fn {
        double apply(double x, Attributes attrs);
    }

    private final Fn fn;

    ElementwiseUnaryOp(String name, DoubleUnaryOperator fn) {
        this(Signature.of(name).inputs(1).build(), (x, attrs) -> fn.applyAsDouble(x));
    }

    ElementwiseUnaryOp(Signature signature, Fn fn) {
        super(signature);
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
        Attributes attrs = ctx.attrs();
        double[] r = new double[x.size()];
        for (int i = 0; i < r.length; i++) {
            r[i] = fn.apply(x.getDouble(i), attrs);
        }
        return List.of(Tensor.fromDoubles(outputTypes.get(0), r));
    }
}
