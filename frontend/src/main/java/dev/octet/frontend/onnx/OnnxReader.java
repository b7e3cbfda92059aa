package dev.octet.frontend.onnx;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.octet.frontend.onnx.proto.Onnx.GraphProto;
import dev.octet.frontend.onnx.proto.Onnx.ModelProto;
import dev.octet.frontend.onnx.proto.Onnx.NodeProto;
import dev.octet.frontend.onnx.proto.Onnx.OperatorSetIdProto;
import dev.octet.ir.Graph;
import dev.octet.ir.IrException;
import dev.octet.ir.ops.OpRegistry;
import dev.octet.ir.verify.Verifier;
import dev.octet.passes.PassContext;
import dev.octet.passes.transforms.DeadCodeEliminationPass;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Reads an ONNX model (opsets 11 to 21) into a verified graph. Either the whole model imports or the reader
 * throws one {@link OnnxException} naming the file and the problem: a model with unsupported operators is
 * rejected with the list of all of them, never imported in part.
 */
public final class OnnxReader {
    public static final int MIN_OPSET = 11;
    public static final int MAX_OPSET = 21;

    private OnnxReader() {
    }

    public static Graph read(Path file) {
        return read(file, ImportLimits.DEFAULT);
    }

    public static Graph read(Path file, ImportLimits limits) {
        return read(file, limits, dataFile -> { });
    }

    /** As {@link #read(Path, ImportLimits)}, telling {@code dataFiles} each external data file it reads. */
    public static Graph read(Path file, ImportLimits limits, Consumer<Path> dataFiles) {
        ModelProto model = parse(file, limits);
        int opset = opset(model, file);
        GraphProto g = model.getGraph();
        if (g.getNodeCount() > limits.maxNodes()) {
            throw new OnnxException(file + ": " + g.getNodeCount() + " nodes, more than the limit " + limits.maxNodes());
        }
        rejectUnsupported(g, file);
        Path dir = file.toAbsolutePath().getParent();
        Graph graph;
        try {
            graph = new GraphImporter(file.toString(), opset, new TensorDecoder(dir, limits, dataFiles)).importGraph(g);
        } catch (OnnxException e) {
            throw e;
        } catch (IrException e) {
            throw new OnnxException(file + ": " + e.getMessage(), e);
        }
        new DeadCodeEliminationPass().run(graph, new PassContext());
        Verifier.verify(graph);
        return graph;
    }

    static ModelProto parse(Path file, ImportLimits limits) {
        try {
            long size = Files.size(file);
            if (size > limits.maxFileBytes()) {
                throw new OnnxException(file + ": " + size + " bytes, more than the limit " + limits.maxFileBytes());
            }
            CodedInputStream in = CodedInputStream.newInstance(Files.readAllBytes(file));
            in.setRecursionLimit(64);
            ModelProto model = ModelProto.parseFrom(in);
            if (!model.hasGraph()) {
                throw new OnnxException(file + ": not an ONNX model (no graph)");
            }
            return model;
        } catch (InvalidProtocolBufferException e) {
            throw new OnnxException(file + ": not a valid ONNX model (truncated or corrupt protobuf: "
                    + e.getMessage() + ")");
        } catch (IOException e) {
            throw new OnnxException(file + ": cannot read: " + e.getMessage());
        }
    }

    private static int opset(ModelProto model, Path file) {
        for (OperatorSetIdProto o : model.getOpsetImportList()) {
            if (o.getDomain().isEmpty() || o.getDomain().equals("ai.onnx")) {
                long v = o.getVersion();
                if (v < MIN_OPSET || v > MAX_OPSET) {
                    throw new OnnxException(file + ": opset " + v + " is not supported (Octet reads opsets "
                            + MIN_OPSET + " to " + MAX_OPSET + ")");
                }
                return (int) v;
            }
        }
        throw new OnnxException(file + ": the model imports no version of the default ONNX opset");
    }

    /** One error listing every unsupported operator, with counts and the first node of each. */
    private static void rejectUnsupported(GraphProto g, Path file) {
        Map<String, int[]> counts = new LinkedHashMap<>();
        Map<String, String> first = new LinkedHashMap<>();
        OpRegistry registry = OpRegistry.standard();
        for (NodeProto n : g.getNodeList()) {
            boolean defaultDomain = n.getDomain().isEmpty() || n.getDomain().equals("ai.onnx");
            String op = defaultDomain ? n.getOpType() : n.getDomain() + "." + n.getOpType();
            if (!defaultDomain || registry.find(n.getOpType()) == null) {
                counts.computeIfAbsent(op, k -> new int[1])[0]++;
                first.putIfAbsent(op, GraphImporter.describe(n));
            }
        }
        if (!counts.isEmpty()) {
            StringBuilder sb = new StringBuilder(file + ": unsupported operators: ");
            boolean comma = false;
            for (Map.Entry<String, int[]> e : counts.entrySet()) {
                sb.append(comma ? ", " : "").append(e.getKey()).append(" (").append(e.getValue()[0])
                        .append(e.getValue()[0] == 1 ? " node" : " nodes").append(", first ")
                        .append(first.get(e.getKey())).append(')');
                comma = true;
            }
            throw new UnsupportedModelException(sb.toString(), counts.keySet());
        }
    }
}
