package dev.octet.frontend.onnx;

import com.google.protobuf.ByteString;
import dev.octet.frontend.onnx.proto.Onnx.AttributeProto;
import dev.octet.frontend.onnx.proto.Onnx.GraphProto;
import dev.octet.frontend.onnx.proto.Onnx.ModelProto;
import dev.octet.frontend.onnx.proto.Onnx.NodeProto;
import dev.octet.frontend.onnx.proto.Onnx.OperatorSetIdProto;
import dev.octet.frontend.onnx.proto.Onnx.TensorProto;
import dev.octet.frontend.onnx.proto.Onnx.TensorShapeProto;
import dev.octet.frontend.onnx.proto.Onnx.TypeProto;
import dev.octet.frontend.onnx.proto.Onnx.ValueInfoProto;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;

/** Builders for small ONNX models in tests. */
final class OnnxModels {
    private OnnxModels() {
    }

    static ValueInfoProto value(String name, int elemType, Object... dims) {
        TensorShapeProto.Builder shape = TensorShapeProto.newBuilder();
        for (Object d : dims) {
            shape.addDim(d instanceof String s ? TensorShapeProto.Dimension.newBuilder().setDimParam(s)
                    : TensorShapeProto.Dimension.newBuilder().setDimValue(((Number) d).longValue()));
        }
        return ValueInfoProto.newBuilder().setName(name).setType(TypeProto.newBuilder()
                .setTensorType(TypeProto.Tensor.newBuilder().setElemType(elemType).setShape(shape))).build();
    }

    static NodeProto node(String op, String name, String[] inputs, String[] outputs, AttributeProto... attrs) {
        NodeProto.Builder b = NodeProto.newBuilder().setOpType(op).setName(name);
        for (String i : inputs) {
            b.addInput(i);
        }
        for (String o : outputs) {
            b.addOutput(o);
        }
        for (AttributeProto a : attrs) {
            b.addAttribute(a);
        }
        return b.build();
    }

    static TensorProto floats(String name, long[] dims, float... values) {
        ByteBuffer raw = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : values) {
            raw.putFloat(v);
        }
        TensorProto.Builder b = TensorProto.newBuilder().setName(name).setDataType(1)
                .setRawData(ByteString.copyFrom(raw.array()));
        for (long d : dims) {
            b.addDims(d);
        }
        return b.build();
    }

    static ModelProto model(int opset, GraphProto graph) {
        return ModelProto.newBuilder().setIrVersion(8).setGraph(graph)
                .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(opset)).build();
    }

    /** x[N,2] -> Relu -> Add(w) -> y, the smallest model the tests vary. */
    static GraphProto.Builder reluAdd() {
        return GraphProto.newBuilder().setName("g")
                .addInput(value("x", 1, "N", 2))
                .addInitializer(floats("w", new long[] {2}, 1f, -1f))
                .addNode(node("Relu", "relu", new String[] {"x"}, new String[] {"r"}))
                .addNode(node("Add", "add", new String[] {"r", "w"}, new String[] {"y"}))
                .addOutput(value("y", 1, "N", 2));
    }

    static Path write(Path dir, String name, ModelProto m) throws IOException {
        Path f = dir.resolve(name);
        Files.write(f, m.toByteArray());
        return f;
    }
}
