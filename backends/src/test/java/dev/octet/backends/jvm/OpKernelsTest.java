package dev.octet.backends.jvm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.octet.ir.Graph;
import dev.octet.ir.Tensor;
import dev.octet.ir.eval.ReferenceEvaluator;
import dev.octet.ir.text.IrTextParser;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Single ops on random shapes, odd sizes (1, 3, 17, 1000) and saturating inputs (inputs span three times the
 * quantization range, so u8 activations hit 0 and 255; int8 weights are uniform over [-128, 127]), for every
 * target, against the reference evaluator: bit-exact for integer ops, 1e-5 relative for float ops.
 */
class OpKernelsTest {
    private static final List<Target> TARGETS = List.of(Target.SCALAR, Target.AVX512_VNNI, Target.AVX2,
            Target.NEON_DOT);

    /** name, IR text, batch, whether integer (exact). */
    static Stream<Arguments> cases() {
        List<Arguments> out = new ArrayList<>();
        int[][] mkn = {{1, 1, 1}, {3, 17, 3}, {1, 1000, 1000}, {17, 1000, 17}, {5, 3, 1000}, {4, 513, 33},
            {64, 1024, 256}, {2, 1100, 70},
            // The float GEMM's blocking: more rows than one packed block of A (126 on AVX-512), KC chunks with a
            // ragged last one, a short last row block and a last panel of fewer columns.
            {131, 300, 45}, {7, 129, 33}};
        for (int[] s : mkn) {
            for (String type : List.of("u8", "i8")) {
                out.add(Arguments.of("MatMulInteger " + type + " " + s[0] + "x" + s[1] + "x" + s[2],
                        matMulInteger(s[1], s[2], type, type.equals("u8") ? 128 : 0, false), s[0], true));
            }
            out.add(Arguments.of("Gemm f32 " + s[0] + "x" + s[1] + "x" + s[2], gemm(s[1], s[2]), s[0], false));
        }
        // Narrow weights ([-127, 127]) take the 16-bit matrix-vector kernel; K not a multiple of 4, N with a tail
        // after whole chunks, and zero points other than the centering 128.
        int[][] narrow = {{1, 999, 301}, {1, 1, 1}, {3, 6, 33}, {2, 64, 129}, {1, 784, 256}, {7, 33, 17}};
        for (int[] s : narrow) {
            for (Object[] tz : new Object[][] {{"u8", 128}, {"u8", 37}, {"i8", 0}, {"i8", -5}}) {
                out.add(Arguments.of("MatMulInteger narrow " + tz[0] + " zp " + tz[1] + " " + s[0] + "x" + s[1] + "x"
                        + s[2], matMulInteger(s[1], s[2], (String) tz[0], (int) tz[1], true), s[0], true));
            }
        }
        // c, h, w, oc, k, stride, pad, dilation, group
        int[][] convs = {{1, 28, 28, 16, 3, 1, 1, 1, 1}, {3, 17, 17, 17, 3, 2, 1, 1, 1}, {4, 9, 7, 6, 3, 1, 2, 2, 2},
            {17, 5, 5, 3, 1, 1, 0, 1, 1}, {64, 8, 8, 5, 3, 1, 1, 1, 1}, {8, 6, 6, 8, 3, 1, 1, 1, 8},
            {2, 6, 11, 4, 5, 1, 2, 1, 1},
            // Several im2col bands of output rows (ConvLoweringBandsTest pins the band heights): a short last band
            // and odd widths; strides, padding and dilation; groups.
            {64, 33, 31, 7, 3, 1, 1, 1, 1}, {32, 40, 40, 5, 3, 2, 2, 2, 1}, {16, 48, 48, 16, 3, 1, 1, 1, 4}};
        for (int[] c : convs) {
            String shape = c[0] + "x" + c[1] + "x" + c[2] + "->" + c[3] + " k" + c[4] + " s" + c[5] + " p" + c[6]
                    + " d" + c[7] + " g" + c[8];
            for (String type : List.of("u8", "i8")) {
                out.add(Arguments.of("ConvInteger " + type + " " + shape, conv(c, type), 3, true));
            }
            out.add(Arguments.of("Conv f32 " + shape, conv(c, "f32"), 3, false));
        }
        // ConvInteger, MaxPool and a per-channel bias Add: one call (ConvPoolFusion) wherever windows are no larger
        // than their strides. Rows: c, h, w, oc, k, pad, group; then pool kernel, stride, bias. Odd conv outputs
        // leave a row and a column out of every window; several im2col bands (64x33x31) end on whole strides;
        // 3x3 windows every 2 are not fused and pin the unfused path against the same reference.
        // ConvInteger + per-channel int32 bias (one convInteger call): activation zero points 0 (no correction but
        // the bias) and others, strides, groups.
        for (Object[] cb : new Object[][] {{new int[] {3, 17, 13, 5, 3, 1, 1, 1, 1}, "u8", 0},
            {new int[] {4, 12, 12, 8, 3, 2, 1, 1, 2}, "u8", 37}, {new int[] {16, 7, 7, 9, 1, 1, 0, 1, 1}, "i8", -3}}) {
            int[] c = (int[]) cb[0];
            out.add(Arguments.of("ConvInteger+bias " + cb[1] + " zp " + cb[2] + " " + Arrays.toString(c),
                    convBias(c, (String) cb[1], (int) cb[2]), 2, true));
        }
        Object[][] convPools = {{new int[] {1, 28, 28, 16, 3, 1, 1}, 2, 2, true}, {new int[] {3, 17, 13, 5, 3, 1, 1}, 2, 2, true},
            {new int[] {16, 14, 14, 32, 3, 1, 1}, 2, 2, false}, {new int[] {4, 19, 23, 6, 3, 1, 2}, 3, 3, true},
            {new int[] {5, 11, 15, 7, 1, 0, 1}, 2, 3, true}, {new int[] {64, 33, 31, 7, 3, 1, 1}, 2, 2, true},
            {new int[] {3, 17, 13, 5, 3, 1, 1}, 3, 2, true}, {new int[] {2, 9, 9, 3, 3, 0, 1}, 1, 1, true}};
        for (Object[] cp : convPools) {
            int[] c = (int[]) cp[0];
            for (String type : List.of("u8", "i8")) {
                out.add(Arguments.of("ConvInteger+MaxPool " + type + " " + Arrays.toString(c) + " pool " + cp[1]
                        + " stride " + cp[2] + (((boolean) cp[3]) ? " bias" : ""),
                        convPool(c, type, (int) cp[1], (int) cp[2], (boolean) cp[3]), 3, true));
            }
        }
        // Requantize after a convolution whose sums cross 2^21 (the SIMD kernel's exact double path and its
        // scalar fallback), per channel: shifts 0, negative and >= 31 as well as ordinary ones; results mostly inside
        // the clamp. Rounding ties are tested on the kernel itself (RequantizeKernelTest).
        out.add(Arguments.of("Requantize per channel after ConvInteger", """
                graph @g(%x: f32[N,64,8,8]) {
                  %s = Constant() {value = dense<f32[], [0.05]>} : f32[]
                  %zp = Constant() {value = dense<u8[], [3]>} : u8[]
                  %xq = QuantizeLinear(%x, %s, %zp) : u8[N,64,8,8]
                  %w = Constant() {value = random<i8[7,64,3,3], 3>} : i8[7,64,3,3]
                  %acc = ConvInteger(%xq, %w, %zp) {kernel_shape = [3, 3], pads = [1, 1, 1, 1]} : i32[N,7,8,8]
                  %q = Requantize(%acc) {axis = 1, clamp_max = 255, clamp_min = 0, multiplier = [1073741824, \
                1518500250, 2147483647, 1300000001, 1073741825, 1900000000, 1717986918], scale = 0.5, \
                shift = [9, 10, 11, 0, -1, 31, 12], to = 2, zero_point = 128} : u8<0.5:128>[N,7,8,8]
                  %s2 = Constant() {value = dense<f32[], [0.5]>} : f32[]
                  %z2 = Constant() {value = dense<u8[], [128]>} : u8[]
                  %y = DequantizeLinear(%q, %s2, %z2) : f32[N,7,8,8]
                  return %y
                }""", 3, true));
        // DequantizeLinear per channel, of int8 (zero points at the extremes) and of int32 accumulators, rows of 17
        // (a vector and a tail).
        out.add(Arguments.of("DequantizeLinear per channel of int8", """
                graph @g(%x: f32[N,5,17]) {
                  %s = Constant() {value = dense<f32[], [0.05]>} : f32[]
                  %zp = Constant() {value = dense<i8[], [-3]>} : i8[]
                  %xq = QuantizeLinear(%x, %s, %zp) : i8[N,5,17]
                  %s2 = Constant() {value = dense<f32[5], [0.5, 0.25, 0.125, 2.0, 0.3]>} : f32[5]
                  %z2 = Constant() {value = dense<i8[5], [0, -128, 127, 5, -7]>} : i8[5]
                  %y = DequantizeLinear(%xq, %s2, %z2) {axis = 1} : f32[N,5,17]
                  return %y
                }""", 3, true));
        out.add(Arguments.of("DequantizeLinear per channel of int32", """
                graph @g(%x: f32[N,17]) {
                  %s = Constant() {value = dense<f32[], [0.05]>} : f32[]
                  %zp = Constant() {value = dense<i8[], [-3]>} : i8[]
                  %xq = QuantizeLinear(%x, %s, %zp) : i8[N,17]
                  %w = Constant() {value = random<i8[17,19], 4>} : i8[17,19]
                  %acc = MatMulInteger(%xq, %w, %zp) : i32[N,19]
                  %s3 = Constant() {value = dense<f32[19], [0.001, 0.002, 0.5, 0.003, 0.07, 1.0, 0.25, 0.01, 0.125, 3.0, 0.004, 0.9, 0.06, 0.0005, 2.5, 0.3, 0.02, 0.11, 0.7]>} : f32[19]
                  %z3 = Constant() {value = dense<i32[19], [0, 2147483647, -2147483648, 5, -9, 0, -100, 7, 0, 1, -1, 0, -300, 12, 0, -14, 15, 16, -17]>} : i32[19]
                  %y = DequantizeLinear(%acc, %s3, %z3) {axis = 1} : f32[N,19]
                  return %y
                }""", 3, true));
        out.add(Arguments.of("DequantizeLinear per tensor of int32", """
                graph @g(%x: f32[N,17]) {
                  %s = Constant() {value = dense<f32[], [0.05]>} : f32[]
                  %zp = Constant() {value = dense<i8[], [-3]>} : i8[]
                  %xq = QuantizeLinear(%x, %s, %zp) : i8[N,17]
                  %w = Constant() {value = random<i8[17,37], 4>} : i8[17,37]
                  %acc = MatMulInteger(%xq, %w, %zp) : i32[N,37]
                  %s3 = Constant() {value = dense<f32[], [0.0013]>} : f32[]
                  %z3 = Constant() {value = dense<i32[], [0]>} : i32[]
                  %y = DequantizeLinear(%acc, %s3, %z3) : f32[N,37]
                  return %y
                }""", 3, true));
        // Pooling: windows cut by padding on every side, strides, dilation; float, uint8 and int32. Each row: kh, kw,
        // stride h, stride w, pads top, left, bottom, right, dilation h, dilation w, kind (0 max, 1 average,
        // 2 average counting padding).
        int[][] pools = {{2, 2, 2, 2, 0, 0, 0, 0, 1, 1, 0}, {3, 3, 2, 1, 1, 2, 2, 1, 1, 1, 0},
            {3, 2, 1, 3, 1, 1, 1, 1, 2, 2, 0}, {3, 3, 2, 2, 1, 1, 1, 1, 1, 1, 1}, {2, 3, 1, 2, 0, 1, 1, 0, 1, 1, 2},
            // Unpadded windows other than 2x2 stride 2: the typed kernel's general window loop.
            {3, 3, 2, 2, 0, 0, 0, 0, 1, 1, 0}, {2, 2, 1, 1, 0, 0, 0, 0, 1, 1, 0}};
        for (int[] pool : pools) {
            String name = (pool[10] == 0 ? "MaxPool " : "AveragePool ") + Arrays.toString(pool);
            out.add(Arguments.of(name + " f32", pool(pool, "f32"), 2, false));
            if (pool[10] == 0) {
                out.add(Arguments.of(name + " u8", pool(pool, "u8"), 2, true));
                out.add(Arguments.of(name + " i32", pool(pool, "i32"), 2, true));
            }
        }
        out.add(Arguments.of("MatMul f32 constant weights", """
                graph @g(%x: f32[N,3,67]) {
                  %w = Constant() {value = random<f32[67,40], 7>} : f32[67,40]
                  %y = MatMul(%x, %w) : f32[N,3,40]
                  return %y
                }""", 5, false));
        out.add(Arguments.of("MatMul batched f32", """
                graph @g(%x: f32[N,4,17,16]) {
                  %t = Transpose(%x) {perm = [0, 1, 3, 2]} : f32[N,4,16,17]
                  %y = MatMul(%x, %t) : f32[N,4,17,17]
                  return %y
                }""", 3, false));
        // B one or two vectors wide on every species (8, 16, 32 columns; 4 and 8 are 128-bit's), as attention's
        // per-head products are: the narrow kernel's rows, B read in place.
        for (int cols : new int[] {4, 8, 16, 32}) {
            out.add(Arguments.of("MatMul batched f32, " + cols + " columns", fill("""
                    graph @g(%x: f32[N,2,{c},{c}]) {
                      %y = MatMul(%x, %x) : f32[N,2,{c},{c}]
                      return %y
                    }""", "c", cols), 3, false));
            // Seven rows: a block of four, then three one at a time (and a depth of 7 in the first product).
            out.add(Arguments.of("MatMul batched f32, 7 rows, " + cols + " columns", fill("""
                    graph @g(%x: f32[N,2,7,{c}]) {
                      %t = Transpose(%x) {perm = [0, 1, 3, 2]} : f32[N,2,{c},7]
                      %g = MatMul(%t, %x) : f32[N,2,{c},{c}]
                      %y = MatMul(%x, %g) : f32[N,2,7,{c}]
                      return %y
                    }""", "c", cols), 3, false));
        }
        // Attention's per-head products read and write through Transposes of the middle axes (gemmF32Heads): odd
        // sizes, and 16 positions x 4 heads x 16 (the narrow kernel on AVX-512 and AVX2).
        for (int[] mhk : new int[][] {{5, 3, 7}, {16, 4, 16}}) {
            out.add(Arguments.of("attention heads " + Arrays.toString(mhk), attention(mhk[0], mhk[1], mhk[2]), 2,
                    false));
        }
        // Dynamically quantized MatMuls (one dynamicMatMul call): a column tail, one row per panel, biases.
        for (int[] kn : new int[][] {{19, 33}, {64, 192}, {128, 64}, {1, 1}}) {
            for (boolean bias : new boolean[] {true, false}) {
                out.add(Arguments.of("dynamic MatMul " + kn[0] + "x" + kn[1] + (bias ? " + bias" : ""),
                        dynamicMatMul(kn[0], kn[1], bias), kn[0] == 1 ? 1 : 5, false));
            }
        }
        // Residual connections between quantized layers (one residualAdd call): u8 with Relu, i8 without; the float
        // sum is read again afterwards, as the next block's skip. The i8 tensor spans several chunks and a tail.
        for (String[] t : new String[][] {{"u8", "128", "10", "Relu", "4,5,7"}, {"i8", "-3", "4", "Identity",
            "4,17,19"}}) {
            out.add(Arguments.of("residual add " + t[0] + " " + t[3], fill("""
                    graph @g(%x: f32[N,{shape}]) {
                      %s = Constant() {value = dense<f32[], [0.05]>} : f32[]
                      %zp = Constant() {value = dense<{t}[], [{z}]>} : {t}[]
                      %s2 = Constant() {value = dense<f32[], [0.03]>} : f32[]
                      %zp2 = Constant() {value = dense<{t}[], [{z2}]>} : {t}[]
                      %q = QuantizeLinear(%x, %s, %zp) : {t}[N,{shape}]
                      %d = DequantizeLinear(%q, %s, %zp) : f32[N,{shape}]
                      %a = Add(%x, %d) : f32[N,{shape}]
                      %r = {act}(%a) : f32[N,{shape}]
                      %rq = QuantizeLinear(%r, %s2, %zp2) : {t}[N,{shape}]
                      %rd = DequantizeLinear(%rq, %s2, %zp2) : f32[N,{shape}]
                      %y = Add(%rd, %r) : f32[N,{shape}]
                      return %y
                    }""", "t", t[0], "z", t[1], "z2", t[2], "act", t[3], "shape", t[4]), 2, false));
        }
        // Strided copies: contiguous rows of 7, 16, 33 (masked tails) and 65 floats, a transposed inner axis, bytes.
        for (int cols : new int[] {7, 16, 33, 65}) {
            out.add(Arguments.of("Transpose f32, rows of " + cols, fill("""
                    graph @g(%x: f32[N,5,3,{c}]) {
                      %shape = Constant() {value = dense<i64[2], [-1, {n}]>} : i64[2]
                      %y = Transpose(%x) {perm = [0, 2, 1, 3]} : f32[N,3,5,{c}]
                      %z = Transpose(%x) {perm = [0, 2, 3, 1]} : f32[N,3,{c},5]
                      %r = Reshape(%z, %shape) {allowzero = 0} : f32[N,{n}]
                      %t = Reshape(%y, %shape) {allowzero = 0} : f32[N,{n}]
                      %s = Add(%t, %r) : f32[N,{n}]
                      return %s
                    }""", "c", cols, "n", 15 * cols), 2, false));
        }
        // Inner axes trading places with both multiples of 16 (L x L blocks on every target), in two batches.
        out.add(Arguments.of("Transpose f32, blocks", """
                graph @g(%x: f32[N,16,3,32]) {
                  %y = Transpose(%x) {perm = [0, 2, 3, 1]} : f32[N,3,32,16]
                  return %y
                }""", 2, false));
        out.add(Arguments.of("Transpose u8", """
                graph @g(%x: f32[N,5,3,16]) {
                  %s = Constant() {value = dense<f32[], [0.05]>} : f32[]
                  %zp = Constant() {value = dense<u8[], [128]>} : u8[]
                  %q = QuantizeLinear(%x, %s, %zp) : u8[N,5,3,16]
                  %t = Transpose(%q) {perm = [0, 2, 1, 3]} : u8[N,3,5,16]
                  %y = DequantizeLinear(%t, %s, %zp) : f32[N,3,5,16]
                  return %y
                }""", 2, false));
        // LayerNormalization two rows at a time: an odd count (the last row goes with itself), tails, no beta.
        for (int cols : new int[] {64, 17}) {
            out.add(Arguments.of("LayerNormalization, 5 rows of " + cols, fill("""
                    graph @g(%x: f32[N,5,{c}]) {
                      %gamma = Constant() {value = random<f32[{c}], 1>} : f32[{c}]
                      %beta = Constant() {value = random<f32[{c}], 2>} : f32[{c}]
                      %a = LayerNormalization(%x, %gamma, %beta) {axis = -1, epsilon = 1.0E-5} : f32[N,5,{c}]
                      %b = LayerNormalization(%a, %gamma) {axis = -1, epsilon = 1.0E-3} : f32[N,5,{c}]
                      return %b
                    }""", "c", cols), 1, false));
        }
        // Rows of one vector (16 lanes on AVX-512, 8 on AVX2, 4 on NEON) take the in-register path.
        for (int cols : new int[] {4, 8, 16, 17}) {
            out.add(Arguments.of("Softmax, rows of " + cols, fill("""
                    graph @g(%x: f32[N,5,{c}]) {
                      %y = Softmax(%x) {axis = -1} : f32[N,5,{c}]
                      return %y
                    }""", "c", cols), 3, false));
        }
        out.add(Arguments.of("Softmax, LayerNormalization, Gelu, ReduceMean, Split, Concat", """
                graph @g(%x: f32[N,3,1000]) {
                  %s = Softmax(%x) {axis = -1} : f32[N,3,1000]
                  %gamma = Constant() {value = random<f32[1000], 1>} : f32[1000]
                  %beta = Constant() {value = random<f32[1000], 2>} : f32[1000]
                  %l = LayerNormalization(%x, %gamma, %beta) {axis = -1, epsilon = 1.0E-5} : f32[N,3,1000]
                  %g = Gelu(%l) : f32[N,3,1000]
                  %a, %b = Split(%g) {axis = 2, num_outputs = 2} : f32[N,3,500], f32[N,3,500]
                  %c = Concat(%b, %s, %a) {axis = 2} : f32[N,3,2000]
                  %axes = Constant() {value = dense<i64[1], [2]>} : i64[1]
                  %m = ReduceMean(%c, %axes) {keepdims = 1} : f32[N,3,1]
                  %y = Add(%c, %m) : f32[N,3,2000]
                  return %y
                }""", 2, false));
        List<Arguments> all = new ArrayList<>();
        for (Arguments a : out) {
            for (Target t : TARGETS) {
                Object[] v = a.get();
                all.add(Arguments.of(v[0], v[1], v[2], v[3], t));
            }
        }
        return all.stream();
    }

