package dev.octet.api;

import dev.octet.backends.jvm.JvmCompiler;
import dev.octet.backends.jvm.Target;
import dev.octet.ir.Graph;
import dev.octet.ir.Tensor;
import dev.octet.runtime.OctetModel;
import java.nio.file.Path;
import java.util.function.LongConsumer;

/**
 * Validation data for choosing precisions: samples with labels, and the measures taken on them. A graph is measured
 * by compiling it (fast) rather than interpreting it.
 */
public record LabeledSamples(Tensor samples, long[] labels) {
    /** Top-1 classes and the raw outputs of {@code graph} on the samples. */
    public record Outputs(float[] logits, int[] top1, int classes) {
        /**
         * Runs {@code model} over {@code samples} ([N, ...]) in batches of {@code batch}; {@code onSamples} hears how
         * many samples each batch finished. Top-1 is the first index of the largest output (NaN never wins).
         */
        public static Outputs of(OctetModel model, Tensor samples, int batch, LongConsumer onSamples) {
            int n = (int) samples.shape().size(0);
            int in = samples.size() / n;
            long[] out = model.outputShape();
            int classes = (int) out[out.length - 1];
            float[] logits = new float[n * classes];
            float[] chunk = new float[batch * in];
            float[] y = new float[batch * classes];
            for (int start = 0; start < n; start += batch) {
                int b = Math.min(batch, n - start);
                System.arraycopy(samples.floats(), start * in, chunk, 0, b * in);
                model.predict(chunk, b, y);
                System.arraycopy(y, 0, logits, start * classes, b * classes);
                onSamples.accept(b);
            }
            int[] top1 = new int[n];
            for (int i = 0; i < n; i++) {
                int best = 0;
                for (int c = 1; c < classes; c++) {
                    if (logits[i * classes + c] > logits[i * classes + best]) {
                        best = c;
                    }
                }
                top1[i] = best;
            }
            return new Outputs(logits, top1, classes);
        }

        public double accuracy(long[] labels) {
            long correct = 0;
            for (int i = 0; i < labels.length; i++) {
                correct += top1[i] == labels[i] ? 1 : 0;
            }
            return (double) correct / labels.length;
        }

        /** Accuracy of each class (NaN for a class without samples). */
        public double[] perClass(long[] labels) {
            long[] right = new long[classes];
            long[] total = new long[classes];
            for (int i = 0; i < labels.length; i++) {
                total[(int) labels[i]]++;
                right[(int) labels[i]] += top1[i] == labels[i] ? 1 : 0;
            }
            double[] acc = new double[classes];
            for (int c = 0; c < classes; c++) {
                acc[c] = total[c] == 0 ? Double.NaN : (double) right[c] / total[c];
            }
            return acc;
        }

        /** SQNR in dB of these outputs against {@code reference}. */
        public double sqnrDb(Outputs reference) {
            double signal = 0;
            double noise = 0;
            for (int i = 0; i < logits.length; i++) {
                double d = reference.logits[i] - logits[i];
                signal += (double) reference.logits[i] * reference.logits[i];
                noise += d * d;
            }
            return noise == 0 ? Double.POSITIVE_INFINITY : 10 * Math.log10(signal / noise);
        }
    }

    /** Samples shaped for the model and their labels, checked to match in count. */
    public static LabeledSamples read(Path samplesFile, Path labelsFile, long[] sampleShape) {
        Tensor x = SampleFiles.read(samplesFile, sampleShape);
        long[] y = SampleFiles.readLabels(labelsFile);
        if (y.length != x.shape().size(0)) {
            throw new SampleFiles.DataException(labelsFile + ": " + y.length + " labels for " + x.shape().size(0)
                    + " samples in " + samplesFile);
        }
        return new LabeledSamples(x, y);
    }

    public int size() {
        return labels.length;
    }

    /** Compiles {@code graph} in-process and runs it on the samples. */
    public Outputs run(Graph graph, Target target) {
        return Outputs.of(JvmCompiler.load(graph, target), samples, 64, done -> { });
    }
}
