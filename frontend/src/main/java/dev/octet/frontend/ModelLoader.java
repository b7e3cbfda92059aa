package dev.octet.frontend;

import dev.octet.frontend.onnx.OnnxReader;
import dev.octet.ir.Graph;
import dev.octet.ir.IrException;
import dev.octet.ir.text.IrTextParser;
import dev.octet.ir.verify.Verifier;
import java.nio.file.Files;
import java.nio.file.Path;

/** Reads a model file into a verified graph, choosing the reader by the file's extension. */
public final class ModelLoader {
    private ModelLoader() {
    }

    public static Graph load(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new IrException(null, file + ": no such file");
        }
        String name = file.getFileName().toString();
        if (name.endsWith(".oir")) {
            Graph g = IrTextParser.parseFile(file);
            Verifier.verify(g);
            return g;
        }
        if (name.endsWith(".onnx")) {
            return OnnxReader.read(file);
        }
        throw new IrException(null, file + ": unknown model format (expected .onnx or .oir)");
    }
}
