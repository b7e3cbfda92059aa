package dev.octet.cli.data;

import dev.octet.frontend.IdxFormat;
import dev.octet.frontend.NpyFormat;
import dev.octet.ir.ElementType;
import dev.octet.ir.Shape;
import dev.octet.ir.Tensor;
import dev.octet.ir.TensorType;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Samples (float rows shaped as the model's input) and, for evaluation, their labels. Reads {@code .npy} files
 * and the IDX format of MNIST/Fashion-MNIST, gzipped or not: IDX images become float32 in [0, 1], as the test
 * models take them. Samples whose per-sample size matches the model's input are reshaped to it (so [N, 28, 28]
 * feeds a [N, 1, 28, 28] model); anything else is an error that names both shapes.
 */
public record LabeledData(Tensor samples, long[] labels) {

    /** A problem with a data file: the message names the file and what is wrong. */
    public static final class DataException extends RuntimeException {
        public DataException(String message) {
            super(message);
        }
    }

    /** Reads samples for a model whose one sample is {@code sampleShape} (the batch dimension dropped). */
    public static Tensor readSamples(Path file, long[] sampleShape) {
        Tensor t = isNpy(file) ? NpyFormat.read(file) : idxSamples(file);
        if (t.shape().rank() == 0 || t.size() == 0) {
            throw new DataException(file + ": no samples (shape " + t.shape() + ")");
        }
        if (t.elementType() != ElementType.F32) {
            throw new DataException(file + ": samples must be float32, got " + t.elementType().name().toLowerCase()
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

    /** Reads labels (a vector of class indices: .npy of any integer type, or IDX). */
    public static long[] readLabels(Path file) {
        Tensor t = isNpy(file) ? NpyFormat.read(file) : IdxFormat.read(file);
        if (t.shape().rank() != 1) {
            throw new DataException(file + ": labels must be a vector [N], got " + t.shape());
        }
        if (t.elementType() == ElementType.F32 || t.elementType() == ElementType.F16) {
            throw new DataException(file + ": labels must be integers, got " + t.elementType().name().toLowerCase());
        }
        long[] labels = t.toLongs();
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] < 0) {
                throw new DataException(file + ": label " + i + " is negative (" + labels[i] + ")");
            }
        }
        return labels;
    }

    /** Samples and labels together, checked to match in count and against the model's number of classes. */
    public static LabeledData read(Path data, Path labelsFile, long[] sampleShape, int classes) {
        Tensor samples = readSamples(data, sampleShape);
        long[] labels = readLabels(labelsFile);
        long n = samples.shape().size(0);
        if (labels.length != n) {
            throw new DataException(labelsFile + ": " + labels.length + " labels for " + n + " samples in " + data);
        }
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] >= classes) {
                throw new DataException(labelsFile + ": label " + i + " is " + labels[i] + " but the model has "
                        + classes + " classes");
            }
        }
        return new LabeledData(samples, labels);
    }

    public int size() {
        return labels.length;
    }

    private static boolean isNpy(Path file) {
        return file.getFileName().toString().toLowerCase().endsWith(".npy");
    }

    private static Tensor idxSamples(Path file) {
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
