package dev.octet.passes.quant;

import dev.octet.ir.Attributes;
import dev.octet.ir.ElementType;
import dev.octet.ir.Graph;
import dev.octet.ir.Node;
import dev.octet.ir.Quantization;
import dev.octet.ir.Shape;
import dev.octet.ir.Tensor;
import dev.octet.ir.TensorType;
import dev.octet.ir.Value;
import dev.octet.passes.Pass;
import dev.octet.passes.PassContext;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * Static post-training quantization, first step: inserts QuantizeLinear/DequantizeLinear pairs chosen from a
 * calibration profile, in ONNX Runtime's QDQ convention.
 *
 * <pre>
 *   y = Conv(x, W, B)
 * becomes
 *   y = Conv(DQ(Q(x, s_x, z_x)), DQ(W_q, s_w[c], 0, axis 0), DQ(B_q, s_x * s_w[c], 0)),   then  Q(y, s_y, z_y) -> DQ
 * </pre>
 *
 * for every Conv, Gemm and MatMul (and their fused forms): activations per tensor ({@link QuantScheme}, u8
 * asymmetric by default) from the range the {@link RangeMethod} chooses; weights int8 symmetric in [-127, 127] per
 * output channel (or per tensor); bias int32 at scale s_x * s_w. An activation that reaches the op from a
 * dequantized value through ops that commute with dequantization (MaxPool, Flatten, ...) reuses that value's
 * parameters, so int8 passes through them exactly. A result that is a graph output is not quantized: it will be
 * dequantized from the int32 accumulator, since int8 logits make ties that shift whole classes.
 * {@link LowerQdqPass} then turns the pairs into integer ops.
 */
public final class InsertQdqPass implements Pass {
    /**
     * Options of static quantization; {@code biasCorrection} folds each layer's measured mean output error into
     * its bias ({@link BiasCorrection}).
     */
    public record Config(RangeMethod method, QuantScheme activations, boolean perChannelWeights,
                         boolean biasCorrection) {
        /** min-max ranges, u8 activations, per-channel weights, bias correction (measured best on the test models). */
        public static final Config DEFAULT = new Config(RangeMethod.parse("minmax"), QuantScheme.U8_ASYMMETRIC, true,
                true);

        public Config(RangeMethod method, QuantScheme activations, boolean perChannelWeights) {
            this(method, activations, perChannelWeights, false);
        }

        public Config withBiasCorrection(boolean on) {
            return new Config(method, activations, perChannelWeights, on);
        }
    }

    private final CalibrationProfile profile;
    private final Config config;
    private final Predicate<Node> keepFloat;
    private final Map<String, QuantRange> decisions = new HashMap<>();

    public InsertQdqPass(CalibrationProfile profile, Config config) {
        this(profile, config, node -> false);
    }

    /** As above, leaving in float every quantizable op that {@code keepFloat} accepts (mixed precision). */
    public InsertQdqPass(CalibrationProfile profile, Config config, Predicate<Node> keepFloat) {
        this.profile = profile;
        this.config = config;
        this.keepFloat = keepFloat;
    }

    /** The range decisions made, by value name (for the quality report). */
    public Map<String, QuantRange> decisions() {
        return decisions;
    }

    @Override
    public boolean run(Graph graph, PassContext context) {
        boolean changed = false;
        for (Node node : List.copyOf(graph.nodes())) {
            Node current = graph.producers().get(node.output(0));
            if (!QuantTargets.isQuantizable(current) || weight(graph, current) == null || keepFloat.test(current)) {
                continue;
            }
            quantizeNode(graph, current, context);
            changed = true;
        }
        return changed;
    }

    private static Tensor weight(Graph graph, Node n) {
        Node p = graph.producers().get(n.input(1));
        Tensor w = p != null && p.op().equals("Constant") ? p.attributes().getTensor("value") : null;
        return w != null && w.elementType() == ElementType.F32 && (!n.op().equals("MatMul") || w.shape().rank() == 2)
                ? w : null;
    }

