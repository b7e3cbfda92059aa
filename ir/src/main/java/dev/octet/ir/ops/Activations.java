package dev.octet.ir.ops;

import dev.octet.ir.Attribute;
import dev.octet.ir.Attributes;
import dev.octet.ir.OpException;
import java.util.List;

/** The element-wise activation functions, with ONNX's attribute names and defaults. */
final class Activations {
    private Activations() {
    }

    static List<OpSchema> all() {
        return List.of(
                new ElementwiseUnaryOp("Relu", Activations::relu),
                new ElementwiseUnaryOp("Sigmoid", ActivationMath::sigmoid),
                new ElementwiseUnaryOp("Tanh", Math::tanh),
                new ElementwiseUnaryOp("Erf", ActivationMath::erf),
                new ElementwiseUnaryOp("Neg", x -> -x),
                new ElementwiseUnaryOp("Abs", Math::abs),
                new ElementwiseUnaryOp("Exp", Math::exp),
                new ElementwiseUnaryOp("Log", Math::log),
                new ElementwiseUnaryOp("Sqrt", Math::sqrt),
                new ElementwiseUnaryOp("Reciprocal", x -> 1 / x),
                new ElementwiseUnaryOp("Floor", Math::floor),
                new ElementwiseUnaryOp("Ceil", Math::ceil),
                new ElementwiseUnaryOp("HardSwish", x -> x * Math.max(0, Math.min(1, x / 6 + 0.5))),
                new ElementwiseUnaryOp(Signature.of("LeakyRelu").inputs(1).attr("alpha", Attribute.Kind.FLOAT).build(),
                        (x, a) -> x >= 0 ? x : x * a.getFloat("alpha", 0.01f)),
                new ElementwiseUnaryOp(Signature.of("Elu").inputs(1).attr("alpha", Attribute.Kind.FLOAT).build(),
                        (x, a) -> x >= 0 ? x : a.getFloat("alpha", 1f) * Math.expm1(x)),
                new ElementwiseUnaryOp(Signature.of("HardSigmoid").inputs(1).attr("alpha", Attribute.Kind.FLOAT)
                        .attr("beta", Attribute.Kind.FLOAT).build(),
                        (x, a) -> Math.max(0, Math.min(1, a.getFloat("alpha", 0.2f) * x + a.getFloat("beta", 0.5f)))),
                new ElementwiseUnaryOp(Signature.of("Gelu").inputs(1).attr("approximate", Attribute.Kind.STRING).build(),
                        Activations::gelu));
    }

    static double relu(double x) {
        return x > 0 ? x : (Double.isNaN(x) ? x : 0.0);
    }

    /** Gelu (opset 20): exact with erf, or the tanh approximation. */
    static double gelu(double x, Attributes a) {
        return switch (a.getString("approximate", "none")) {
            case "none" -> ActivationMath.gelu(x);
            case "tanh" -> ActivationMath.geluTanh(x);
            default -> throw new OpException("approximate must be \"none\" or \"tanh\", got \""
                    + a.getString("approximate", "") + "\"");
        };
    }
}
