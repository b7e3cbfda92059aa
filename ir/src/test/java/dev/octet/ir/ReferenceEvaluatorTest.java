package dev.octet.ir;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.octet.ir.eval.ReferenceEvaluator;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Reference semantics, checked against values worked out by hand (or by a second, naive computation). */
class ReferenceEvaluatorTest {

    @Test
    void gemmWithTransposedWeightAndBias() {
        float[] y = Graphs.runFloats("""
                graph @g(%x: f32[N,2]) {
                  %w = Constant() {value = dense<f32[3,2], [1.0, 2.0, 3.0, 4.0, 5.0, 6.0]>} : f32[3,2]
                  %b = Constant() {value = dense<f32[3], [0.5, 0.0, -1.0]>} : f32[3]
                  %y = Gemm(%x, %w, %b) {alpha = 2.0, transB = 1} : f32[N,3]
                  return %y
                }""", Tensor.ofFloats(Shape.of(2, 2), 1, 1, 0, -1));
        // row 0: 2*[3, 7, 11] + b; row 1: 2*[-2, -4, -6] + b
        assertArrayEquals(new float[] {6.5f, 14f, 21f, -3.5f, -8f, -13f}, y);
    }

    @Test
    void matmulBroadcastsBatchDimensions() {
        Tensor a = Tensor.random(TensorType.of(ElementType.F32, 2, 1, 3, 4), 1);
        Tensor b = Tensor.random(TensorType.of(ElementType.F32, 5, 4, 2), 2);
        float[] y = Graphs.runFloats("""
                graph @g(%a: f32[2,1,3,4], %b: f32[5,4,2]) {
                  %y = MatMul(%a, %b) : f32[2,5,3,2]
                  return %y
                }""", a, b);
        float[] av = a.floats();
        float[] bv = b.floats();
        for (int i = 0; i < 2; i++) {
            for (int j = 0; j < 5; j++) {
                for (int m = 0; m < 3; m++) {
                    for (int n = 0; n < 2; n++) {
                        double acc = 0;
                        for (int k = 0; k < 4; k++) {
                            acc += (double) av[i * 12 + m * 4 + k] * bv[j * 8 + k * 2 + n];
                        }
                        assertEquals((float) acc, y[((i * 5 + j) * 3 + m) * 2 + n]);
                    }
                }
            }
        }
    }

    @Test
    void quantizeLinearRoundsHalfToEvenAndSaturates() {
        List<Tensor> out = Graphs.run("""
                graph @g(%x: f32[8]) {
                  %s = Constant() {value = dense<f32[], [1.0]>} : f32[]
                  %zp = Constant() {value = dense<i8[], [-1]>} : i8[]
                  %q = QuantizeLinear(%x, %s, %zp) : i8<1.0:-1>[8]
                  return %q
                }""", Tensor.ofFloats(Shape.of(8), 0.5f, 1.5f, 2.5f, -0.5f, -1.5f, 1000f, Float.NaN,
                Float.NEGATIVE_INFINITY));
        // round(x) + zp: 0-1, 2-1, 2-1, -0-1, -2-1, saturated, NaN -> zp, -inf -> -128
        assertArrayEquals(new byte[] {-1, 1, 1, -1, -3, 127, -1, -128}, out.getFirst().bytes());
        assertEquals(new Quantization.PerTensor(1.0f, -1), out.getFirst().type().quantization());
    }

    @Test
    void quantizeToUint8ByDefaultAndDequantizePerAxis() {
        Tensor q = Graphs.run("""
                graph @g(%x: f32[2,3]) {
                  %s = Constant() {value = dense<f32[3], [0.5, 1.0, 2.0]>} : f32[3]
                  %q = QuantizeLinear(%x, %s) : u8<axis=1, {0.5:0, 1.0:0, 2.0:0}>[2,3]
                  return %q
                }""", Tensor.ofFloats(Shape.of(2, 3), 1, 1, 1, -4, 300, 600)).getFirst();
        assertArrayEquals(new long[] {2, 1, 0, 0, 255, 255}, q.toLongs());
        float[] y = Graphs.runFloats("""
                graph @g(%q: u8[2,3]) {
                  %s = Constant() {value = dense<f32[3], [0.5, 1.0, 2.0]>} : f32[3]
                  %zp = Constant() {value = dense<u8[3], [0, 10, 255]>} : u8[3]
                  %y = DequantizeLinear(%q, %s, %zp) {axis = 1} : f32[2,3]
                  return %y
                }""", q.withType(TensorType.of(ElementType.U8, 2, 3)));
        // (q - zp) * s, per column
        assertArrayEquals(new float[] {1f, -9f, -510f, 0f, 245f, 0f}, y);
    }