    /** Replaces each {key} of the template. */
    static String fill(String template, Object... keyValues) {
        String s = template;
        for (int i = 0; i < keyValues.length; i += 2) {
            s = s.replace("{" + keyValues[i] + "}", String.valueOf(keyValues[i + 1]));
        }
        return s;
    }

    /** Weights uniform over [-128, 127] (random), or over [-127, 127] (narrow, written out). */
    static String matMulInteger(int k, int n, String type, int zp, boolean narrow) {
        String weights = "random<i8[{k},{n}], 11>";
        if (narrow) {
            SplittableRandom rng = new SplittableRandom(k * 31L + n);
            StringBuilder sb = new StringBuilder("dense<i8[{k},{n}], [");
            for (int i = 0; i < k * n; i++) {
                sb.append(i == 0 ? "" : ", ").append(rng.nextInt(255) - 127);
            }
            weights = sb.append("]>").toString();
        }
        return fill("""
                graph @g(%x: f32[N,{k}]) {
                  %s = Constant() {value = dense<f32[], [0.01]>} : f32[]
                  %zp = Constant() {value = dense<{t}[], [{zp}]>} : {t}[]
                  %xq = QuantizeLinear(%x, %s, %zp) : {t}[N,{k}]
                  %w = Constant() {value = WEIGHTS} : i8[{k},{n}]
                  %acc = MatMulInteger(%xq, %w, %zp) : i32[N,{n}]
                  %y = Cast(%acc) {to = 1} : f32[N,{n}]
                  return %y
                }""".replace("WEIGHTS", weights), "t", type, "zp", zp, "k", k, "n", n);
    }

