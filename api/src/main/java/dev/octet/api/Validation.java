package dev.octet.api;

import java.nio.file.Path;

/** Top-1 accuracy of a compiled model next to its float source on labelled data: the check behind budgets. */
public final class Validation {
    /** Accuracies as fractions: the prepared float graph's and the compiled graph's. */
    public record Outcome(double reference, double compiled, int samples) {
    }

    private Validation() {
    }

    public static Outcome compare(ModelCompilation.Result result, Path samples, Path labelsFile) {
        LabeledSamples data = LabeledSamples.read(samples, labelsFile, Octet.sampleShape(result.prepared()));
        var target = result.artifact().metadata().target();
        return new Outcome(data.run(result.prepared(), target).accuracy(data.labels()),
                data.run(result.compiled(), target).accuracy(data.labels()), data.size());
    }
}
