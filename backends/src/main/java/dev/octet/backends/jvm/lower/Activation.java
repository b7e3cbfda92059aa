package dev.octet.backends.jvm.lower;

import dev.octet.backends.jvm.LoweringContext;
import dev.octet.backends.jvm.kernels.ScalarKernels;
import dev.octet.ir.Attributes;

/** A fused activation as the kernels take it: code and two parameters. */
record Activation(int code, float p0, float p1) {
    static final Activation NONE = new Activation(ScalarKernels.ACT_NONE, 0, 0);

    /** The {@code activation} attribute of FusedConv / FusedGemm (none when absent). */
    static Activation of(Attributes attrs, LoweringContext cx) {
        String kind = attrs.getString("activation", "");
        float[] p = attrs.getFloats("activation_params");
        return switch (kind) {
            case "" -> NONE;
            case "Relu" -> new Activation(ScalarKernels.ACT_RELU, 0, 0);
            case "Clip" -> new Activation(ScalarKernels.ACT_CLIP, p[0], p[1]);
            case "LeakyRelu" -> new Activation(ScalarKernels.ACT_LEAKY_RELU, p[0], 0);
            default -> throw cx.error("fused activation " + kind + " is not supported");
        };
    }

    boolean isNone() {
        return code == ScalarKernels.ACT_NONE;
    }
}
