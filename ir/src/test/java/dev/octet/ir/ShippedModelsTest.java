package dev.octet.ir;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.octet.ir.eval.ReferenceEvaluator;
import dev.octet.ir.text.IrTextParser;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The models in testdata/models, evaluated and compared with independent straight-line computations. */
class ShippedModelsTest {
    private static final Path MODELS = Path.of(System.getProperty("octet.testdata"), "models");

    @Test
    void int8ModelMatchesAHandWrittenIntegerPipelineBitForBit() {
        Graph g = IrTextParser.parseFile(MODELS.resolve("mlp-tiny-int8.oir"));
        Tensor x = Tensor.random(TensorType.of(ElementType.F32, 5, 16), 99);
        float[] y = new ReferenceEvaluator(g).run(List.of(x)).getFirst().floats();

        byte[] w = Tensor.random(TensorType.of(ElementType.I8, 16, 32), 1).bytes();
        float[] expected = new float[5 * 32];
        for (int r = 0; r < 5; r++) {
            for (int c = 0; c < 32; c++) {
                int acc = 0;
                for (int k = 0; k < 16; k++) {
                    float scaled = x.floats()[r * 16 + k] / 0.02f;
                    long q = Math.max(0, Math.min(255, (long) Math.rint(scaled) + 128));
                    acc += (int) (q - 128) * w[k * 32 + c];
                }
                expected[r * 32 + c] = Math.max(0f, acc * 0.0001f);
            }
        }
        assertArrayEquals(expected, y);
    }

    @Test
    void floatModelGivesProbabilities() {
        Graph g = IrTextParser.parseFile(MODELS.resolve("mlp-tiny.oir"));
        Tensor x = Tensor.random(TensorType.of(ElementType.F32, 3, 16), 5);
        Tensor y = new ReferenceEvaluator(g).run(List.of(x)).getFirst();
        assertEquals(Shape.of(3, 4), y.shape());
        for (int r = 0; r < 3; r++) {
            double sum = 0;
            for (int c = 0; c < 4; c++) {
                sum += y.floats()[r * 4 + c];
            }
            assertEquals(1.0, sum, 1e-6);
        }
    }
}