    /**
     * A pooling op (see {@link #cases}) on a [N, 3, 17, 13] input: in float, on uint8 between (de)quantization, or
     * on the signed int32 accumulators of a 1x1 ConvInteger (as pool-before-requantize pools them).
     */
    static String pool(int[] q, String type) {
        int oh = (17 + q[4] + q[6] - ((q[0] - 1) * q[8] + 1)) / q[2] + 1;
        int ow = (13 + q[5] + q[7] - ((q[1] - 1) * q[9] + 1)) / q[3] + 1;
        String attrs = fill("{{count}dilations = [{dh}, {dw}], kernel_shape = [{kh}, {kw}], pads = [{t}, {l}, {b}, {r}],"
                + " strides = [{sh}, {sw}]}", "count", q[10] == 2 ? "count_include_pad = 1, " : "", "dh", q[8],
                "dw", q[9], "kh", q[0], "kw", q[1], "t", q[4], "l", q[5], "b", q[6], "r", q[7], "sh", q[2], "sw", q[3]);
        String op = q[10] == 0 ? "MaxPool" : "AveragePool";
        String text = type.equals("i32") ? """
                graph @g(%x: f32[N,3,17,13]) {
                  %s = Constant() {value = dense<f32[], [0.05]>} : f32[]
                  %zp = Constant() {value = dense<u8[], [100]>} : u8[]
                  %q = QuantizeLinear(%x, %s, %zp) : u8[N,3,17,13]
                  %w = Constant() {value = random<i8[3,3,1,1], 3>} : i8[3,3,1,1]
                  %i = ConvInteger(%q, %w, %zp) : i32[N,3,17,13]
                  %p = OP(%i) ATTRS : i32[N,3,{oh},{ow}]
                  %y = Cast(%p) {to = 1} : f32[N,3,{oh},{ow}]
                  return %y
                }""" : type.equals("u8") ? """
                graph @g(%x: f32[N,3,17,13]) {
                  %s = Constant() {value = dense<f32[], [0.05]>} : f32[]
                  %zp = Constant() {value = dense<u8[], [100]>} : u8[]
                  %q = QuantizeLinear(%x, %s, %zp) : u8[N,3,17,13]
                  %p = OP(%q) ATTRS : u8[N,3,{oh},{ow}]
                  %y = DequantizeLinear(%p, %s, %zp) : f32[N,3,{oh},{ow}]
                  return %y
                }""" : """
                graph @g(%x: f32[N,3,17,13]) {
                  %y = OP(%x) ATTRS : f32[N,3,{oh},{ow}]
                  return %y
                }""";
        return fill(text.replace("OP", op).replace("ATTRS", attrs), "oh", oh, "ow", ow);
    }

