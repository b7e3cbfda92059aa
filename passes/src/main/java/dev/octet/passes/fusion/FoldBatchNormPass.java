package dev.octet.passes.fusion;

import dev.octet.ir.ElementType;
import dev.octet.ir.Graph;
import dev.octet.ir.Node;
import dev.octet.ir.Tensor;
import dev.octet.ir.TensorType;
import dev.octet.ir.Value;
import dev.octet.passes.Pass;
import dev.octet.passes.PassContext;
import dev.octet.passes.PassInfo;
import dev.octet.passes.rewrite.GreedyPatternDriver;
import dev.octet.passes.rewrite.PatternRewriter;
import dev.octet.passes.rewrite.RewritePattern;
import java.util.List;

/**
 * Folds an inference BatchNormalization into the Conv or Gemm that feeds it, when the BN is that node's only
 * user and all parameters are constant:
 *
 * <pre>
 *   y = BatchNormalization(Conv(x, W, B), scale, beta, mean, var)
 * becomes
 *   y = Conv(x, W * s, (B - mean) * s + beta)        s = scale / sqrt(var + epsilon), per output channel
 * </pre>
 *
 * computed in float32 as PyTorch's fuse_conv_bn_eval does. For Gemm the output channels are the rows of B when
 * transB = 1, its columns otherwise; alpha and beta must be 1.
 */
public final class FoldBatchNormPass implements Pass {
    public static final PassInfo INFO = new PassInfo("fold-batchnorm",
            "Fold inference BatchNormalization into the preceding Conv or Gemm",
            "Scales the weights and shifts the bias of a Conv or Gemm by the BatchNormalization that is its only user.",
            List.of(), options -> new FoldBatchNormPass());

    static final RewritePattern PATTERN = new RewritePattern() {
        @Override
        public String name() {
            return "fold-batchnorm";
        }

        @Override
        public boolean matchAndRewrite(Node bn, PatternRewriter rw) {
            if (!bn.op().equals("BatchNormalization") || bn.outputs().size() != 1) {
                return false;
            }
            Node producer = rw.producer(bn.input(0));
            if (producer == null || !(producer.op().equals("Conv") || producer.op().equals("Gemm"))
                    || !rw.hasOneUse(bn.input(0))) {
                return false;
            }
            boolean gemm = producer.op().equals("Gemm");
            if (gemm && (producer.attributes().getFloat("alpha", 1f) != 1f
                    || producer.attributes().getFloat("beta", 1f) != 1f)) {
                return false;
            }
            Tensor[] p = new Tensor[4];
            for (int i = 0; i < 4; i++) {
                p[i] = rw.constant(bn.input(i + 1));
                if (p[i] == null || p[i].elementType() != ElementType.F32) {
                    return false;
                }
            }
            Tensor w = rw.constant(producer.input(1));
            Value biasValue = producer.input(2);
            Tensor b = biasValue == null ? null : rw.constant(biasValue);
            int channels = p[0].size();
            if (w == null || w.elementType() != ElementType.F32 || (biasValue != null
                    && (b == null || b.shape().rank() != 1 || b.size() != channels))) {
                return false;
            }
            float eps = bn.attributes().getFloat("epsilon", 1e-5f);
            float[] s = new float[channels];
            float[] newBias = new float[channels];
            for (int c = 0; c < channels; c++) {
                s[c] = p[0].floats()[c] / (float) Math.sqrt(p[3].floats()[c] + eps);
                float bias = b == null ? 0f : b.floats()[c];
                newBias[c] = (bias - p[2].floats()[c]) * s[c] + p[1].floats()[c];
            }
            float[] newW = scaleChannels(w, s, gemm && producer.attributes().getInt("transB", 0) == 0);
            Value w2 = rw.createConstant(producer, Tensor.of(w.type(), newW), producer.input(1).name() + "_bn");
            Value b2 = rw.createConstant(producer, Tensor.of(TensorType.of(ElementType.F32, channels), newBias),
                    (biasValue == null ? producer.output(0).name() : biasValue.name()) + "_bn");
            Node fused = new Node(producer.op(), List.of(producer.input(0), w2, b2), bn.outputs(),
                    producer.attributes(), producer.name(), producer.location());
            rw.replace(producer, List.of(fused));
            rw.erase(bn);
            return true;
        }
    };

    /** W with output channel c scaled by s[c]: channel c is W's c-th outer slice, or (columns) its c-th column. */
    private static float[] scaleChannels(Tensor w, float[] s, boolean columns) {
        float[] out = w.floats().clone();
        int channels = s.length;
        int block = out.length / channels;
        for (int i = 0; i < out.length; i++) {
            out[i] *= s[columns ? i % channels : i / block];
        }
        return out;
    }

    @Override
    public boolean run(Graph graph, PassContext context) {
        return GreedyPatternDriver.apply(graph, List.of(PATTERN), context);
    }
}
