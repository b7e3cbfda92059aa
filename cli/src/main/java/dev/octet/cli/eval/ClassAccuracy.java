package dev.octet.cli.eval;

/**
 * Top-1 accuracy overall and per class, with the confusion matrix ({@code confusion[label][predicted]}). A class
 * with no samples has accuracy NaN and is left out of "worst class".
 */
public record ClassAccuracy(double overall, double[] perClass, long[] support, long[][] confusion) {

    public static ClassAccuracy of(long[] labels, int[] predicted, int classes) {
        long[][] confusion = new long[classes][classes];
        long correct = 0;
        for (int i = 0; i < labels.length; i++) {
            confusion[(int) labels[i]][predicted[i]]++;
            correct += labels[i] == predicted[i] ? 1 : 0;
        }
        double[] perClass = new double[classes];
        long[] support = new long[classes];
        for (int c = 0; c < classes; c++) {
            for (long v : confusion[c]) {
                support[c] += v;
            }
            perClass[c] = support[c] == 0 ? Double.NaN : (double) confusion[c][c] / support[c];
        }
        return new ClassAccuracy(labels.length == 0 ? Double.NaN : (double) correct / labels.length, perClass,
                support, confusion);
    }

    /** The class with the lowest accuracy (among classes with samples), or -1. */
    public int worstClass() {
        int worst = -1;
        for (int c = 0; c < perClass.length; c++) {
            if (!Double.isNaN(perClass[c]) && (worst < 0 || perClass[c] < perClass[worst])) {
                worst = c;
            }
        }
        return worst;
    }
}
