package dev.octet.passes.quant;

/**
 * Chooses a quantization range from a calibration {@link Histogram} with one of the {@link RangeMethod}s. The
 * chosen range always contains 0 and never exceeds the observed one.
 */
public final class RangeSelector {
    private RangeSelector() {
    }

    public static QuantRange select(Histogram h, RangeMethod method, QuantScheme scheme) {
        if (h.total() == 0) {
            return new QuantRange(0, 0, 0, 0, 0, method);
        }
        double min = Math.min(h.min(), 0);
        double max = Math.max(h.max(), 0);
        double[] r = switch (method.kind()) {
            case MINMAX -> new double[] {min, max};
            case PERCENTILE -> {
                double tail = (1 - method.percentile() / 100) / 2;
                yield new double[] {Math.min(0, h.quantile(tail)), Math.max(0, h.quantile(1 - tail))};
            }
            case ENTROPY -> {
                double t = entropyThreshold(h, h.min() < 0 || scheme.isSymmetric() ? 128 : 256);
                yield new double[] {Math.max(min, -t), Math.min(max, t)};
            }
            case MSE -> mseRange(h, scheme);
        };
        return new QuantRange(r[0], r[1], h.min(), h.max(), h.fractionOutside(r[0], r[1]), method);
    }

    /** |x| as a histogram of {@code bins} bins over [0, max |x|], from the signed one. */
    static double[] absoluteHistogram(Histogram h, int bins, double[] widthOut) {
        double m = Math.max(Math.abs(h.min()), Math.abs(h.max()));
        double width = m > 0 ? m / bins : 1;
        widthOut[0] = width;
        double[] abs = new double[bins];
        for (int i = 0; i < h.bins(); i++) {
            if (h.count(i) > 0) {
                abs[(int) Math.min(bins - 1, Math.abs(h.binCenter(i)) / width)] += h.count(i);
            }
        }
        return abs;
    }

    /**
     * TensorRT's entropy calibration on |x|: for each candidate threshold (a bin edge from {@code levels} bins on),
     * P is the histogram up to it with the outliers added to its last bin, Q is that histogram merged into
     * {@code levels} levels and spread back over the non-empty bins; the threshold with the smallest KL(P || Q)
     * wins. Returns the threshold value (the upper edge of the last kept bin).
     */
    static double entropyThreshold(Histogram h, int levels) {
        int bins = Histogram.DEFAULT_BINS;
        double[] width = new double[1];
        double[] hist = absoluteHistogram(h, bins, width);
        double[] suffix = new double[bins + 1];
        for (int i = bins - 1; i >= 0; i--) {
            suffix[i] = suffix[i + 1] + hist[i];
        }
        int best = bins;
        double bestKl = Double.POSITIVE_INFINITY;
        double[] p = new double[bins];
        double[] q = new double[bins];
        for (int i = levels; i <= bins; i++) {
            System.arraycopy(hist, 0, p, 0, i);
            p[i - 1] += suffix[i];
            java.util.Arrays.fill(q, 0, i, 0);
            double perLevel = (double) i / levels;
            for (int j = 0; j < levels; j++) {
                int start = (int) Math.floor(j * perLevel);
                int end = j == levels - 1 ? i : (int) Math.floor((j + 1) * perLevel);
                double sum = 0;
                int nonEmpty = 0;
                for (int k = start; k < end; k++) {
                    sum += hist[k];
                    nonEmpty += hist[k] > 0 ? 1 : 0;
                }
                for (int k = start; k < end; k++) {
                    if (hist[k] > 0) {
                        q[k] = sum / nonEmpty;
                    }
                }
            }
            double kl = kl(p, q, i);
            if (kl < bestKl) {
                bestKl = kl;
                best = i;
            }
        }
        return best * width[0];
    }

    /** KL(P || Q) of the first n entries, both normalized; a P mass where Q is empty counts as large. */
    private static double kl(double[] p, double[] q, int n) {
        double ps = 0;
        double qs = 0;
        for (int i = 0; i < n; i++) {
            ps += p[i];
            qs += q[i];
        }
        double kl = 0;
        for (int i = 0; i < n; i++) {
            if (p[i] == 0) {
                continue;
            }
            double pi = p[i] / ps;
            double qi = q[i] / qs;
            kl += qi == 0 ? pi * 20 : pi * Math.log(pi / qi);
        }
        return kl;
    }

    /**
     * The range minimizing the expected squared error over the histogram: a value inside costs step^2 / 12
     * (uniform rounding error), one outside its squared distance to the range. For symmetric schemes one bound
     * m = f * max|x| is searched (f in 1%..100%); otherwise the lower and upper bounds are searched independently
     * (f_lo * min, f_hi * max), by alternating one-dimensional searches, since outliers on one side must not force
     * clipping on the other.
     */
    static double[] mseRange(Histogram h, QuantScheme scheme) {
        double min = Math.min(h.min(), 0);
        double max = Math.max(h.max(), 0);
        int levels = scheme.qmax() - scheme.qmin();
        if (scheme.isSymmetric()) {
            double m = Math.max(-min, max);
            double best = Double.POSITIVE_INFINITY;
            double bestM = m;
            for (int k = 1; k <= 100; k++) {
                double err = squaredError(h, -m * k / 100.0, m * k / 100.0, levels);
                if (err < best) {
                    best = err;
                    bestM = m * k / 100.0;
                }
            }
            return new double[] {-bestM, bestM};
        }
        double a = min;
        double b = max;
        for (int round = 0; round < 4; round++) {
            a = bestBound(h, a, b, min, true, levels);
            b = bestBound(h, a, b, max, false, levels);
        }
        return new double[] {a, b};
    }

    /** The best lower (or upper) bound among 1%..100% of {@code extreme}, the other bound fixed. */
    private static double bestBound(Histogram h, double a, double b, double extreme, boolean lower, int levels) {
        double best = Double.POSITIVE_INFINITY;
        double bound = extreme;
        for (int k = 1; k <= 100; k++) {
            double candidate = extreme * k / 100.0;
            double err = lower ? squaredError(h, candidate, b, levels) : squaredError(h, a, candidate, levels);
            if (err < best) {
                best = err;
                bound = candidate;
            }
        }
        return bound;
    }

    private static double squaredError(Histogram h, double a, double b, int levels) {
        double step = (b - a) / levels;
        double err = 0;
        for (int i = 0; i < h.bins(); i++) {
            if (h.count(i) == 0) {
                continue;
            }
            double c = h.binCenter(i);
            double d = c < a ? a - c : c > b ? c - b : 0;
            err += h.count(i) * (d > 0 ? d * d : step * step / 12);
        }
        return err;
    }
}
