package dev.octet.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Engines of {@link ModelBenchmark} timed in turn in one process, round after round: on a shared, noisy host the
 * ratio of two engines measured seconds apart in the same JVM is steadier than two JMH forks minutes apart.
 * Each round runs each engine for {@code seconds} and reports its best call (the least disturbed one), then the
 * ratio of each engine to the last. Usage, from the repository root:
 * <pre>
 * java --add-modules=jdk.incubator.vector --enable-native-access=ALL-UNNAMED -cp bench/target/benchmarks.jar \
 *     dev.octet.bench.InterleavedComparison transformer 64 5 1 octet-int8 ort-f32
 * </pre>
 * (model, batch, rounds, seconds a round, engines). The first round includes warm-up.
 */
public final class InterleavedComparison {
    private InterleavedComparison() {
    }

    public static void main(String[] args) throws Throwable {
        if (args.length < 5) {
            System.err.println("usage: InterleavedComparison MODEL BATCH ROUNDS SECONDS ENGINE... (engines of"
                    + " ModelBenchmark: octet-f32, octet-int8, ort-f32, ort-int8)");
            System.exit(2);
        }
        List<ModelBenchmark> engines = new ArrayList<>();
        for (int i = 4; i < args.length; i++) {
            ModelBenchmark b = new ModelBenchmark();
            b.model = args[0];
            b.batch = Integer.parseInt(args[1]);
            b.engine = args[i];
            b.setup();
            engines.add(b);
        }
        int rounds = Integer.parseInt(args[2]);
        long budget = (long) (Double.parseDouble(args[3]) * 1e9);
        for (int r = 0; r < rounds; r++) {
            long[] best = new long[engines.size()];
            StringBuilder line = new StringBuilder("round " + r);
            for (int e = 0; e < engines.size(); e++) {
                best[e] = Long.MAX_VALUE;
                long start = System.nanoTime();
                while (System.nanoTime() - start < budget) {
                    long t = System.nanoTime();
                    engines.get(e).run();
                    best[e] = Math.min(best[e], System.nanoTime() - t);
                }
                line.append(String.format(Locale.ROOT, "  %s %.1f us", args[4 + e], best[e] / 1e3));
            }
            long last = best[best.length - 1];
            for (int e = 0; e + 1 < engines.size(); e++) {
                line.append(String.format(Locale.ROOT, "  %s/%s %.2f", args[4 + e], args[args.length - 1],
                        (double) best[e] / last));
            }
            System.out.println(line);
        }
        for (ModelBenchmark b : engines) {
            b.close();
        }
    }
}
