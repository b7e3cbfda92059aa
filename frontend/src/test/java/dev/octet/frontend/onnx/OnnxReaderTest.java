package dev.octet.frontend.onnx;

import static dev.octet.frontend.onnx.OnnxModels.floats;
import static dev.octet.frontend.onnx.OnnxModels.model;
import static dev.octet.frontend.onnx.OnnxModels.node;
import static dev.octet.frontend.onnx.OnnxModels.reluAdd;
import static dev.octet.frontend.onnx.OnnxModels.value;
import static dev.octet.frontend.onnx.OnnxModels.write;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import dev.octet.frontend.onnx.proto.Onnx.GraphProto;
import dev.octet.frontend.onnx.proto.Onnx.StringStringEntryProto;
import dev.octet.frontend.onnx.proto.Onnx.TensorProto;
import dev.octet.ir.Graph;
import dev.octet.ir.Shape;
import dev.octet.ir.Tensor;
import dev.octet.ir.eval.ReferenceEvaluator;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OnnxReaderTest {
    @TempDir
    Path dir;

    private OnnxException rejects(GraphProto.Builder g, String expected) throws Exception {
        Path f = write(dir, "m.onnx", model(17, g.build()));
        OnnxException e = assertThrows(OnnxException.class, () -> OnnxReader.read(f));
        assertTrue(e.getMessage().startsWith(f + ": ") && e.getMessage().contains(expected), e.getMessage());
        assertTrue(!e.getMessage().contains("\n"), "one line: " + e.getMessage());
        return e;
    }

    @Test
    void readsAndRunsASmallModel() throws Exception {
        Graph g = OnnxReader.read(write(dir, "m.onnx", model(17, reluAdd().build())));
        assertEquals("f32[N,2]", g.inputs().getFirst().type().toString());
        Tensor y = new ReferenceEvaluator(g).run(List.of(Tensor.ofFloats(Shape.of(2, 2), -1, 2, 3, -4))).getFirst();
        assertArrayEquals(new float[] {1, 1, 4, -1}, y.floats());
    }

    @Test
    void nodesOutOfOrderAreSorted() throws Exception {
        GraphProto.Builder g = reluAdd();
        var relu = g.getNode(0);
        g.removeNode(0).addNode(relu);
        List<String> ops = OnnxReader.read(write(dir, "m.onnx", model(17, g.build()))).nodes().stream()
                .map(dev.octet.ir.Node::op).toList();
        assertEquals(List.of("Constant", "Relu", "Add"), ops);
    }

    @Test
    void typedFieldsAndExternalData() throws Exception {
        Files.write(dir.resolve("w.bin"), new byte[] {0, 0, 0, 0, 0, 0, (byte) 0x80, 0x3f, 0, 0, 0, (byte) 0xc0});
        TensorProto external = TensorProto.newBuilder().setName("w").setDataType(1).addDims(2)
                .setDataLocation(TensorProto.DataLocation.EXTERNAL)
                .addExternalData(StringStringEntryProto.newBuilder().setKey("location").setValue("w.bin"))
                .addExternalData(StringStringEntryProto.newBuilder().setKey("offset").setValue("4")).build();
        GraphProto.Builder g = reluAdd().setInitializer(0, external);
        Graph graph = OnnxReader.read(write(dir, "m.onnx", model(17, g.build())));
        assertArrayEquals(new float[] {1f, -2f}, graph.nodes().getFirst().attributes().getTensor("value").floats());

        TensorProto typed = TensorProto.newBuilder().setName("w").setDataType(1).addDims(2)
                .addFloatData(0.5f).addFloatData(0.25f).build();
        graph = OnnxReader.read(write(dir, "m2.onnx", model(17, reluAdd().setInitializer(0, typed).build())));
        assertArrayEquals(new float[] {0.5f, 0.25f}, graph.nodes().getFirst().attributes().getTensor("value").floats());
    }

    @Test
    void truncatedOrCorruptProtobuf() throws Exception {
        byte[] bytes = model(17, reluAdd().build()).toByteArray();
        Path truncated = dir.resolve("t.onnx");
        Files.write(truncated, java.util.Arrays.copyOf(bytes, bytes.length / 2));
        OnnxException e = assertThrows(OnnxException.class, () -> OnnxReader.read(truncated));
        assertTrue(e.getMessage().contains("not a valid ONNX model"), e.getMessage());
        Path garbage = dir.resolve("g.onnx");
        Files.writeString(garbage, "this is not a protobuf at all, just text\n");
        assertThrows(OnnxException.class, () -> OnnxReader.read(garbage));
    }

    @Test
    void dataSizeDisagreesWithShape() throws Exception {
        rejects(reluAdd().setInitializer(0, floats("w", new long[] {3}, 1f, 2f)),
                "initializer 'w' of type f32[3] needs 12 bytes of raw_data, has 8");
    }

    @Test
    void overflowingAndHugeDimensionsAreRejectedBeforeAllocation() throws Exception {
        rejects(reluAdd().setInitializer(0, floats("w", new long[] {Long.MAX_VALUE, 4}, 1f)), "overflow");
        // 1e12 elements declared in a tiny file: a fast, clear error, no allocation.
        assertTimeoutPreemptively(Duration.ofSeconds(5), () ->
                rejects(reluAdd().setInitializer(0, floats("w", new long[] {1_000_000, 1_000_000}, 1f)),
                        "has 1000000000000 elements, more than the limit"));
        rejects(reluAdd().setInitializer(0, floats("w", new long[] {-2}, 1f)), "negative dimension");
    }

    @Test
    void cyclesAndDanglingNames() throws Exception {
        GraphProto.Builder cycle = GraphProto.newBuilder().setName("g").addInput(value("x", 1, 2))
                .addNode(node("Add", "a", new String[] {"x", "c"}, new String[] {"b"}))
                .addNode(node("Relu", "r", new String[] {"b"}, new String[] {"c"}))
                .addOutput(value("c", 1, 2));
        rejects(cycle, "the graph has a cycle through node 'a' (Add), node 'r' (Relu)");
        rejects(reluAdd().setNode(1, node("Add", "add", new String[] {"r", "nowhere"}, new String[] {"y"})),
                "node 'add' (Add): reads 'nowhere', which no input, initializer or node defines");
        rejects(reluAdd().setOutput(0, value("missing", 1, "N", 2)), "graph output 'missing' is not produced");
    }

    @Test
    void missingOrEscapingExternalData() throws Exception {
        TensorProto.Builder t = TensorProto.newBuilder().setName("w").setDataType(1).addDims(2)
                .setDataLocation(TensorProto.DataLocation.EXTERNAL);
        rejects(reluAdd().setInitializer(0, t.clone().addExternalData(StringStringEntryProto.newBuilder()
                .setKey("location").setValue("absent.bin")).build()), "cannot read external data 'absent.bin'");
        rejects(reluAdd().setInitializer(0, t.clone().addExternalData(StringStringEntryProto.newBuilder()
                .setKey("location").setValue("../../etc/passwd")).build()), "is outside the model's directory");
        Files.write(dir.resolve("short.bin"), new byte[4]);
        rejects(reluAdd().setInitializer(0, t.clone().addExternalData(StringStringEntryProto.newBuilder()
                .setKey("location").setValue("short.bin")).build()), "has 4 bytes, the tensor needs 8");
    }

    @Test
    void unsupportedOperatorsAreAllListedAndNothingIsImported() throws Exception {
        GraphProto.Builder g = reluAdd()
                .addNode(node("Frob", "f1", new String[] {"y"}, new String[] {"z1"}))
                .addNode(node("Frob", "f2", new String[] {"z1"}, new String[] {"z2"}))
                .addNode(node("Zap", "z", new String[] {"z2"}, new String[] {"z3"}))
                .addNode(node("Gelu", "contrib", new String[] {"z3"}, new String[] {"z4"}).toBuilder()
                        .setDomain("com.microsoft").build());
        OnnxException e = rejects(g, "unsupported operators: Frob (2 nodes, first node 'f1' (Frob)), "
                + "Zap (1 node, first node 'z' (Zap)), com.microsoft.Gelu (1 node, first node 'contrib' (Gelu))");
        assertTrue(e instanceof UnsupportedModelException);
    }

    @Test
    void opsetsOutsideTheSupportedRange() throws Exception {
        Path f = write(dir, "old.onnx", model(9, reluAdd().build()));
        OnnxException e = assertThrows(OnnxException.class, () -> OnnxReader.read(f));
        assertEquals(f + ": opset 9 is not supported (Octet reads opsets 11 to 21)", e.getMessage());
    }

    @Test
    void tensorProtoFilesRoundTrip() {
        Tensor t = Tensor.random(dev.octet.ir.TensorType.of(dev.octet.ir.ElementType.I8, 3, 4), 2).withLiteral(null);
        Path f = dir.resolve("t.pb");
        TensorProtoFiles.write(t, "t", f);
        assertEquals(t, TensorProtoFiles.read(f));
    }

    @Test
    void symbolicBatchReshapeChainsBecomeConstantTargets() throws Exception {
        // y = Reshape(x, Concat(Unsqueeze(Gather(Shape(x), 0)), [6])), as PyTorch exports x.reshape(x.shape[0], 6).
        TensorProto zero = TensorProto.newBuilder().setName("zero").setDataType(7).addInt64Data(0).build();
        TensorProto axes = TensorProto.newBuilder().setName("axes").setDataType(7).addDims(1).addInt64Data(0).build();
        TensorProto six = TensorProto.newBuilder().setName("six").setDataType(7).addDims(1).addInt64Data(6).build();
        GraphProto g = GraphProto.newBuilder().setName("g").addInput(value("x", 1, "batch", 2, 3))
                .addInitializer(zero).addInitializer(axes).addInitializer(six)
                .addNode(node("Shape", "shape", new String[] {"x"}, new String[] {"s"}))
                .addNode(node("Gather", "gather", new String[] {"s", "zero"}, new String[] {"b"}))
                .addNode(node("Unsqueeze", "unsqueeze", new String[] {"b", "axes"}, new String[] {"b1"}))
                .addNode(node("Concat", "concat", new String[] {"b1", "six"}, new String[] {"target"},
                        dev.octet.frontend.onnx.proto.Onnx.AttributeProto.newBuilder().setName("axis")
                                .setType(dev.octet.frontend.onnx.proto.Onnx.AttributeProto.AttributeType.INT)
                                .setI(0).build()))
                .addNode(node("Reshape", "reshape", new String[] {"x", "target"}, new String[] {"y"}))
                .addOutput(value("y", 1, "batch", 6)).build();
        Graph graph = OnnxReader.read(write(dir, "r.onnx", model(17, g)));
        assertEquals("f32[batch,6]", graph.outputs().getFirst().type().toString());
        assertTrue(graph.nodes().stream().noneMatch(n -> n.op().equals("Shape")), "the shape chain is gone");
        Tensor y = new ReferenceEvaluator(graph).run(List.of(Tensor.zeros(
                dev.octet.ir.TensorType.of(dev.octet.ir.ElementType.F32, 5, 2, 3)))).getFirst();
        assertEquals(Shape.of(5, 6), y.shape());
    }

    @Test
    void rawDataIsReadAsLittleEndian() throws Exception {
        TensorProto t = TensorProto.newBuilder().setName("w").setDataType(1).addDims(2)
                .setRawData(ByteString.copyFrom(new byte[] {0, 0, (byte) 0x80, 0x3f, 0, 0, 0, 0x40})).build();
        Graph g = OnnxReader.read(write(dir, "m.onnx", model(17, reluAdd().setInitializer(0, t).build())));
        assertArrayEquals(new float[] {1f, 2f}, g.nodes().getFirst().attributes().getTensor("value").floats());
    }
}
