package dev.octet.api;

import dev.octet.backends.jvm.JvmCompiler;
import dev.octet.ir.Graph;
import dev.octet.ir.Tensor;
import dev.octet.runtime.OctetModel;
import java.nio.file.Path;

/** Top-1 accuracy of a compiled model next to its float source on labelled data: the check behind budgets. */
public final class Validation {
    /** Accuracies as fractions: the prepared float graph's and the compiled graph's. */
    public record Outcome(double reference, double compiled, int samples) {
    }

    private Validation() {
    }

    public static Outcome compare(ModelCompilation.Result result, Path samples, Path labelsFile) {
        Tensor x = SampleFiles.read(samples, Octet.sampleShape(result.prepared()));
        long[] labels = SampleFiles.readLabels(labelsFile);
        if (labels.length != x.shape().size(0)) {
            throw new SampleFiles.DataException(labelsFile + ": " + labels.length + " labels for "
                    + x.shape().size(0) + " samples in " + samples);
        }
        var target = result.artifact().metadata().target();
        return new Outcome(top1(load(result.prepared(), target), x, labels),
                top1(load(result.compiled(), target), x, labels), labels.length);
    }

    /** Share of samples whose arg-max output equals the label. */
    public static double top1(OctetModel model, Tensor samples, long[] labels) {
        int n = labels.length;
        int in = samples.size() / n;
        long[] out = model.outputShape();
        int classes = (int) out[out.length - 1];
        float[] x = samples.floats();
        int batch = 64;
        float[] chunk = new float[batch * in];
        float[] y = new float[batch * classes];
        long correct = 0;
        for (int start = 0; start < n; start += batch) {
            int b = Math.min(batch, n - start);
            System.arraycopy(x, start * in, chunk, 0, b * in);
            model.predict(chunk, b, y);
            for (int r = 0; r < b; r++) {
                int best = 0;
                for (int c = 1; c < classes; c++) {
                    if (y[r * classes + c] > y[r * classes + best]) {
                        best = c;
                    }
                }
                correct += best == labels[start + r] ? 1 : 0;
            }
        }
        return (double) correct / n;
    }

    private static OctetModel load(Graph g, dev.octet.backends.jvm.Target target) {
        return JvmCompiler.load(g, target);
    }
}
