package dev.octet.ir.ops;

import dev.octet.ir.Attribute;
import dev.octet.ir.Attributes;
import dev.octet.ir.OpException;

/**
 * The activation that FusedConv and FusedGemm apply to their result: attribute {@code activation} is "Relu",
 * "Clip" (activation_params = [min, max]) or "LeakyRelu" (activation_params = [alpha]). Quantization turns it into
 * the clamp of the requantization.
 */
final class FusedActivation {
    private FusedActivation() {
    }

    static Signature.Builder addAttributes(Signature.Builder b) {
        return b.requiredAttr("activation", Attribute.Kind.STRING).attr("activation_params", Attribute.Kind.FLOATS);
    }

    /** Checks the attributes; returns the function. */
    static java.util.function.DoubleUnaryOperator of(Attributes attrs) {
        String kind = attrs.getString("activation", "");
        float[] p = attrs.getFloats("activation_params");
        return switch (kind) {
            case "Relu" -> x -> x > 0 ? x : (Double.isNaN(x) ? x : 0.0);
            case "Clip" -> {
                if (p == null || p.length != 2) {
                    throw new OpException("activation Clip needs activation_params [min, max]");
                }
                yield x -> Double.isNaN(x) ? x : Math.min(p[1], Math.max(p[0], x));
            }
            case "LeakyRelu" -> {
                if (p == null || p.length != 1) {
                    throw new OpException("activation LeakyRelu needs activation_params [alpha]");
                }
                yield x -> x >= 0 ? x : x * p[0];
            }
            default -> throw new OpException("unknown fused activation '" + kind + "' (Relu, Clip, LeakyRelu)");
        };
    }
}