    /**
     * A quantized conv (c, h, w, oc, k, pad, group; stride 1) whose int32 accumulators a MaxPool (pool x pool
     * windows every {@code stride}) and optionally a per-channel bias Add take before a Cast: the statically
     * quantized CNN's shape. Biases of a size that float keeps exact through the Cast.
     */
    static String convPool(int[] c, String type, int pool, int stride, boolean bias) {
        int oh = c[1] + 2 * c[5] - c[4] + 1;
        int ow = c[2] + 2 * c[5] - c[4] + 1;
        String text = """
                graph @g(%x: f32[N,{c},{h},{w}]) {
                  %s = Constant() {value = dense<f32[], [0.01]>} : f32[]
                  %zp = Constant() {value = dense<{t}[], [{zp}]>} : {t}[]
                  %xq = QuantizeLinear(%x, %s, %zp) : {t}[N,{c},{h},{w}]
                  %w = Constant() {value = random<i8[{o},{cg},{k},{k}], 3>} : i8[{o},{cg},{k},{k}]
                  %acc = ConvInteger(%xq, %w, %zp) {group = {g}, kernel_shape = [{k}, {k}], \
                pads = [{p}, {p}, {p}, {p}]} : i32[N,{o},{oh},{ow}]
                  %pool = MaxPool(%acc) {kernel_shape = [{pk}, {pk}], strides = [{ps}, {ps}]} : i32[N,{o},{ph},{pw}]
                """ + (bias ? """
                  %b = Constant() {value = dense<i32[{o},1,1], {bias}>} : i32[{o},1,1]
                  %sum = Add(%b, %pool) : i32[N,{o},{ph},{pw}]
                  %y = Cast(%sum) {to = 1} : f32[N,{o},{ph},{pw}]
                  return %y
                }""" : """
                  %y = Cast(%pool) {to = 1} : f32[N,{o},{ph},{pw}]
                  return %y
                }""");
        return fill(text, "t", type, "zp", type.equals("u8") ? 128 : -3, "c", c[0], "h", c[1], "w", c[2], "o", c[3],
                "k", c[4], "p", c[5], "g", c[6], "cg", c[0] / c[6], "oh", oh, "ow", ow, "pk", pool, "ps", stride,
                "ph", (oh - pool) / stride + 1, "pw", (ow - pool) / stride + 1, "bias",
                Arrays.toString(new SplittableRandom(c[3]).ints(c[3], -100_000, 100_000).toArray()));
    }

