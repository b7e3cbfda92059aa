package dev.octet.passes.fusion;

import dev.octet.ir.Attribute;
import dev.octet.ir.Attributes;
import dev.octet.ir.Graph;
import dev.octet.ir.Node;
import dev.octet.passes.Pass;
import dev.octet.passes.PassContext;
import dev.octet.passes.PassInfo;
import dev.octet.passes.rewrite.GreedyPatternDriver;
import dev.octet.passes.rewrite.PatternRewriter;
import dev.octet.passes.rewrite.RewritePattern;
import java.util.List;

/**
 * Fuses Relu, Clip (constant bounds, e.g. Relu6) and LeakyRelu into the Conv or Gemm that produces their operand,
 * when it has no other user: {@code Relu(Conv(x, W, B))} becomes {@code FusedConv(x, W, B) {activation = "Relu"}}.
 * Quantization later turns the activation into the clamp of the requantization.
 */
public final class FuseActivationPass implements Pass {
    public static final PassInfo INFO = new PassInfo("fuse-activation",
            "Fuse Relu, Clip and LeakyRelu into the producing Conv or Gemm",
            "Replaces activation(Conv or Gemm) by FusedConv or FusedGemm carrying the activation.",
            List.of(), options -> new FuseActivationPass());

    static final RewritePattern PATTERN = new RewritePattern() {
        @Override
        public String name() {
            return "fuse-activation";
        }

        @Override
        public boolean matchAndRewrite(Node act, PatternRewriter rw) {
            Attributes fusedAttrs = activation(act, rw);
            if (fusedAttrs == null) {
                return false;
            }
            Node producer = rw.producer(act.input(0));
            if (producer == null || !(producer.op().equals("Conv") || producer.op().equals("Gemm"))
                    || !rw.hasOneUse(act.input(0))) {
                return false;
            }
            Attributes attrs = producer.attributes();
            for (var e : fusedAttrs.asMap().entrySet()) {
                attrs = attrs.with(e.getKey(), e.getValue());
            }
            Node fused = new Node("Fused" + producer.op(), producer.inputs(), act.outputs(), attrs, producer.name(),
                    producer.location());
            rw.replace(producer, List.of(fused));
            rw.erase(act);
            return true;
        }
    };

    /** The activation and activation_params attributes {@code act} stands for, or null if it is not fusable. */
    private static Attributes activation(Node act, PatternRewriter rw) {
        Attributes.Builder b = Attributes.builder();
        switch (act.op()) {
            case "Relu" -> b.put("activation", "Relu");
            case "LeakyRelu" -> b.put("activation", "LeakyRelu")
                    .put("activation_params", new Attribute.FloatsAttr(act.attributes().getFloat("alpha", 0.01f)));
            case "Clip" -> {
                Double lo = act.input(1) == null ? Double.valueOf(Double.NEGATIVE_INFINITY) : rw.scalar(act.input(1));
                Double hi = act.input(2) == null ? Double.valueOf(Double.POSITIVE_INFINITY) : rw.scalar(act.input(2));
                if (lo == null || hi == null) {
                    return null;
                }
                b.put("activation", "Clip").put("activation_params",
                        new Attribute.FloatsAttr(lo.floatValue(), hi.floatValue()));
            }
            default -> {
                return null;
            }
        }
        return act.op().equals("Relu") || act.outputs().size() == 1 ? b.build() : null;
    }

    @Override
    public boolean run(Graph graph, PassContext context) {
        return GreedyPatternDriver.apply(graph, List.of(PATTERN), context);
    }
}
