package dev.octet.passes.quant;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.octet.ir.ElementType;
import dev.octet.ir.Graph;
import dev.octet.ir.Tensor;
import dev.octet.ir.TensorType;
import dev.octet.ir.eval.ReferenceEvaluator;
import dev.octet.ir.text.IrTextParser;
import dev.octet.passes.PassManager;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** signed-weights changes no result: the same int32 accumulators before and after, on random u8 inputs. */
class SignedWeightsPassTest {
    @Test
    void accumulatorsAreUnchanged() {
        Graph before = IrTextParser.parse("""
                graph @g(%x: u8[N,64]) {
                  %w = Constant() {value = random<u8[64,33], 7>} : u8[64,33]
                  %xz = Constant() {value = dense<u8[], [131]>} : u8[]
                  %wz = Constant() {value = dense<u8[], [128]>} : u8[]
                  %y = MatMulInteger(%x, %w, %xz, %wz) : i32[N,33]
                  return %y
                }""", "signed-weights");
        Graph after = before.copy();
        PassManager.of("signed-weights,dce").run(after);
        assertTrue(after.nodes().stream().anyMatch(n -> n.op().equals("MatMulInteger") && n.inputs().size() == 3));
        byte[] x = new byte[5 * 64];
        new Random(1).nextBytes(x);
        Tensor input = Tensor.of(TensorType.of(ElementType.U8, 5, 64), x);
        int[] expected = new ReferenceEvaluator(before).run(List.of(input)).getFirst().ints();
        int[] actual = new ReferenceEvaluator(after).run(List.of(input)).getFirst().ints();
        assertArrayEquals(expected, actual);
    }
}
