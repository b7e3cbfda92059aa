package dev.octet.frontend;

import dev.octet.frontend.onnx.ImportLimits;
import dev.octet.frontend.onnx.OnnxReader;
import dev.octet.ir.Attribute;
import dev.octet.ir.Graph;
import dev.octet.ir.IrException;
import dev.octet.ir.Node;
import dev.octet.ir.Tensor;
import dev.octet.ir.text.IrTextParser;
import dev.octet.ir.verify.Verifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** Reads a model file into a verified graph, choosing the reader by the file's extension. */
public final class ModelLoader {
    private ModelLoader() {
    }

    public static Graph load(Path file) {
        return read(file).graph();
    }

    /** The graph with the files it was read from (for the source hash and up-to-date checks). */
    public static ModelSource read(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new IrException(null, file + ": no such file");
        }
        String name = file.getFileName().toString();
        Set<Path> files = new LinkedHashSet<>();
        files.add(file);
        if (name.endsWith(".oir")) {
            Graph g = IrTextParser.parseFile(file);
            Verifier.verify(g);
            Path dir = file.toAbsolutePath().getParent();
            for (Node n : g.nodes()) {
                for (Attribute a : n.attributes().asMap().values()) {
                    if (a instanceof Attribute.TensorAttr t && t.value().literal() instanceof Tensor.External x) {
                        files.add(dir.resolve(x.path()).normalize());
                    }
                }
            }
            return new ModelSource(g, List.copyOf(files));
        }
        if (name.endsWith(".onnx")) {
            Graph g = OnnxReader.read(file, ImportLimits.DEFAULT, files::add);
            return new ModelSource(g, List.copyOf(files));
        }
        throw new IrException(null, file + ": unknown model format (expected .onnx or .oir)");
    }
}
