package dev.octet.frontend.onnx;

import com.google.protobuf.ByteString;
import dev.octet.frontend.onnx.proto.Onnx.AttributeProto;
import dev.octet.frontend.onnx.proto.Onnx.GraphProto;
import dev.octet.frontend.onnx.proto.Onnx.ModelProto;
import dev.octet.frontend.onnx.proto.Onnx.NodeProto;
import dev.octet.frontend.onnx.proto.Onnx.OperatorSetIdProto;
import dev.octet.frontend.onnx.proto.Onnx.TensorShapeProto;
import dev.octet.frontend.onnx.proto.Onnx.TypeProto;
import dev.octet.frontend.onnx.proto.Onnx.ValueInfoProto;
import dev.octet.ir.Attribute;
import dev.octet.ir.Dim;
import dev.octet.ir.Graph;
import dev.octet.ir.Node;
import dev.octet.ir.Value;
import dev.octet.ir.verify.Verifier;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Writes a graph as an ONNX model. Octet's ops are ONNX ops in their latest form, so nodes map one to one;
 * Constant nodes become initializers. Quantized graphs come out in QDQ form (QuantizeLinear/DequantizeLinear with
 * explicit scales and zero points, integer ops such as MatMulInteger), which other runtimes load as is.
 * The opset is the lowest that has every op in the form used (13, or 17/18/20 for LayerNormalization,
 * reductions with axes operands, Gelu).
 */
public final class OnnxWriter {
    private OnnxWriter() {
    }

    public static void write(Graph graph, Path file) {
        try {
            Files.write(file, toModel(graph).toByteArray());
        } catch (IOException e) {
            throw new OnnxException(file + ": cannot write: " + e.getMessage());
        }
    }

    static ModelProto toModel(Graph graph) {
        Verifier.verify(graph);
        GraphProto.Builder g = GraphProto.newBuilder().setName(graph.name());
        graph.inputs().forEach(v -> g.addInput(valueInfo(v)));
        graph.outputs().forEach(v -> g.addOutput(valueInfo(v)));
        int opset = 13;
        for (Node n : graph.nodes()) {
            if (n.op().equals("Constant")) {
                g.addInitializer(TensorProtoFiles.toProto(n.attributes().getTensor("value"), n.output(0).name()));
                continue;
            }
            opset = Math.max(opset, requiredOpset(n));
            if (n.op().startsWith("Fused")) {
                writeFused(g, n);
                continue;
            }
            NodeProto.Builder b = NodeProto.newBuilder().setOpType(n.op());
            if (n.name() != null) {
                b.setName(n.name());
            }
            n.inputs().forEach(v -> b.addInput(v == null ? "" : v.name()));
            n.outputs().forEach(v -> b.addOutput(v.name()));
            for (Map.Entry<String, Attribute> a : n.attributes().asMap().entrySet()) {
                b.addAttribute(attribute(a.getKey(), a.getValue()));
            }
            g.addNode(b);
        }
        return ModelProto.newBuilder().setIrVersion(8).setProducerName("octet").setGraph(g)
                .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(opset)).build();
    }

    /**
     * FusedConv and FusedGemm are Octet's; ONNX has Conv or Gemm followed by the activation. The intermediate
     * value gets the node's result name plus "_preact".
     */
    private static void writeFused(GraphProto.Builder g, Node n) {
        String base = n.op().substring("Fused".length());
        String pre = n.output(0).name() + "_preact";
        NodeProto.Builder op = NodeProto.newBuilder().setOpType(base).addOutput(pre);
        if (n.name() != null) {
            op.setName(n.name());
        }
        n.inputs().forEach(v -> op.addInput(v == null ? "" : v.name()));
        for (Map.Entry<String, Attribute> a : n.attributes().asMap().entrySet()) {
            if (!a.getKey().startsWith("activation")) {
                op.addAttribute(attribute(a.getKey(), a.getValue()));
            }
        }
        g.addNode(op);
        String kind = n.attributes().getString("activation", "");
        float[] params = n.attributes().getFloats("activation_params");
        NodeProto.Builder act = NodeProto.newBuilder().setOpType(kind).addInput(pre).addOutput(n.output(0).name());
        switch (kind) {
            case "LeakyRelu" -> act.addAttribute(attribute("alpha", new Attribute.FloatAttr(params[0])));
            case "Clip" -> {
                for (int i = 0; i < 2; i++) {
                    String bound = n.output(0).name() + (i == 0 ? "_min" : "_max");
                    g.addInitializer(TensorProtoFiles.toProto(dev.octet.ir.Tensor.scalarFloat(params[i]), bound));
                    act.addInput(bound);
                }
            }
            default -> { }
        }
        g.addNode(act);
    }

    /** The first opset in which the op takes the form Octet uses. */
    private static int requiredOpset(Node n) {
        return switch (n.op()) {
            case "LayerNormalization" -> 17;
            case "ReduceMean", "ReduceMax", "ReduceMin" -> n.inputs().size() > 1 ? 18 : 13;
            case "Gelu" -> 20;
            case "Split" -> n.attributes().has("num_outputs") ? 18 : 13;
            default -> 13;
        };
    }

    private static ValueInfoProto valueInfo(Value v) {
        TensorShapeProto.Builder shape = TensorShapeProto.newBuilder();
        for (Dim d : v.type().shape().dims()) {
            shape.addDim(d instanceof Dim.Symbol s ? TensorShapeProto.Dimension.newBuilder().setDimParam(s.name())
                    : TensorShapeProto.Dimension.newBuilder().setDimValue(d.size()));
        }
        return ValueInfoProto.newBuilder().setName(v.name()).setType(TypeProto.newBuilder().setTensorType(
                TypeProto.Tensor.newBuilder().setElemType(v.type().elementType().onnxCode()).setShape(shape))).build();
    }

    private static AttributeProto attribute(String name, Attribute a) {
        AttributeProto.Builder b = AttributeProto.newBuilder().setName(name);
        switch (a) {
            case Attribute.IntAttr i -> b.setType(AttributeProto.AttributeType.INT).setI(i.value());
            case Attribute.FloatAttr f -> b.setType(AttributeProto.AttributeType.FLOAT).setF(f.value());
            case Attribute.StringAttr s -> b.setType(AttributeProto.AttributeType.STRING)
                    .setS(ByteString.copyFrom(s.value(), StandardCharsets.UTF_8));
            case Attribute.IntsAttr l -> {
                b.setType(AttributeProto.AttributeType.INTS);
                for (long v : l.values()) {
                    b.addInts(v);
                }
            }
            case Attribute.FloatsAttr l -> {
                b.setType(AttributeProto.AttributeType.FLOATS);
                for (float v : l.values()) {
                    b.addFloats(v);
                }
            }
            case Attribute.StringsAttr l -> {
                b.setType(AttributeProto.AttributeType.STRINGS);
                l.values().forEach(s -> b.addStrings(ByteString.copyFrom(s, StandardCharsets.UTF_8)));
            }
            case Attribute.TensorAttr t -> b.setType(AttributeProto.AttributeType.TENSOR)
                    .setT(TensorProtoFiles.toProto(t.value(), name));
        }
        return b.build();
    }
}
