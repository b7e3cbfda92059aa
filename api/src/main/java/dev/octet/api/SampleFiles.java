package dev.octet.api;

import dev.octet.frontend.IdxFormat;
import dev.octet.frontend.NpyFormat;
import dev.octet.ir.ElementType;
import dev.octet.ir.Shape;
import dev.octet.ir.Tensor;
import dev.octet.ir.TensorType;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;

/**
 * Reads model inputs from files: {@code .npy} (float32) or the IDX format of MNIST/Fashion-MNIST, gzipped or not
 * (unsigned bytes scaled to [0, 1], as the test models take them). Samples whose per-sample size matches the
 * model's input are reshaped to it (so [N, 28, 28] feeds a [N, 1, 28, 28] model); anything else is a
 * {@link DataException} naming both shapes.
 */
public final class SampleFiles {
    /** A problem with a data file: the message names the file and what is wrong. */
    public static final class DataException extends RuntimeException {
        public DataException(String message) {
            super(message);
        }
    }

    private SampleFiles() {
    }

    /** Samples for a model one of whose samples is {@code sampleShape} (the batch dimension dropped). */
    public static Tensor read(Path file, long[] sampleShape) {
        Tensor t = isNpy(file) ? NpyFormat.read(file) : idxAsFloats(file);
        if (t.shape().rank() == 0 || t.size() == 0) {
            throw new DataException(file + ": no samples (shape " + t.shape() + ")");
        }
        if (t.elementType() != ElementType.F32) {
            throw new DataException(file + ": samples must be float32, got " + t.elementType().textName()
                    + " (scale them as the model expects, e.g. to [0, 1])");
        }
        long n = t.shape().size(0);
        long perSample = t.size() / n;
        long want = Arrays.stream(sampleShape).reduce(1, (a, b) -> a * b);
        if (perSample != want) {
            throw new DataException(file + ": samples are " + dims(t.shape().sizes(), 1) + " (" + perSample
                    + " values each) but the model takes " + dims(sampleShape, 0) + " (" + want + " values)");
        }
        long[] shape = new long[sampleShape.length + 1];
        shape[0] = n;
        System.arraycopy(sampleShape, 0, shape, 1, sampleShape.length);
        return Tensor.of(TensorType.of(ElementType.F32, Shape.of(shape)), t.floats());
    }

    /** Labels: a vector of class indices (.npy of any integer type, or IDX). */
    public static long[] readLabels(Path file) {
        Tensor t = isNpy(file) ? NpyFormat.read(file) : IdxFormat.read(file);
        if (t.shape().rank() != 1) {
            throw new DataException(file + ": labels must be a vector [N], got " + t.shape());
        }
        if (t.elementType().isFloat()) {
            throw new DataException(file + ": labels must be integers, got " + t.elementType().textName());
        }
        long[] labels = t.toLongs();
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] < 0) {
                throw new DataException(file + ": label " + i + " is negative (" + labels[i] + ")");
            }
        }
        return labels;
    }

    static boolean isNpy(Path file) {
        return file.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".npy");
    }

    private static Tensor idxAsFloats(Path file) {
        Tensor t = IdxFormat.read(file);
        byte[] b = t.bytes();
        float[] f = new float[b.length];
        for (int i = 0; i < b.length; i++) {
            f[i] = (b[i] & 0xFF) / 255f;
        }
        return Tensor.of(TensorType.of(ElementType.F32, t.shape()), f);
    }

    private static String dims(long[] shape, int from) {
        StringBuilder sb = new StringBuilder("[");
        for (int i = from; i < shape.length; i++) {
            sb.append(i > from ? ", " : "").append(shape[i]);
        }
        return sb.append(']').toString();
    }
}
