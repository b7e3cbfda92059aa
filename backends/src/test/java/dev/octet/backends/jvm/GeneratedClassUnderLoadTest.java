package dev.octet.backends.jvm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.octet.ir.Graph;
import dev.octet.ir.Tensor;
import dev.octet.ir.eval.ReferenceEvaluator;
import dev.octet.runtime.OctetModel;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A generated class as a server uses it: one instance called from many threads gives, bit for bit, what serial
 * calls give; a second instance gives the same; bad arguments and NaN/infinite inputs behave as OctetModel
 * documents.
 */
class GeneratedClassUnderLoadTest {
    private static final int THREADS = 8;
    private static final int CALLS_PER_THREAD = 300;

    /** (start sample, batch) pairs the threads draw from; their serial results are the expectation. */
    private record Call(int start, int batch) {
    }

    @ParameterizedTest
    @ValueSource(strings = {"cnn-static", "transformer-dynamic", "mlp-f32"})
    void manyThreadsGiveTheSerialResultsBitForBit(String name) throws Exception {
        OctetModel model = JvmCompiler.load(TestModels.get(name), Target.AUTO);
        float[] images = TestModels.images(32).floats();
        int in = 784;
        int out = 10;
        List<Call> calls = new ArrayList<>();
        for (int batch : new int[] {1, 3, 4}) {
            for (int start = 0; start + batch <= 32; start += 5) {
                calls.add(new Call(start, batch));
            }
        }
        List<float[]> expected = new ArrayList<>();
        for (Call c : calls) {
            float[] y = new float[c.batch() * out];
            model.predict(Arrays.copyOfRange(images, c.start() * in, (c.start() + c.batch()) * in), c.batch(), y);
            expected.add(y);
        }
        OctetModel second = JvmCompiler.load(TestModels.get(name), Target.AUTO);
        for (int i = 0; i < calls.size(); i++) {
            Call c = calls.get(i);
            float[] y = new float[c.batch() * out];
            second.predict(Arrays.copyOfRange(images, c.start() * in, (c.start() + c.batch()) * in), c.batch(), y);
            assertArrayEquals(bits(expected.get(i)), bits(y), "a second instance, call " + c);
        }

        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        try {
            List<Future<Integer>> results = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                long seed = t;
                results.add(pool.submit(() -> {
                    Random random = new Random(seed);
                    float[] x = new float[4 * in];
                    float[] y = new float[4 * out];
                    for (int k = 0; k < CALLS_PER_THREAD; k++) {
                        int i = random.nextInt(calls.size());
                        Call c = calls.get(i);
                        System.arraycopy(images, c.start() * in, x, 0, c.batch() * in);
                        model.predict(x, c.batch(), y);
                        float[] want = expected.get(i);
                        for (int j = 0; j < want.length; j++) {
                            if (Float.floatToRawIntBits(want[j]) != Float.floatToRawIntBits(y[j])) {
                                throw new AssertionError("thread " + seed + " call " + c + " output " + j + ": "
                                        + y[j] + " instead of " + want[j]);
                            }
                        }
                    }
                    return CALLS_PER_THREAD;
                }));
            }
            int done = 0;
            for (Future<Integer> f : results) {
                done += f.get();
            }
            assertEquals(THREADS * CALLS_PER_THREAD, done);
        } finally {
            pool.shutdownNow();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"mlp-static", "cnn-static", "mlp-f32"})
    void nanAndInfinityGiveTheReferenceEvaluatorsResults(String name) {
        Graph g = TestModels.get(name);
        OctetModel model = JvmCompiler.load(g, Target.AUTO);
        Tensor x = TestModels.images(4);
        float[] poisoned = x.floats().clone();
        poisoned[100] = Float.NaN;
        poisoned[784 + 200] = Float.POSITIVE_INFINITY;
        poisoned[2 * 784 + 300] = Float.NEGATIVE_INFINITY;
        poisoned[3 * 784 + 10] = Float.MAX_VALUE;
        Tensor bad = Tensor.of(x.type(), poisoned);
        float[] want = new ReferenceEvaluator(g).run(List.of(bad)).getFirst().floats();
        float[] got = new float[want.length];
        model.predict(poisoned, 4, got);
        boolean integer = name.endsWith("static");
        float scale = 0;
        for (float v : want) {
            scale = Float.isFinite(v) ? Math.max(scale, Math.abs(v)) : scale;
        }
        for (int i = 0; i < want.length; i++) {
            if (integer) {
                assertTrue(Float.isFinite(got[i]), "int8 layers saturate: output " + i + " is " + got[i]);
                assertEquals(want[i], got[i], 0f, "output " + i);
            } else if (Float.isNaN(want[i])) {
                assertTrue(Float.isNaN(got[i]), "NaN propagates in float: output " + i + " is " + got[i]);
            } else {
                assertEquals(want[i], got[i], scale * 1e-5f, "output " + i + " (float tolerance: 1e-5 of the "
                        + "largest output)");
            }
        }
    }

    @Test
    void badArgumentsNameTheExpectedShape() {
        OctetModel model = JvmCompiler.load(TestModels.get("cnn-static"), Target.AUTO);
        var wrongLength = assertThrows(IllegalArgumentException.class, () -> model.predict(new float[700]));
        assertTrue(wrongLength.getMessage().contains("of shape [N, 1, 28, 28]"), wrongLength.getMessage());
        var shortArray = assertThrows(IllegalArgumentException.class,
                () -> model.predict(new float[784], 2, new float[20]));
        assertTrue(shortArray.getMessage().contains("batch 2 of input shape [N, 1, 28, 28] needs 1568 inputs"),
                shortArray.getMessage());
        assertThrows(IllegalArgumentException.class, () -> model.predict(new float[784], 0, new float[10]));
        assertThrows(NullPointerException.class, () -> model.predict(null, 1, new float[10]));
    }

    private static int[] bits(float[] v) {
        int[] b = new int[v.length];
        for (int i = 0; i < v.length; i++) {
            b[i] = Float.floatToRawIntBits(v[i]);
        }
        return b;
    }
}
