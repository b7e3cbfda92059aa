package dev.octet.cli.eval;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * How a model's predictions differ from a baseline's on the same labelled samples: top-1 agreement (flip rate is
 * its complement), per-class accuracy deltas, the confusion-matrix cells that changed, and the classes that lost
 * most.
 */
public record Comparison(double agreement, double flipRate, double[] perClassDelta, List<ConfusionChange> confusionChanges,
                         List<Integer> classesHurtMost) {

    /** Cell (label, predicted) of the confusion matrix: count in the baseline, in the model, and the change. */
    public record ConfusionChange(int label, int predicted, long baseline, long model, long delta) {
    }

    public static Comparison of(ClassAccuracy model, int[] modelTop1, ClassAccuracy baseline, int[] baselineTop1) {
        long same = 0;
        for (int i = 0; i < modelTop1.length; i++) {
            same += modelTop1[i] == baselineTop1[i] ? 1 : 0;
        }
        double agreement = modelTop1.length == 0 ? Double.NaN : (double) same / modelTop1.length;
        int classes = model.perClass().length;
        double[] delta = new double[classes];
        List<ConfusionChange> changes = new ArrayList<>();
        List<Integer> hurt = new ArrayList<>();
        for (int c = 0; c < classes; c++) {
            delta[c] = model.perClass()[c] - baseline.perClass()[c];
            if (delta[c] < 0) {
                hurt.add(c);
            }
            for (int p = 0; p < classes; p++) {
                long b = baseline.confusion()[c][p];
                long m = model.confusion()[c][p];
                if (b != m) {
                    changes.add(new ConfusionChange(c, p, b, m, m - b));
                }
            }
        }
        changes.sort(Comparator.comparingLong((ConfusionChange x) -> -Math.abs(x.delta()))
                .thenComparingInt(ConfusionChange::label).thenComparingInt(ConfusionChange::predicted));
        hurt.sort(Comparator.comparingDouble(c -> delta[c]));
        return new Comparison(agreement, 1 - agreement, delta, changes, hurt);
    }
}