    /** softmax(Q K^T) V over heads, with Q, K, V the input seen as [N, M, H, K] and the result merged back. */
    static String attention(int m, int h, int k) {
        return fill("""
                graph @g(%x: f32[N,{m},{h},{k}]) {
                  %q = Transpose(%x) {perm = [0, 2, 1, 3]} : f32[N,{h},{m},{k}]
                  %kt = Transpose(%x) {perm = [0, 2, 3, 1]} : f32[N,{h},{k},{m}]
                  %s = MatMul(%q, %kt) : f32[N,{h},{m},{m}]
                  %p = Softmax(%s) {axis = -1} : f32[N,{h},{m},{m}]
                  %v = Transpose(%x) {perm = [0, 2, 1, 3]} : f32[N,{h},{m},{k}]
                  %o = MatMul(%p, %v) : f32[N,{h},{m},{k}]
                  %y = Transpose(%o) {perm = [0, 2, 1, 3]} : f32[N,{m},{h},{k}]
                  return %y
                }""", "m", m, "h", h, "k", k);
    }

    /** A MatMul as quantize-dynamic writes it: run-time row quantization, the int8 product, the float epilogue. */
    static String dynamicMatMul(int k, int n, boolean bias) {
        return fill("""
                graph @g(%x: f32[N,3,{k}]) {
                  %w = Constant() {value = random<i8[{k},{n}], 4>} : i8[{k},{n}]
                  %colsum = Constant() {value = random<i32[{n}], 5>} : i32[{n}]
                  %ws = Constant() {value = random<f32[{n}], 6>} : f32[{n}]
                  %b = Constant() {value = random<f32[{n}], 7>} : f32[{n}]
                  %xq, %rs, %rz = DynamicQuantizeRows(%x) : u8[N,3,{k}], f32[N,3,1], i32[N,3,1]
                  %acc = MatMulInteger(%xq, %w) : i32[N,3,{n}]
                  %corr = Mul(%rz, %colsum) : i32[N,3,{n}]
                  %exact = Sub(%acc, %corr) : i32[N,3,{n}]
                  %f = Cast(%exact) {to = 1} : f32[N,3,{n}]
                  %r = Mul(%f, %rs) : f32[N,3,{n}]
                  %y0 = Mul(%r, %ws) : f32[N,3,{n}]
                  %y = BIAS
                  return %y
                }""", "k", k, "n", n).replace("BIAS", bias ? "Add(%y0, %b) : f32[N,3," + n + "]"
                : "Identity(%y0) : f32[N,3," + n + "]");
    }

