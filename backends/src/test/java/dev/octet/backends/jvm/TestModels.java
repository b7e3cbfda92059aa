package dev.octet.backends.jvm;

import dev.octet.frontend.ModelLoader;
import dev.octet.frontend.NpyFormat;
import dev.octet.ir.Graph;
import dev.octet.ir.Tensor;
import dev.octet.passes.PassManager;
import dev.octet.passes.quant.InsertQdqPass;
import dev.octet.passes.quant.StaticQuantizer;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** The project's test models in every form the backend compiles: float, static int8, dynamic int8, QAT. */
final class TestModels {
    static final Path TESTDATA = Path.of(System.getProperty("octet.testdata"));
    private static final Map<String, Graph> CACHE = new ConcurrentHashMap<>();

    private TestModels() {
    }

    static Tensor images(int count) {
        return NpyFormat.read(TESTDATA.resolve("data/fashion-test-1000.npy")).rows(0, count);
    }

    static Graph load(String file) {
        return ModelLoader.load(TESTDATA.resolve(file));
    }

    /** Name -> graph, built once per JVM. */
    static synchronized Map<String, Graph> all() {
        Map<String, Graph> out = new LinkedHashMap<>();
        for (String name : new String[] {"mlp-tiny", "mlp-tiny-int8", "mlp-f32", "cnn-f32", "transformer-f32",
            "mlp-static", "cnn-static", "transformer-static", "mlp-dynamic", "transformer-dynamic", "cnn-qat"}) {
            out.put(name, get(name));
        }
        return out;
    }

    static Graph get(String name) {
        return CACHE.computeIfAbsent(name, TestModels::build).copy();
    }

    private static Graph build(String name) {
        Tensor calib = NpyFormat.read(TESTDATA.resolve("data/fashion-calib-500.npy")).rows(0, 200);
        return switch (name) {
            case "mlp-tiny" -> load("models/mlp-tiny.oir");
            case "mlp-tiny-int8" -> load("models/mlp-tiny-int8.oir");
            case "mlp-f32", "cnn-f32", "transformer-f32" -> {
                Graph g = load("models/fashion-" + name.substring(0, name.indexOf('-')) + ".onnx");
                PassManager.of(StaticQuantizer.PREPARE).run(g);
                yield g;
            }
            case "mlp-static", "cnn-static", "transformer-static" -> StaticQuantizer.quantize(
                    load("models/fashion-" + name.substring(0, name.indexOf('-')) + ".onnx"), calib,
                    InsertQdqPass.Config.DEFAULT).graph();
            case "mlp-dynamic", "transformer-dynamic" -> StaticQuantizer.quantizeDynamic(
                    load("models/fashion-" + name.substring(0, name.indexOf('-')) + ".onnx"));
            case "cnn-qat" -> StaticQuantizer.lowerQdq(load("models/fashion-cnn-qat.onnx"));
            default -> throw new IllegalArgumentException(name);
        };
    }
}
