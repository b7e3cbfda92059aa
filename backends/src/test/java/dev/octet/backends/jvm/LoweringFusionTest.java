package dev.octet.backends.jvm;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.octet.ir.Graph;
import dev.octet.ir.text.IrTextParser;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * Which kernel calls the lowering emits: each dynamically quantized MatMul (DynamicQuantizeRows, MatMulInteger and
 * the float epilogue Mul, Sub, Cast, Mul, Mul, bias Add) is one dynamicMatMul call; a static CNN's ConvInteger, MaxPool and bias Add are one
 * convIntegerMaxPool call; a static MatMulInteger and its bias Add, one gemmU8S8 call. That the fused models still equal the reference evaluator bit for bit is the job of
 * CompiledModelsTest and OpKernelsTest.
 */
class LoweringFusionTest {
    @Test
    void dynamicMatMulsAreOneCallEach() {
        // Run-time quantization, the product and its float epilogue: one dynamicMatMul per layer.
        Map<String, Integer> mlp = calls(LoweredModel.lower(TestModels.get("mlp-dynamic")).steps());
        assertEquals(3, mlp.get("dynamicMatMul"), mlp.toString());
        for (String gone : List.of("dynamicQuantizeRows", "gemmU8S8", "dequantizeRows", "castI32F32", "binary")) {
            assertEquals(null, mlp.get(gone), gone + " in " + mlp);
        }
        Graph graph = TestModels.get("transformer-dynamic");
        long products = graph.nodes().stream().filter(n -> n.op().equals("MatMulInteger")).count();
        Map<String, Integer> transformer = calls(LoweredModel.lower(graph).steps());
        assertEquals(products, (long) transformer.get("dynamicMatMul"), transformer.toString());
        assertEquals(null, transformer.get("gemmU8S8"), transformer.toString());
        assertEquals(null, transformer.get("castI32F32"), transformer.toString());
    }

    @Test
    void aRowScaleReadElsewhereKeepsTheEpilogueApart() {
        // The row scale is read after the epilogue too: the quantization must write it, so only the epilogue fuses.
        String ir = OpKernelsTest.dynamicMatMul(5, 3, true).replace("return %y",
                "%z = Add(%y, %rs) : f32[N,3,3]\n  return %z");
        Map<String, Integer> counts = calls(LoweredModel.lower(IrTextParser.parse(ir, "t")).steps());
        assertEquals(1, counts.get("dynamicQuantizeRows"), counts.toString());
        assertEquals(1, counts.get("gemmU8S8"), counts.toString());
        assertEquals(1, counts.get("dequantizeRows"), counts.toString());
        assertEquals(null, counts.get("dynamicMatMul"), counts.toString());
    }

    @Test
    void attentionHeadsReadThroughTheirTransposes() {
        // Q, V and the merged result go through the GEMM's strides; K^T (its last axis moves) stays a copy.
        Map<String, Integer> counts = calls(LoweredModel.lower(IrTextParser.parse(OpKernelsTest.attention(5, 3, 7),
                "t")).steps());
        assertEquals(2, counts.get("gemmF32Heads"), counts.toString());
        assertEquals(1, counts.get("copyStrided"), counts.toString());
        assertEquals(null, counts.get("gemmF32"), counts.toString());
        Map<String, Integer> transformer = calls(LoweredModel.lower(TestModels.get("transformer-dynamic")).steps());
        assertEquals(4, transformer.get("gemmF32Heads"), transformer.toString());
    }

    @Test
    void convolutionBiasesJoinTheirConvolutions() {
        String ir = OpKernelsTest.convBias(new int[] {3, 17, 13, 5, 3, 1, 1, 1, 1}, "u8", 0);
        Map<String, Integer> counts = calls(LoweredModel.lower(IrTextParser.parse(ir, "t")).steps());
        assertEquals(1, counts.get("convInteger"), counts.toString());
        assertEquals(null, counts.get("binary"), counts.toString());
    }

    @Test
    void residualAddsAreOneCallEach() {
        // Dequantize, Add, Relu, Quantize: one call; the final Add (no quantization after it) stays a binary op.
        String ir = OpKernelsTest.cases().map(a -> a.get()).filter(a -> a[0].equals("residual add u8 Relu"))
                .map(a -> (String) a[1]).findFirst().orElseThrow();
        Map<String, Integer> counts = calls(LoweredModel.lower(IrTextParser.parse(ir, "t")).steps());
        assertEquals(1, counts.get("residualAdd"), counts.toString());
        assertEquals(1, counts.get("quantizeF32"), counts.toString());
        assertEquals(1, counts.get("dequantize"), counts.toString());
        assertEquals(1, counts.get("binary"), counts.toString());
        assertEquals(null, counts.get("activationF32"), counts.toString());
    }

    @Test
    void staticCnnPoolsAndBiasesInsideItsConvolutions() {
        for (String model : List.of("cnn-static", "cnn-qat")) {
            Map<String, Integer> cnn = calls(LoweredModel.lower(JvmCompiler.forBackend(TestModels.get(model))).steps());
            assertEquals(2, cnn.get("convIntegerMaxPool"), model + " " + cnn);
            assertEquals(null, cnn.get("convInteger"), model + " " + cnn);
            assertEquals(null, cnn.get("maxPool2d"), model + " " + cnn);
        }
    }

    @Test
    void staticBiasAddsJoinTheirProducts() {
        // Every int32 bias Add of the static MLP and CNN went into its MatMulInteger's (or ConvInteger's) call; their
        // graphs have no other binary op. (The transformer's binary ops are float: residuals, attention scaling.)
        for (String model : List.of("mlp-static", "cnn-static")) {
            Map<String, Integer> counts = calls(LoweredModel.lower(JvmCompiler.forBackend(TestModels.get(model)))
                    .steps());
            assertEquals(null, counts.get("binary"), model + " " + counts);
        }
        Map<String, Integer> mlp = calls(LoweredModel.lower(TestModels.get("mlp-static")).steps());
        assertEquals(3, mlp.get("gemmU8S8"), mlp.toString());
    }

    @Test
    void overlappingPoolWindowsStayAPoolOfTheirOwn() {
        // 3x3 windows every 2: a pooled row straddles bands of whole strides, so the kernel cannot pool them.
        String ir = OpKernelsTest.convPool(new int[] {3, 17, 13, 5, 3, 1, 1}, "u8", 3, 2, true);
        Map<String, Integer> counts = calls(LoweredModel.lower(IrTextParser.parse(ir, "t")).steps());
        assertEquals(1, counts.get("convInteger"), counts.toString());
        assertEquals(1, counts.get("maxPool2d"), counts.toString());
        assertEquals(null, counts.get("convIntegerMaxPool"), counts.toString());
    }

    private static Map<String, Integer> calls(List<Step> steps) {
        Map<String, Integer> counts = new TreeMap<>();
        for (Step s : steps) {
            switch (s) {
                case Step.Call c -> counts.merge(c.kernel(), 1, Integer::sum);
                case Step.Loop l -> calls(l.body()).forEach((k, v) -> counts.merge(k, v, Integer::sum));
            }
        }
        return counts;
    }
}