    static String gemm(int k, int n) {
        return fill("""
                graph @g(%x: f32[N,{k}]) {
                  %w = Constant() {value = random<f32[{n},{k}], 5>} : f32[{n},{k}]
                  %b = Constant() {value = random<f32[{n}], 6>} : f32[{n}]
                  %y = Gemm(%x, %w, %b) {transB = 1} : f32[N,{n}]
                  return %y
                }""", "k", k, "n", n);
    }

    /** {@link #conv} (integer) with a per-channel int32 bias Add on the accumulators and activation zero point zp. */
    static String convBias(int[] c, String type, int zp) {
        String[] parts = conv(c, type).split("\n");
        StringBuilder sb = new StringBuilder();
        for (String line : parts) {
            if (line.contains("%zp = Constant()")) {
                line = line.replaceAll("\\[-?\\d+\\]", "[" + zp + "]");
            }
            if (line.contains("%y = Cast(%acc)")) {
                String shape = line.substring(line.lastIndexOf("f32[") + 3);
                sb.append("  %b = Constant() {value = dense<i32[").append(c[3]).append(",1,1], ")
                        .append(Arrays.toString(new SplittableRandom(c[3]).ints(c[3], -100_000, 100_000).toArray()))
                        .append(">} : i32[").append(c[3]).append(",1,1]\n");
                sb.append("  %sum = Add(%acc, %b) : i32").append(shape).append('\n');
                line = "  %y = Cast(%sum) {to = 1} : f32" + shape;
            }
            sb.append(line).append('\n');
        }
        return sb.toString();
    }

