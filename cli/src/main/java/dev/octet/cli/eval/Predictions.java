package dev.octet.cli.eval;

import dev.octet.cli.model.RunnableModel;
import dev.octet.ir.Tensor;
import java.util.function.LongConsumer;

/** Runs a classifier over samples in batches and keeps each sample's top-1 class. */
public final class Predictions {
    private Predictions() {
    }

    /** Top-1 class of every sample; {@code onSamples} hears how many samples each batch finished. */
    public static int[] top1(RunnableModel model, Tensor samples, int batch, LongConsumer onSamples) {
        int n = (int) samples.shape().size(0);
        int in = model.inputSize();
        int classes = model.outputSize();
        float[] all = samples.floats();
        float[] x = new float[batch * in];
        float[] y = new float[batch * classes];
        int[] top = new int[n];
        for (int start = 0; start < n; start += batch) {
            int b = Math.min(batch, n - start);
            System.arraycopy(all, start * in, x, 0, b * in);
            model.predict(x, b, y);
            for (int r = 0; r < b; r++) {
                top[start + r] = argmax(y, r * classes, classes);
            }
            onSamples.accept(b);
        }
        return top;
    }

    /** The first index of the largest value (NaN never wins). */
    static int argmax(float[] v, int offset, int length) {
        int best = 0;
        for (int c = 1; c < length; c++) {
            if (v[offset + c] > v[offset + best]) {
                best = c;
            }
        }
        return best;
    }
}
