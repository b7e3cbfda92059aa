package dev.octet.backends.jvm;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * Which kernel calls the lowering emits for dynamically quantized models: each MatMulInteger's float epilogue
 * (Mul, Sub, Cast, Mul, Mul, bias Add) is one dequantizeRows call. That the fused models still equal the reference
 * evaluator bit for bit is CompiledModelsTest's job.
 */
class LoweringFusionTest {
    @Test
    void dynamicEpiloguesAreOneCallEach() {
        Map<String, Integer> mlp = calls(LoweredModel.lower(TestModels.get("mlp-dynamic")).steps());
        assertEquals(3, mlp.get("dequantizeRows"), mlp.toString());
        assertEquals(3, mlp.get("gemmU8S8"), mlp.toString());
        assertEquals(null, mlp.get("castI32F32"), mlp.toString());
        assertEquals(null, mlp.get("binary"), mlp.toString());

        Map<String, Integer> transformer = calls(LoweredModel.lower(TestModels.get("transformer-dynamic")).steps());
        assertEquals(transformer.get("gemmU8S8"), transformer.get("dequantizeRows"), transformer.toString());
        assertEquals(null, transformer.get("castI32F32"), transformer.toString());
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
