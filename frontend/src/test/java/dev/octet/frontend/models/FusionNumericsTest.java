package dev.octet.frontend.models;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.octet.frontend.onnx.OnnxReader;
import dev.octet.ir.Graph;
import dev.octet.ir.Node;
import dev.octet.passes.PassManager;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The fusion and clean-up pipeline changes structure, not results: on every test model the graph before and after
 * gives the same logits on the 1,000-image slice within 1e-5 of each row's largest logit, and the expected fusions
 * happen.
 */
class FusionNumericsTest {
    static final String PIPELINE = "remove-identity,fold-constants,fold-batchnorm,fuse-activation,fuse-matmul-add,"
            + "fuse-gelu,fuse-layernorm,cse,dce";

    @ParameterizedTest
    @CsvSource({
        "fashion-mlp, FusedGemm=2",
        "fashion-cnn, FusedConv=2 FusedGemm=1 BatchNormalization=0",
        "fashion-transformer, LayerNormalization=5 Gelu=2 Erf=0 Sqrt=0",
    })
    void fusionsKeepTheOutputs(String model, String expectedOps) {
        Graph before = OnnxReader.read(FashionModelsTest.TESTDATA.resolve("models/" + model + ".onnx"));
        Graph after = before.copy();
        PassManager.of(PIPELINE).run(after);
        Map<String, Long> ops = after.nodes().stream().collect(Collectors.groupingBy(Node::op, Collectors.counting()));
        for (String expected : expectedOps.split(" ")) {
            String[] kv = expected.split("=");
            assertEquals(Long.parseLong(kv[1]), ops.getOrDefault(kv[0], 0L), model + ": count of " + kv[0]);
        }
        float[] a = FashionModelsTest.logits(before);
        float[] b = FashionModelsTest.logits(after);
        double worst = 0;
        for (int r = 0; r < a.length / 10; r++) {
            double scale = 0;
            for (int c = 0; c < 10; c++) {
                scale = Math.max(scale, Math.abs(a[r * 10 + c]));
            }
            for (int c = 0; c < 10; c++) {
                worst = Math.max(worst, Math.abs(a[r * 10 + c] - b[r * 10 + c]) / scale);
            }
        }
        System.out.printf("%s: %d -> %d nodes, max change of logits %.2e%n", model, before.nodes().size(),
                after.nodes().size(), worst);
        assertTrue(worst <= 1e-5, model + ": fusion changed the logits by " + worst);
    }
}
