package dev.octet.passes.quant;

import dev.octet.ir.Node;
import java.util.Set;

/** Which ops quantization turns into integer ops, and which move int8 data without changing values. */
public final class QuantTargets {
    private QuantTargets() {
    }

    /** Ops computed in int8 x int8 -> int32: their activation input and constant weight get quantized. */
    public static boolean isQuantizable(Node n) {
        return switch (n.op()) {
            case "Conv", "FusedConv" -> true;
            case "Gemm", "FusedGemm" -> n.attributes().getInt("transA", 0) == 0
                    && n.attributes().getFloat("alpha", 1f) == 1f && n.attributes().getFloat("beta", 1f) == 1f;
            case "MatMul" -> true;
            default -> false;
        };
    }

    /**
     * Ops that commute with dequantization (max and pure data movement): applied to the int8 data they give what
     * they give on the dequantized floats, so int8 flows through them unchanged in scale and zero point.
     */
    static final Set<String> TRANSPARENT = Set.of("MaxPool", "GlobalMaxPool", "Flatten", "Reshape", "Transpose",
            "Squeeze", "Unsqueeze", "Identity");

    /** The weight operand's output-channel axis: Conv W [M, ...]; Gemm B [N, K] with transB, else [K, N]; MatMul [K, N]. */
    static int weightChannelAxis(Node n) {
        return switch (n.op()) {
            case "Conv", "FusedConv" -> 0;
            case "Gemm", "FusedGemm" -> n.attributes().getInt("transB", 0) != 0 ? 0 : 1;
            default -> 1;
        };
    }
}
