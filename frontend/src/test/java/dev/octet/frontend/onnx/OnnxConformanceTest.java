package dev.octet.frontend.onnx;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.octet.ir.Graph;
import dev.octet.ir.IrException;
import dev.octet.ir.Tensor;
import dev.octet.ir.eval.ReferenceEvaluator;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The ONNX backend test suite (Debian package libonnx-testdata): every model is read and evaluated with the
 * reference evaluator on each of its data sets, and compared with the expected outputs at the suite's tolerance
 * (rtol 1e-3, atol 1e-7; integers exactly). Cases with unsupported operators, opsets or types are counted by
 * reason; every other case must pass.
 */
class OnnxConformanceTest {
    static final Path SUITE = Path.of(System.getProperty("octet.onnx.testdata", "/usr/share/libonnx-testdata/data"));
    private static final List<String> PARTS = List.of("node", "pytorch-converted", "pytorch-operator", "simple");

    record Outcome(String kind, String detail) {
    }

    @Test
    void backendTestSuite() throws IOException {
        assertTrue(Files.isDirectory(SUITE), SUITE + " is missing: install the Debian package libonnx-testdata");
        Map<String, Integer> unsupported = new TreeMap<>();
        List<String> failures = new ArrayList<>();
        List<String> passedNames = new ArrayList<>();
        int passed = 0;
        int total = 0;
        for (String part : PARTS) {
            List<Path> cases;
            try (Stream<Path> s = Files.list(SUITE.resolve(part))) {
                cases = s.filter(p -> Files.exists(p.resolve("model.onnx"))).sorted().toList();
            }
            for (Path c : cases) {
                total++;
                Outcome o = run(c);
                switch (o.kind()) {
                    case "pass" -> {
                        passed++;
                        passedNames.add(part + "/" + c.getFileName());
                    }
                    case "unsupported" -> unsupported.merge(o.detail(), 1, Integer::sum);
                    default -> failures.add(part + "/" + c.getFileName() + ": " + o.detail());
                }
            }
        }
        int unsupportedCount = unsupported.values().stream().mapToInt(Integer::intValue).sum();
        System.out.printf("ONNX backend test suite: %d cases, %d passed, %d failed, %d unsupported%n",
                total, passed, failures.size(), unsupportedCount);
        unsupported.forEach((reason, n) -> System.out.printf("  unsupported %4d  %s%n", n, reason));
        failures.forEach(f -> System.out.println("  FAILED " + f));
        Files.write(Path.of("target", "onnx-conformance-passed.txt"), passedNames);
        assertTrue(total > 500, "expected the whole suite, found " + total + " cases");
        assertTrue(failures.isEmpty(), failures.size() + " supported cases failed:\n" + String.join("\n", failures));
    }

    /**
     * Ops whose definition has not changed from opset 10 to the opsets Octet reads. The suite's only cases for
     * them are opset 10 files, which are re-stamped as opset 11 so that they are checked all the same.
     */
    static final java.util.Set<String> UNCHANGED_SINCE_10 =
            java.util.Set.of("QLinearConv", "QLinearMatMul", "MatMulInteger", "ConvInteger");

    static Path restampedIfOpset10Quantized(Path model) throws IOException {
        var m = dev.octet.frontend.onnx.proto.Onnx.ModelProto.parseFrom(Files.readAllBytes(model));
        boolean opset10 = m.getOpsetImportList().stream().anyMatch(o -> o.getDomain().isEmpty() && o.getVersion() == 10);
        boolean quantized = m.getGraph().getNodeList().stream().allMatch(n -> UNCHANGED_SINCE_10.contains(n.getOpType()));
        if (!opset10 || !quantized) {
            return model;
        }
        var restamped = m.toBuilder().clearOpsetImport().addOpsetImport(
                dev.octet.frontend.onnx.proto.Onnx.OperatorSetIdProto.newBuilder().setDomain("").setVersion(11)).build();
        Path tmp = Files.createTempFile("restamped", ".onnx");
        Files.write(tmp, restamped.toByteArray());
        return tmp;
    }

    static Outcome run(Path dir) {
        Graph g;
        try {
            g = OnnxReader.read(restampedIfOpset10Quantized(dir.resolve("model.onnx")));
        } catch (UnsupportedModelException e) {
            return new Outcome("unsupported", "op " + String.join(", ", e.operators().stream().sorted().toList()));
        } catch (IrException e) {
            String m = e.getMessage();
            if (m.contains("opset")) {
                return new Outcome("unsupported", "opset outside 11..21");
            }
            if (m.contains("which Octet does not support") || m.contains("not supported")) {
                return new Outcome("unsupported", m.replaceAll("^.*?: ", "").replaceAll("'[^']*'", "'…'"));
            }
            return new Outcome("fail", "read: " + m);
        } catch (RuntimeException | IOException e) {
            return new Outcome("fail", "read crashed: " + e + " at " + e.getStackTrace()[0]);
        }
        try (Stream<Path> sets = Files.list(dir)) {
            for (Path set : sets.filter(p -> p.getFileName().toString().startsWith("test_data_set")).sorted().toList()) {
                List<Tensor> inputs = new ArrayList<>();
                for (int i = 0; Files.exists(set.resolve("input_" + i + ".pb")); i++) {
                    inputs.add(TensorProtoFiles.read(set.resolve("input_" + i + ".pb")));
                }
                List<Tensor> actual = new ReferenceEvaluator(g).run(inputs);
                for (int i = 0; Files.exists(set.resolve("output_" + i + ".pb")); i++) {
                    Tensor expected = TensorProtoFiles.read(set.resolve("output_" + i + ".pb"));
                    String diff = compare(expected, actual.get(i));
                    if (diff != null) {
                        return new Outcome("fail", set.getFileName() + " output " + i + ": " + diff);
                    }
                }
            }
        } catch (IOException | RuntimeException e) {
            String m = String.valueOf(e.getMessage());
            if (m.contains("not supported") || m.contains("which Octet does not support")) {
                return new Outcome("unsupported", m.replaceAll("^.*?: ", "").replaceAll("'[^']*'", "'…'"));
            }
            return new Outcome("fail", "run: " + e);
        }
        return new Outcome("pass", "");
    }

    /** Null when equal within the suite's tolerance, else a description of the first difference. */
    static String compare(Tensor expected, Tensor actual) {
        if (!expected.shape().equals(actual.shape()) || expected.elementType() != actual.elementType()) {
            return "expected " + expected.type() + ", got " + actual.type();
        }
        for (int i = 0; i < expected.size(); i++) {
            if (expected.elementType().isFloat()) {
                double e = expected.getDouble(i);
                double a = actual.getDouble(i);
                boolean same = (Double.isNaN(e) && Double.isNaN(a)) || e == a || Math.abs(a - e) <= 1e-7 + 1e-3 * Math.abs(e);
                if (!same) {
                    return "element " + i + ": expected " + e + ", got " + a;
                }
            } else if (expected.getLong(i) != actual.getLong(i)) {
                return "element " + i + ": expected " + expected.getLong(i) + ", got " + actual.getLong(i);
            }
        }
        return null;
    }
}