    static String conv(int[] c, String type) {
        int oh = (c[1] + 2 * c[6] - c[7] * (c[4] - 1) - 1) / c[5] + 1;
        int ow = (c[2] + 2 * c[6] - c[7] * (c[4] - 1) - 1) / c[5] + 1;
        String attrs = "{dilations = [{d}, {d}], group = {g}, kernel_shape = [{k}, {k}], pads = [{p}, {p}, {p}, {p}],"
                + " strides = [{s}, {s}]}";
        String text = type.equals("f32") ? """
                graph @g(%x: f32[N,{c},{h},{w}]) {
                  %w = Constant() {value = random<f32[{o},{cg},{k},{k}], 3>} : f32[{o},{cg},{k},{k}]
                  %b = Constant() {value = random<f32[{o}], 4>} : f32[{o}]
                  %y = Conv(%x, %w, %b) ATTRS : f32[N,{o},{oh},{ow}]
                  return %y
                }""" : """
                graph @g(%x: f32[N,{c},{h},{w}]) {
                  %s = Constant() {value = dense<f32[], [0.01]>} : f32[]
                  %zp = Constant() {value = dense<{t}[], [{zp}]>} : {t}[]
                  %xq = QuantizeLinear(%x, %s, %zp) : {t}[N,{c},{h},{w}]
                  %w = Constant() {value = random<i8[{o},{cg},{k},{k}], 3>} : i8[{o},{cg},{k},{k}]
                  %acc = ConvInteger(%xq, %w, %zp) ATTRS : i32[N,{o},{oh},{ow}]
                  %y = Cast(%acc) {to = 1} : f32[N,{o},{oh},{ow}]
                  return %y
                }""";
        return fill(text.replace("ATTRS", attrs), "t", type, "zp", type.equals("u8") ? 128 : -3, "c", c[0], "h",
                c[1], "w", c[2], "o", c[3], "k", c[4], "s", c[5], "p", c[6], "d", c[7], "g", c[8], "cg", c[0] / c[8],
                "oh", oh, "ow", ow);
    }

