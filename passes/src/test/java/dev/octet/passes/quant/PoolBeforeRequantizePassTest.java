package dev.octet.passes.quant;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

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

/**
 * pool-before-requantize changes no result: the same u8 outputs before and after on random inputs, with
 * multipliers and shifts that round both ways, biases of both signs, a ReLU clamp and overlapping 3x3 windows with
 * padding.
 */
class PoolBeforeRequantizePassTest {
    @Test
    void resultsAreBitIdentical() {
        Graph before = IrTextParser.parse("""
                graph @g(%x: u8[N,3,9,9]) {
                  %w = Constant() {value = random<i8[5,3,3,3], 11>} : i8[5,3,3,3]
                  %xz = Constant() {value = dense<u8[], [131]>} : u8[]
                  %b = Constant() {value = dense<i32[5,1,1], [-3000, -1, 0, 77, 2500]>} : i32[5,1,1]
                  %acc = ConvInteger(%x, %w, %xz) {pads = [1, 1, 1, 1]} : i32[N,5,9,9]
                  %accb = Add(%acc, %b) : i32[N,5,9,9]
                  %q = Requantize(%accb) {axis = 1, multiplier = [1073741824, 1305715946, 2002710141, 2147483647, \
                1500000001], shift = [6, 8, 9, -1, 12], scale = 0.5, to = 2, zero_point = 20, clamp_min = 20, \
                clamp_max = 255} : u8<0.5:20>[N,5,9,9]
                  %y = MaxPool(%q) {kernel_shape = [3, 3], strides = [2, 2], pads = [1, 1, 1, 1]} : u8<0.5:20>[N,5,5,5]
                  return %y
                }""".replace("\\\n", ""), "pool-before-requantize");
        Graph after = before.copy();
        PassManager.of("pool-before-requantize,dce").run(after);
        assertEquals("MaxPool", after.nodes().stream().filter(n -> !n.op().equals("Constant")).toList().get(1).op(),
                "the pool now follows the ConvInteger");
        Random random = new Random(2);
        for (int round = 0; round < 5; round++) {
            byte[] x = new byte[4 * 3 * 9 * 9];
            random.nextBytes(x);
            Tensor input = Tensor.of(TensorType.of(ElementType.U8, 4, 3, 9, 9), x);
            byte[] expected = new ReferenceEvaluator(before).run(List.of(input)).getFirst().bytes();
            byte[] actual = new ReferenceEvaluator(after).run(List.of(input)).getFirst().bytes();
            assertArrayEquals(expected, actual);
        }
    }
}
