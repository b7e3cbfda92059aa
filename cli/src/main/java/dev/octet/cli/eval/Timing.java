package dev.octet.cli.eval;

import dev.octet.cli.model.RunnableModel;
import dev.octet.ir.Tensor;
import java.util.Arrays;
import java.util.function.LongConsumer;

/**
 * Latency of single-sample calls (p50/p90/p99 after warm-up) and throughput at a batch size, measured in this JVM
 * on one thread. Wall-clock figures: noisy on shared machines, so they are reported, never asserted.
 */
public record Timing(double p50Ms, double p90Ms, double p99Ms, double[] latencyMs, int batch,
                     double throughputPerS) {
    private static final long WARMUP_NANOS = 500_000_000L;
    private static final long MEASURE_NANOS = 1_000_000_000L;
    private static final int MAX_CALLS = 5_000;

    /** The three phases (warm-up, latency, throughput) take about 2.5 s; {@code onPhase} hears each one end. */
    public static Timing measure(RunnableModel model, Tensor samples, int batch, LongConsumer onPhase) {
        int n = (int) samples.shape().size(0);
        int in = model.inputSize();
        float[] all = samples.floats();
        float[] one = new float[in];
        float[] out = new float[Math.max(batch, 1) * model.outputSize()];
        long end = System.nanoTime() + WARMUP_NANOS;
        for (int i = 0; System.nanoTime() < end || i < 20; i++) {
            System.arraycopy(all, (i % n) * in, one, 0, in);
            model.predict(one, 1, out);
        }
        onPhase.accept(1);
        double[] lat = new double[MAX_CALLS];
        int calls = 0;
        end = System.nanoTime() + MEASURE_NANOS;
        while (calls < MAX_CALLS && (calls < 30 || System.nanoTime() < end)) {
            System.arraycopy(all, (calls % n) * in, one, 0, in);
            long t0 = System.nanoTime();
            model.predict(one, 1, out);
            lat[calls++] = (System.nanoTime() - t0) / 1e6;
        }
        lat = Arrays.copyOf(lat, calls);
        double[] sorted = lat.clone();
        Arrays.sort(sorted);
        onPhase.accept(1);

        int b = Math.min(batch, n);
        float[] x = Arrays.copyOf(all, b * in);
        model.predict(x, b, out);
        long runs = 0;
        long t0 = System.nanoTime();
        long elapsed;
        do {
            model.predict(x, b, out);
            runs++;
            elapsed = System.nanoTime() - t0;
        } while (runs < 3 || elapsed < MEASURE_NANOS);
        onPhase.accept(1);
        return new Timing(percentile(sorted, 50), percentile(sorted, 90), percentile(sorted, 99), lat, b,
                runs * b / (elapsed / 1e9));
    }

    /** Nearest-rank percentile of sorted values. */
    public static double percentile(double[] sorted, double p) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        int rank = (int) Math.ceil(p / 100 * sorted.length);
        return sorted[Math.clamp(rank - 1, 0, sorted.length - 1)];
    }
}