    @ParameterizedTest(name = "{0} {4}")
    @MethodSource("cases")
    @SuppressWarnings("unchecked")
    void matchesReference(String name, String ir, int batch, boolean integer, Target target) {
        Graph g = IrTextParser.parse(ir, name);
        Tensor x = Tensor.random(g.inputs().get(0).type().bind(Map.of("N", (long) batch)), 42);
        float[] in = x.floats().clone();
        SplittableRandom rng = new SplittableRandom(1);
        for (int i = 0; i < in.length; i++) {
            in[i] = (float) (3 * in[i] + (rng.nextInt(50) == 0 ? 1000 : 0));
        }
        Tensor input = Tensor.of(x.type(), in);
        float[] expected = new ReferenceEvaluator(g).run(List.of(input)).get(0).floats();
        float[] given = in.clone();
        float[] actual = ((UnaryOperator<float[]>) JvmCompiler.load(g, target)).apply(in);
        assertArrayEquals(given, in, name + " " + target + ": predict wrote into its input");
        if (integer) {
            assertArrayEquals(expected, actual, name);
        } else {
            double maxAbs = 0;
            double maxErr = 0;
            for (int i = 0; i < expected.length; i++) {
                maxAbs = Math.max(maxAbs, Math.abs(expected[i]));
                maxErr = Math.max(maxErr, Math.abs(expected[i] - actual[i]));
            }
            assertTrue(maxErr <= 1e-5 * maxAbs, name + ": max error " + maxErr + " for max |y| " + maxAbs);
        }
    }
}