    private void quantizeNode(Graph graph, Node n, PassContext context) {
        Quantization.PerTensor xq = activationParameters(graph, n.input(0));
        Value xdq = insertPair(graph, n, n.input(0), xq);

        Tensor w = weight(graph, n);
        int axis = QuantTargets.weightChannelAxis(n);
        float[] wScales = weightScales(w, axis);
        Tensor wq = quantizeWeight(w, wScales, axis);
        Value wqv = constant(graph, n, wq, n.input(1).name() + "_q");
        Value wdq = dequantize(graph, n, wqv, wScales, axis, n.input(1).name() + "_dq");

        List<Value> inputs = new ArrayList<>(List.of(xdq, wdq));
        if (n.inputs().size() > 2 && n.input(2) != null) {
            inputs.add(quantizeBias(graph, n, xq.scale(), wScales));
        }
        Node rewritten = n.withInputs(inputs);
        graph.replace(n, List.of(rewritten));
        context.count("ops-quantized");

        Value y = n.output(0);
        if (!graph.outputs().contains(y)) {
            Quantization.PerTensor yq = parametersOf(y);
            Value ydq = new Value(graph.freshName(y.name() + "_dq"), y.type());
            graph.replaceAllUsesWith(y, ydq);
            insertAfter(graph, rewritten, y, yq, ydq);
        }
    }

    /** Inserts Q(y) and DQ(...) -> ydq right after {@code producer}. */
    private void insertAfter(Graph graph, Node producer, Value y, Quantization.PerTensor q, Value ydq) {
        List<Node> nodes = new ArrayList<>();
        Value s = new Value(graph.freshName(y.name() + "_scale"), TensorType.of(ElementType.F32, Shape.SCALAR));
        Value z = new Value(graph.freshName(y.name() + "_zero_point"),
                TensorType.of(config.activations().type(), Shape.SCALAR));
        nodes.add(constantNode(s, Tensor.scalarFloat(q.scale())));
        nodes.add(constantNode(z, zeroPoint(q)));
        Value yq = new Value(graph.freshName(y.name() + "_q"),
                new TensorType(config.activations().type(), y.type().shape(), q));
        nodes.add(Node.of("QuantizeLinear", List.of(y, s, z), List.of(yq), Attributes.EMPTY));
        Node dq = Node.of("DequantizeLinear", List.of(yq, s, z), List.of(ydq), Attributes.EMPTY);
        nodes.add(dq);
        List<Node> replacement = new ArrayList<>(List.of(producer));
        replacement.addAll(nodes);
        graph.replace(producer, replacement);
    }

    /** Q and DQ of {@code x} inserted before {@code user}; returns the dequantized value. */
    private Value insertPair(Graph graph, Node user, Value x, Quantization.PerTensor q) {
        Value s = constant(graph, user, Tensor.scalarFloat(q.scale()), x.name() + "_scale");
        Value z = constant(graph, user, zeroPoint(q), x.name() + "_zero_point");
        Value xq = new Value(graph.freshName(x.name() + "_q"),
                new TensorType(config.activations().type(), x.type().shape(), q));
        graph.insertBefore(user, Node.of("QuantizeLinear", List.of(x, s, z), List.of(xq), Attributes.EMPTY));
        Value xdq = new Value(graph.freshName(x.name() + "_dq"), x.type());
        graph.insertBefore(user, Node.of("DequantizeLinear", List.of(xq, s, z), List.of(xdq), Attributes.EMPTY));
        return xdq;
    }

    /**
     * The parameters for an activation: those of the DequantizeLinear it comes from through transparent ops, if
     * any (so int8 passes through unchanged), else from its own calibrated range.
     */
    private Quantization.PerTensor activationParameters(Graph graph, Value x) {
        Value v = x;
        for (Node p = graph.producers().get(v); p != null; p = graph.producers().get(v)) {
            if (p.op().equals("DequantizeLinear") && p.input(0).type().quantization() instanceof Quantization.PerTensor q) {
                return q;
            }
            if (!QuantTargets.TRANSPARENT.contains(p.op())) {
                break;
            }
            v = p.input(0);
        }
        return parametersOf(x);
    }

    private Quantization.PerTensor parametersOf(Value v) {
        Histogram h = profile.histogram(v.name());
        if (h == null) {
            throw new IllegalStateException("the calibration profile has no statistics for %" + v.name());
        }
        QuantRange r = RangeSelector.select(h, config.method(), config.activations());
        decisions.put(v.name(), r);
        return config.activations().parameters(r.lo(), r.hi());
    }

    private Tensor zeroPoint(Quantization.PerTensor q) {
        return Tensor.fromLongsWrapping(TensorType.of(config.activations().type(), Shape.SCALAR),
                new long[] {q.zeroPoint()});
    }

