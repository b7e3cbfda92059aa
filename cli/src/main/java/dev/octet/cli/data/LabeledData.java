package dev.octet.cli.data;

import dev.octet.api.SampleFiles;
import dev.octet.api.SampleFiles.DataException;
import dev.octet.ir.Tensor;
import java.nio.file.Path;

/**
 * Samples (shaped as the model's input, see {@link SampleFiles}) with their class labels, read from {@code .npy}
 * or IDX files and checked to match in count and against the model's number of classes.
 */
public record LabeledData(Tensor samples, long[] labels) {

    public static LabeledData read(Path data, Path labelsFile, long[] sampleShape, int classes) {
        Tensor samples = SampleFiles.read(data, sampleShape);
        long[] labels = SampleFiles.readLabels(labelsFile);
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
}
