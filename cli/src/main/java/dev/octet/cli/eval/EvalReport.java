package dev.octet.cli.eval;

import com.google.gson.FieldNamingPolicy;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonElement;
import java.util.Arrays;
import java.util.List;

/**
 * The result of {@code octet eval}, as written to {@code --json} (field names snake_case and stable: scripts read
 * them). Top level: the evaluated model ({@code model, precision, accuracy, per_class_accuracy, latency_ms,
 * throughput_per_s, batch, size_bytes, ...}); against a baseline also {@code baseline_accuracy, agreement,
 * flip_rate, per_class_delta, confusion_changes, classes_hurt_most} and the baseline's own figures under
 * {@code baseline}. Accuracies are fractions in [0, 1]; a class without samples has accuracy null.
 * {@code peak_heap_bytes} is the JVM's peak heap use during the evaluation (the whole tool, not the model alone).
 */
public record EvalReport(String model, String precision, int samples, int classes, double accuracy,
                         List<Double> perClassAccuracy, long[] perClassSupport, int worstClass, long[][] confusion,
                         Latency latencyMs, double throughputPerS, int batch, long sizeBytes, long peakHeapBytes,
                         Double baselineAccuracy, Double agreement, Double flipRate, List<Double> perClassDelta,
                         List<Comparison.ConfusionChange> confusionChanges, List<Integer> classesHurtMost,
                         Side baseline, double[] latencySamplesMs, JsonElement quality) {

    /** Latency percentiles in milliseconds, at batch 1. */
    public record Latency(double p50, double p90, double p99) {
        static Latency of(Timing t) {
            return new Latency(t.p50Ms(), t.p90Ms(), t.p99Ms());
        }
    }

    /** One model's figures. */
    public record Side(String model, String precision, double accuracy, List<Double> perClassAccuracy,
                       int worstClass, Latency latencyMs, double throughputPerS, long sizeBytes,
                       double[] latencySamplesMs) {
    }

    /** Everything measured about one model. */
    public record Measured(String model, String precision, long sizeBytes, ClassAccuracy accuracy, int[] top1,
                           Timing timing) {
        Side side() {
            return new Side(model, precision, accuracy.overall(), boxed(accuracy.perClass()), accuracy.worstClass(),
                    Latency.of(timing), timing.throughputPerS(), sizeBytes, timing.latencyMs());
        }
    }

    public static EvalReport of(Measured m, Measured baseline, long peakHeapBytes, JsonElement quality) {
        ClassAccuracy a = m.accuracy();
        Comparison c = baseline == null ? null : Comparison.of(a, m.top1(), baseline.accuracy(), baseline.top1());
        return new EvalReport(m.model(), m.precision(), m.top1().length, a.perClass().length, a.overall(),
                boxed(a.perClass()), a.support(), a.worstClass(), a.confusion(), Latency.of(m.timing()),
                m.timing().throughputPerS(), m.timing().batch(), m.sizeBytes(), peakHeapBytes,
                baseline == null ? null : baseline.accuracy().overall(), c == null ? null : c.agreement(),
                c == null ? null : c.flipRate(), c == null ? null : boxed(c.perClassDelta()),
                c == null ? null : c.confusionChanges(), c == null ? null : c.classesHurtMost(),
                baseline == null ? null : baseline.side(), m.timing().latencyMs(), quality);
    }

    public Side side() {
        return new Side(model, precision, accuracy, perClassAccuracy, worstClass, latencyMs, throughputPerS,
                sizeBytes, latencySamplesMs);
    }

    public String toJson() {
        return new GsonBuilder().setPrettyPrinting().serializeSpecialFloatingPointValues().setFieldNamingPolicy(FieldNamingPolicy.LOWER_CASE_WITH_UNDERSCORES)
                .create().toJson(this);
    }

    /** NaN becomes null, so the JSON stays standard. */
    static List<Double> boxed(double[] v) {
        return Arrays.stream(v).mapToObj(x -> Double.isNaN(x) ? null : x).toList();
    }
}