    /** Symmetric scales max|w| / 127 per output channel (or one for the tensor). */
    private float[] weightScales(Tensor w, int axis) {
        int channels = config.perChannelWeights() ? (int) w.shape().size(axis) : 1;
        int[] channelOf = channelIndex(w.shape(), axis, channels);
        float[] maxAbs = new float[channels];
        float[] data = w.floats();
        for (int i = 0; i < data.length; i++) {
            maxAbs[channelOf[i]] = Math.max(maxAbs[channelOf[i]], Math.abs(data[i]));
        }
        float[] scales = new float[channels];
        for (int c = 0; c < channels; c++) {
            scales[c] = maxAbs[c] > 0 ? maxAbs[c] / 127f : 1f;
        }
        return scales;
    }

    private static int[] channelIndex(Shape shape, int axis, int channels) {
        int n = Math.toIntExact(shape.elementCount());
        int[] out = new int[n];
        if (channels == 1) {
            return out;
        }
        long inner = 1;
        for (int d = axis + 1; d < shape.rank(); d++) {
            inner *= shape.size(d);
        }
        for (int i = 0; i < n; i++) {
            out[i] = (int) ((i / inner) % channels);
        }
        return out;
    }

    /** round_half_even(w / s) in [-127, 127], in float32 as QuantizeLinear computes it. */
    private static Tensor quantizeWeight(Tensor w, float[] scales, int axis) {
        int[] channelOf = channelIndex(w.shape(), axis, scales.length);
        float[] data = w.floats();
        long[] q = new long[data.length];
        for (int i = 0; i < data.length; i++) {
            q[i] = Math.max(-127, Math.min(127, (long) Math.rint(data[i] / scales[channelOf[i]])));
        }
        Quantization quant = scales.length == 1 ? new Quantization.PerTensor(scales[0], 0)
                : new Quantization.PerAxis(axis, scales, new long[scales.length]);
        return Tensor.fromLongsWrapping(new TensorType(ElementType.I8, w.shape(), quant), q);
    }

    /** Bias as int32 at scale s_x * s_w[c], zero point 0, dequantized back for the QDQ graph. */
    private Value quantizeBias(Graph graph, Node n, float xScale, float[] wScales) {
        Tensor b = constantValue(graph, n.input(2));
        if (b == null || b.shape().rank() != 1) {
            return n.input(2);
        }
        int channels = b.size();
        float[] scales = new float[channels];
        long[] q = new long[channels];
        for (int c = 0; c < channels; c++) {
            scales[c] = xScale * wScales[wScales.length == 1 ? 0 : c];
            q[c] = Math.max(Integer.MIN_VALUE + 1, Math.min(Integer.MAX_VALUE, (long) Math.rint(b.floats()[c] / scales[c])));
        }
        Quantization quant = channels == 1 ? new Quantization.PerTensor(scales[0], 0)
                : new Quantization.PerAxis(0, scales, new long[channels]);
        Value bq = constant(graph, n, Tensor.fromLongsWrapping(new TensorType(ElementType.I32, b.shape(), quant), q),
                n.input(2).name() + "_q");
        return dequantize(graph, n, bq, scales, 0, n.input(2).name() + "_dq");
    }

    private static Tensor constantValue(Graph graph, Value v) {
        Node p = graph.producers().get(v);
        return p != null && p.op().equals("Constant") ? p.attributes().getTensor("value") : null;
    }

    /** DequantizeLinear(q, scales, zero points of q's type, axis) inserted before {@code user}. */
    private static Value dequantize(Graph graph, Node user, Value q, float[] scales, int axis, String name) {
        Value s = constant(graph, user, scales.length == 1 ? Tensor.scalarFloat(scales[0])
                : Tensor.ofFloats(Shape.of(scales.length), scales), name + "_scale");
        Value z = constant(graph, user, Tensor.zeros(TensorType.of(q.type().elementType(),
                scales.length == 1 ? Shape.SCALAR : Shape.of(scales.length))), name + "_zero_point");
        Value out = new Value(graph.freshName(name), q.type().withElementType(ElementType.F32));
        Attributes attrs = scales.length == 1 ? Attributes.EMPTY : Attributes.builder().put("axis", (long) axis).build();
        graph.insertBefore(user, Node.of("DequantizeLinear", List.of(q, s, z), List.of(out), attrs));
        return out;
    }

    private static Value constant(Graph graph, Node user, Tensor value, String name) {
        Value v = new Value(graph.freshName(name), value.type());
        graph.insertBefore(user, constantNode(v, value));
        return v;
    }

    private static Node constantNode(Value v, Tensor value) {
        return Node.of("Constant", List.of(), List.of(v), Attributes.builder().put("value", value).build());
    }
}
