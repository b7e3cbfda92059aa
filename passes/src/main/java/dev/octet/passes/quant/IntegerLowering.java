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
import dev.octet.ir.ops.OpContext;
import dev.octet.ir.ops.OpRegistry;
import dev.octet.ir.ops.Requantization;
import dev.octet.passes.rewrite.PatternRewriter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * One Conv/Gemm/MatMul (possibly fused with an activation) between dequantized operands, rewritten to integer
 * ops; see {@link LowerQdqPass}. {@link #apply} changes nothing and returns false when the node does not have
 * the expected shape: an activation from a per-tensor DequantizeLinear, a constant int8 weight from a
 * DequantizeLinear, a constant bias (int32 from a DequantizeLinear, or float), an activation that is a clamp.
 */
final class IntegerLowering {
    private final Node n;
    private final PatternRewriter rw;
    private final Graph graph;
    private final List<Node> emitted = new ArrayList<>();

    IntegerLowering(Node n, PatternRewriter rw) {
        this.n = n;
        this.rw = rw;
        this.graph = rw.graph();
    }

    boolean apply() {
        Node xdq = rw.producer(n.input(0), "DequantizeLinear");
        Quantization.PerTensor xq = LowerQdqPass.perTensor(xdq, rw);
        Node wdq = rw.producer(n.input(1), "DequantizeLinear");
        Tensor w = wdq == null ? null : rw.constant(wdq.input(0));
        if (xq == null || w == null || w.elementType() != ElementType.I8
                || (xdq.input(0).type().elementType() != ElementType.U8 && xdq.input(0).type().elementType() != ElementType.I8)) {
            return false;
        }
        boolean conv = n.op().endsWith("Conv");
        boolean transB = n.op().endsWith("Gemm") && n.attributes().getInt("transB", 0) != 0;
        int wAxis = QuantTargets.weightChannelAxis(n);
        int channels = (int) w.shape().size(wAxis);
        float[] ws = perChannel(rw.constant(wdq.input(1)), channels, wdq, wAxis);
        long[] wz = wdq.input(2) == null ? new long[channels] : perChannelLongs(rw.constant(wdq.input(2)), channels);
        if (ws == null || wz == null) {
            return false;
        }
        long[] bias = bias(xq.scale(), ws, channels);
        String activation = n.op().startsWith("Fused") ? n.attributes().getString("activation", "") : "";
        if (activation.equals("LeakyRelu") || bias == null && n.inputs().size() > 2 && n.input(2) != null) {
            return false;
        }
        Value y = n.output(0);
        List<Node> users = rw.users(y);
        Node requant = users.size() == 1 && users.getFirst().op().equals("QuantizeLinear")
                && !graph.outputs().contains(y) ? users.getFirst() : null;
        Quantization.PerTensor yq = requant == null ? null : LowerQdqPass.perTensor(requant, rw);
        if (requant != null && yq == null) {
            return false;
        }

        // acc = (x - z_x) * (w - z_w) in int32
        Value xzp = constant(Tensor.fromLongsWrapping(TensorType.of(xdq.input(0).type().elementType(), Shape.SCALAR),
                new long[] {xq.zeroPoint()}), "x_zero_point");
        Value wInt = constant(integerWeight(w, transB), n.input(1).name() + "_int8");
        List<Value> accInputs = new ArrayList<>(List.of(xdq.input(0), wInt, xzp));
        if (Arrays.stream(wz).anyMatch(z -> z != 0)) {
            accInputs.add(constant(Tensor.fromLongsWrapping(TensorType.of(ElementType.I8, channels), wz), "w_zero_point"));
        }
        Attributes accAttrs = conv ? withoutActivation(n.attributes()) : Attributes.EMPTY;
        Value acc = emit(conv ? "ConvInteger" : "MatMulInteger", accInputs, accAttrs, y.name() + "_acc");
        int channelAxis = conv ? 1 : acc.type().rank() - 1;
        if (bias != null) {
            long[] dims = new long[conv ? acc.type().rank() - 1 : 1];
            Arrays.fill(dims, 1);
            dims[0] = channels;
            Value b = constant(Tensor.fromLongsWrapping(TensorType.of(ElementType.I32, Shape.of(dims)), bias),
                    n.input(2).name() + "_int32");
            acc = emit("Add", List.of(acc, b), Attributes.EMPTY, y.name() + "_acc_bias");
        }
        float[] accScales = new float[channels];
        for (int c = 0; c < channels; c++) {
            accScales[c] = xq.scale() * ws[c];
        }
        if (requant != null) {
            emitRequantize(acc, accScales, yq, requant, activation, channelAxis);
            graph.replace(n, emitted);
            rw.erase(requant);
        } else {
            emitDequantize(acc, accScales, activation, channelAxis, y);
            graph.replace(n, emitted);
        }
        return true;
    }

    private void emitRequantize(Value acc, float[] accScales, Quantization.PerTensor yq, Node q, String activation,
                                int axis) {
        ElementType to = q.output(0).type().elementType();
        long[] multipliers = new long[accScales.length];
        long[] shifts = new long[accScales.length];
        for (int c = 0; c < accScales.length; c++) {
            long[] m = Requantization.quantizeMultiplier((double) accScales[c] / yq.scale());
            multipliers[c] = m[0];
            shifts[c] = m[1];
        }
        long lo = to.minValue();
        long hi = to.maxValue();
        if (activation.equals("Relu")) {
            lo = Math.max(lo, yq.zeroPoint());
        } else if (activation.equals("Clip")) {
            float[] p = n.attributes().getFloats("activation_params");
            lo = Math.max(lo, yq.zeroPoint() + (long) Math.max(-1e12, Math.rint(p[0] / yq.scale())));
            hi = Math.min(hi, yq.zeroPoint() + (long) Math.min(1e12, Math.rint(p[1] / yq.scale())));
        }
        Attributes attrs = Attributes.builder().put("multiplier", multipliers).put("shift", shifts)
                .put("axis", (long) axis).put("zero_point", yq.zeroPoint()).put("scale", yq.scale())
                .put("to", (long) to.onnxCode()).put("clamp_min", lo).put("clamp_max", hi).build();
        emitted.add(new Node("Requantize", List.of(acc), q.outputs(), attrs, n.name(), n.location()));
    }

    /** A result no Q consumes: dequantized from the accumulator, the activation applied on the way. */
    private void emitDequantize(Value acc, float[] accScales, String activation, int axis, Value y) {
        Value in = acc;
        if (activation.equals("Relu")) {
            Value zero = constant(Tensor.zeros(TensorType.of(ElementType.I32, Shape.SCALAR)), "zero");
            in = emit("Clip", List.of(acc, zero), Attributes.EMPTY, y.name() + "_relu");
        }
        boolean perChannel = false;
        for (float a : accScales) {
            perChannel |= a != accScales[0];
        }
        Value s = constant(perChannel ? Tensor.ofFloats(Shape.of(accScales.length), accScales)
                : Tensor.scalarFloat(accScales[0]), y.name() + "_acc_scale");
        Attributes attrs = perChannel ? Attributes.builder().put("axis", (long) axis).build() : Attributes.EMPTY;
        if (activation.equals("Clip")) {
            float[] p = n.attributes().getFloats("activation_params");
            Value f = emit("DequantizeLinear", List.of(in, s), attrs, y.name() + "_float");
            Value lo = constant(Tensor.scalarFloat(p[0]), "clip_min");
            Value hi = constant(Tensor.scalarFloat(p[1]), "clip_max");
            emitted.add(new Node("Clip", List.of(f, lo, hi), List.of(y), Attributes.EMPTY, n.name(), n.location()));
        } else {
            emitted.add(new Node("DequantizeLinear", List.of(in, s), List.of(y), attrs, n.name(), n.location()));
        }
    }

    /** The bias as int32 at s_x * s_w[c]: taken from an int32 DequantizeLinear or quantized from a float constant. */
    private long[] bias(float xScale, float[] ws, int channels) {
        if (n.inputs().size() < 3 || n.input(2) == null) {
            return null;
        }
        Node bdq = rw.producer(n.input(2), "DequantizeLinear");
        Tensor b = bdq != null ? rw.constant(bdq.input(0)) : rw.constant(n.input(2));
        if (b == null || b.size() != channels) {
            return null;
        }
        if (b.elementType() == ElementType.I32) {
            return b.toLongs();
        }
        if (b.elementType() != ElementType.F32) {
            return null;
        }
        long[] q = new long[channels];
        for (int c = 0; c < channels; c++) {
            q[c] = (long) Math.rint(b.floats()[c] / (xScale * ws[c]));
        }
        return q;
    }

    /** Scales as one per channel (a scalar repeated); null when the DQ's axis is not the channel axis. */
    private static float[] perChannel(Tensor s, int channels, Node dq, int axis) {
        if (s == null || s.elementType() != ElementType.F32) {
            return null;
        }
        if (s.size() == 1) {
            float[] out = new float[channels];
            Arrays.fill(out, s.floats()[0]);
            return out;
        }
        int dqAxis = (int) dq.attributes().getInt("axis", 1);
        return s.size() == channels && dqAxis == axis ? s.floats().clone() : null;
    }

    private static long[] perChannelLongs(Tensor z, int channels) {
        if (z == null) {
            return null;
        }
        long[] out = new long[channels];
        for (int c = 0; c < channels; c++) {
            out[c] = z.getLong(z.size() == 1 ? 0 : c);
        }
        return out;
    }

    /** The int8 weight in the layout the integer op reads: [K, N] for MatMulInteger (transposed if transB). */
    private static Tensor integerWeight(Tensor w, boolean transpose) {
        byte[] data = w.bytes();
        if (!transpose) {
            return Tensor.of(TensorType.of(ElementType.I8, w.shape()), data.clone());
        }
        int rows = (int) w.shape().size(0);
        int cols = (int) w.shape().size(1);
        byte[] t = new byte[data.length];
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                t[c * rows + r] = data[r * cols + c];
            }
        }
        return Tensor.of(TensorType.of(ElementType.I8, cols, rows), t);
    }

    private static Attributes withoutActivation(Attributes a) {
        return a.without("activation").without("activation_params");
    }

    private Value constant(Tensor value, String hint) {
        Value v = new Value(graph.freshName(hint), value.type());
        emitted.add(Node.of("Constant", List.of(), List.of(v), Attributes.builder().put("value", value).build()));
        return v;
    }

    /** Appends a node whose single result type comes from type inference. */
    private Value emit(String op, List<Value> inputs, Attributes attrs, String hint) {
        List<TensorType> types = new ArrayList<>();
        List<Tensor> values = new ArrayList<>();
        for (Value v : inputs) {
            types.add(v.type());
            values.add(emittedConstant(v));
        }
        TensorType t = OpRegistry.standard().find(op).inferTypes(new OpContext(types, values, attrs, 1)).getFirst();
        Value out = new Value(graph.freshName(hint), t);
        emitted.add(Node.of(op, inputs, List.of(out), attrs));
        return out;
    }

    private Tensor emittedConstant(Value v) {
        for (Node e : emitted) {
            if (e.op().equals("Constant") && e.output(0) == v) {
                return e.attributes().getTensor("value");
            }
        }
        return rw.constant(v);
    }
}
