package dev.octet.backends.jvm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.octet.ir.Graph;
import dev.octet.ir.Tensor;
import dev.octet.ir.eval.ReferenceEvaluator;
import java.util.List;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every test model, compiled for every target, against the reference evaluator: bit for bit where the graph is
 * integer from input quantization to the output dequantization, within a stated tolerance where float ops run.
 */
class CompiledModelsTest {
    static Stream<Arguments> cases() {
        return TestModels.all().keySet().stream().flatMap(m -> Stream.of(Target.SCALAR, Target.AVX512_VNNI,
                Target.AVX2, Target.NEON_DOT).map(t -> Arguments.of(m, t)));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("cases")
    @SuppressWarnings("unchecked")
    void matchesReferenceEvaluator(String name, Target target) {
        Graph g = TestModels.get(name);
        boolean tiny = name.startsWith("mlp-tiny");
        Tensor input = tiny ? Tensor.random(g.inputs().get(0).type().bind(java.util.Map.of("N", 5L)), 7)
                : TestModels.images(7);
        float[] expected = new ReferenceEvaluator(g).run(List.of(input)).get(0).floats();
        UnaryOperator<float[]> model = (UnaryOperator<float[]>) JvmCompiler.load(g, target);
        assertEquals(target.isSimd(), simdActive(model), "SIMD kernels linked");
        // The 256- and 512-bit targets run int8 GEMMs and convolutions on the run-time AVX2 micro-kernels where
        // the host has AVX2, the 512-bit target on the AVX-512 VNNI ones where it has those (the 128-bit target
        // stands for NEON and keeps the Java kernels); models without them do not install the machine code.
        boolean int8Gemms = g.nodes().stream().anyMatch(n -> n.op().equals("MatMulInteger")
                || n.op().equals("ConvInteger"));
        boolean machineCode = (target == Target.AVX2 || target == Target.AVX512_VNNI) && HOST_AVX2 && int8Gemms;
        boolean vnni = machineCode && target == Target.AVX512_VNNI && HOST_VNNI;
        assertEquals(machineCode && !vnni, kernels(model).endsWith(" avx2-gemm"), kernels(model));
        assertEquals(vnni, kernels(model).endsWith(" avx512-vnni-gemm"), kernels(model));
        float[] in = input.floats().clone();
        float[] actual = model.apply(in);
        // The kernels read the caller's input array in place: it must come back unchanged.
        assertArrayEquals(input.floats(), in, name + " " + target + ": predict wrote into its input");
        double maxAbs = 0;
        double maxErr = 0;
        for (int i = 0; i < expected.length; i++) {
            maxAbs = Math.max(maxAbs, Math.abs(expected[i]));
            maxErr = Math.max(maxErr, Math.abs(expected[i] - actual[i]));
        }
        if (exact(name)) {
            assertArrayEquals(expected, actual, name + " " + target + ": integer path must be bit-exact");
        } else {
            assertTrue(maxErr <= 1e-5 * maxAbs, name + " " + target + ": max error " + maxErr + " vs max |y| "
                    + maxAbs);
        }
    }

    /** Compiled without native kernels, a class keeps its int8 products on the Vector API, bit for bit. */
    @Test
    void compilesWithoutNativeKernelsWhenAsked() {
        Graph g = TestModels.get("cnn-static");
        Tensor input = TestModels.images(3);
        float[] expected = new ReferenceEvaluator(g).run(List.of(input)).get(0).floats();
        for (Target target : new Target[] {Target.AVX2, Target.AVX512_VNNI}) {
            Object model = JvmCompiler.instantiate(JvmCompiler.compile(g, new JvmCompiler.Options(
                    JvmCompiler.hiddenClassName(g.name()), target, g.name(), "int8", "", false)));
            assertTrue(simdActive(model));
            assertFalse(kernels(model).endsWith("-gemm"), kernels(model));
            assertArrayEquals(expected, ((UnaryOperator<float[]>) model).apply(input.floats()), target.id());
        }
    }

    static final boolean HOST_AVX2 = hostHas(" avx2 ");
    /** AVX-512 VNNI, and a JVM whose preferred vectors are 512 bits wide (the species the target narrows to). */
    static final boolean HOST_VNNI = hostHas(" avx512_vnni") && hostHas(" avx512f ")
            && jdk.incubator.vector.FloatVector.SPECIES_PREFERRED.vectorBitSize() >= 512;

    private static boolean hostHas(String flag) {
        try {
            return java.nio.file.Files.readString(java.nio.file.Path.of("/proc/cpuinfo")).contains(flag);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    static String kernels(Object model) {
        try {
            return (String) model.getClass().getMethod("kernels").invoke(model);
        } catch (ReflectiveOperationException e) {
            throw new AssertionError(e);
        }
    }

    static boolean simdActive(Object model) {
        try {
            return (boolean) model.getClass().getMethod("simd").invoke(model);
        } catch (ReflectiveOperationException e) {
            throw new AssertionError(e);
        }
    }

    /** Graphs whose every op between input and output is integer, or float computed in the same order. */
    private static boolean exact(String name) {
        return name.endsWith("static") && !name.startsWith("transformer") || name.endsWith("qat")
                || name.equals("mlp-tiny-int8") || name.equals("mlp-dynamic");
    }
}