    @Test
    void matmulIntegerAccumulatesInInt32WithWrapAround() {
        // 2^17 products of 127*127 exceed int32: the accumulator wraps, as 32-bit hardware does.
        int k = 1 << 17;
        byte[] ones = new byte[k];
        java.util.Arrays.fill(ones, (byte) 127);
        Tensor a = Tensor.of(TensorType.of(ElementType.I8, 1, k), ones);
        Tensor b = Tensor.of(TensorType.of(ElementType.I8, k, 1), ones.clone());
        List<Tensor> out = Graphs.run("""
                graph @g(%a: i8[1,131072], %b: i8[131072,1]) {
                  %y = MatMulInteger(%a, %b) : i32[1,1]
                  return %y
                }""", a, b);
        assertEquals((int) (127L * 127L * k), out.getFirst().ints()[0]);
    }

    @Test
    void softmaxAlongAxisIsStableForLargeLogits() {
        float[] y = Graphs.runFloats("""
                graph @g(%x: f32[2,2]) {
                  %y = Softmax(%x) {axis = 0} : f32[2,2]
                  return %y
                }""", Tensor.ofFloats(Shape.of(2, 2), 1000f, 0f, 1000f, (float) Math.log(3)));
        assertArrayEquals(new float[] {0.5f, 0.25f, 0.5f, 0.75f}, y, 1e-7f);
    }

    @Test
    void transposeOfRank3MatchesIndexArithmetic() {
        Tensor x = Tensor.random(TensorType.of(ElementType.F32, 2, 3, 4), 7);
        float[] y = Graphs.runFloats("""
                graph @g(%x: f32[2,3,4]) {
                  %y = Transpose(%x) {perm = [2, 0, 1]} : f32[4,2,3]
                  return %y
                }""", x);
        for (int i = 0; i < 2; i++) {
            for (int j = 0; j < 3; j++) {
                for (int k = 0; k < 4; k++) {
                    assertEquals(x.floats()[(i * 3 + j) * 4 + k], y[(k * 2 + i) * 3 + j]);
                }
            }
        }
    }

    @Test
    void broadcastingAddAndSymbolicBatch() {
        String text = """
                graph @g(%x: f32[N,1,3], %y: f32[2,1]) {
                  %z = Add(%x, %y) : f32[N,2,3]
                  %s = Constant() {value = dense<i64[2], [0, -1]>} : i64[2]
                  %r = Reshape(%z, %s) : f32[N,6]
                  return %r
                }""";
        float[] r = Graphs.runFloats(text, Tensor.ofFloats(Shape.of(1, 1, 3), 1, 2, 3), Tensor.ofFloats(Shape.of(2, 1), 10, 20));
        assertArrayEquals(new float[] {11, 12, 13, 21, 22, 23}, r);
        // The same graph with a batch of 3.
        Tensor x3 = Tensor.ofFloats(Shape.of(3, 1, 3), new float[9]);
        List<Tensor> out = Graphs.run(text, x3, Tensor.ofFloats(Shape.of(2, 1), 10, 20));
        assertEquals(Shape.of(3, 6), out.getFirst().shape());
    }

    @Test
    void inputsAreCheckedAgainstDeclaredTypes() {
        ReferenceEvaluator eval = new ReferenceEvaluator(Graphs.parse("""
                graph @g(%x: f32[N,2], %y: f32[N,2]) {
                  %z = Add(%x, %y) : f32[N,2]
                  return %z
                }"""));
        IrException batch = assertThrows(IrException.class, () -> eval.run(List.of(
                Tensor.ofFloats(Shape.of(1, 2), 1, 2), Tensor.ofFloats(Shape.of(2, 2), 1, 2, 3, 4))));
        assertTrue(batch.getMessage().contains("N is already 1"), batch.getMessage());
        IrException width = assertThrows(IrException.class, () -> eval.run(List.of(
                Tensor.ofFloats(Shape.of(1, 3), 1, 2, 3), Tensor.ofFloats(Shape.of(1, 3), 1, 2, 3))));
        assertTrue(width.getMessage().contains("declared f32[N,2]"), width.getMessage());
        IrException count = assertThrows(IrException.class, () -> eval.run(List.of()));
        assertTrue(count.getMessage().contains("takes 2 inputs"), count.getMessage());
    }

    @Test
    void runtimeErrorsNameTheNode() {
        ReferenceEvaluator eval = new ReferenceEvaluator(Graphs.parse("""
                graph @g(%x: i32[2], %y: i32[2]) {
                  %z = Div(%x, %y) : i32[2] loc("divide")
                  return %z
                }"""));
        IrException e = assertThrows(IrException.class, () -> eval.run(List.of(
                Tensor.of(TensorType.of(ElementType.I32, 2), new int[] {1, 2}),
                Tensor.of(TensorType.of(ElementType.I32, 2), new int[] {1, 0}))));
        assertEquals("<test>:2:3: node 'divide' (Div): integer division by zero", e.getMessage());
    }

    @Test
    void observerSeesEveryValue() {
        List<String> seen = new ArrayList<>();
        new ReferenceEvaluator(Graphs.parse("""
                graph @g(%x: f32[2]) {
                  %a = Relu(%x) : f32[2]
                  %b = Neg(%a) : f32[2]
                  return %b
                }""")).run(List.of(Tensor.ofFloats(Shape.of(2), -1, 1)), (v, t) -> seen.add(v.name()));
        assertEquals(List.of("x", "a", "b"), seen);
    }
}
