package dev.octet.passes.quant;

/**
 * A streaming histogram of a tensor's values with a fixed number of bins over a range that grows as data arrives,
 * plus exact min, max and count: memory is bounded whatever the size of the calibration set.
 *
 * <p>Note on growth: when a batch falls outside [lo, hi), the range is widened (doubling its width, as often as
 * needed, anchored so that it keeps covering the old range) and the old counts move to the new bin that contains
 * each old bin's centre. Merging loses at most half a new bin of resolution per growth, and growth happens
 * O(log(range)) times. The first batch sets the initial range exactly.
 */
public final class Histogram {
    public static final int DEFAULT_BINS = 2048;

    private final long[] counts;
    private double lo = Double.NaN;
    private double hi = Double.NaN;
    private double min = Double.POSITIVE_INFINITY;
    private double max = Double.NEGATIVE_INFINITY;
    private long total;
    private long nonFinite;

    public Histogram(int bins) {
        if (bins < 2) {
            throw new IllegalArgumentException("a histogram needs at least 2 bins");
        }
        counts = new long[bins];
    }

    public Histogram() {
        this(DEFAULT_BINS);
    }

    /** Adds every value; NaN and infinities are counted apart and do not move the range. */
    public void add(float[] values) {
        double bMin = Double.POSITIVE_INFINITY;
        double bMax = Double.NEGATIVE_INFINITY;
        for (float v : values) {
            if (Float.isFinite(v)) {
                bMin = Math.min(bMin, v);
                bMax = Math.max(bMax, v);
            }
        }
        if (bMin > bMax) {
            nonFinite += values.length;
            return;
        }
        if (Double.isNaN(lo)) {
            lo = bMin;
            hi = bMax > bMin ? bMax : bMin + 1e-12;
        } else if (bMin < lo || bMax >= hi) {
            grow(Math.min(lo, bMin), Math.max(hi, bMax));
        }
        min = Math.min(min, bMin);
        max = Math.max(max, bMax);
        double width = (hi - lo) / counts.length;
        for (float v : values) {
            if (Float.isFinite(v)) {
                counts[bin(v, width)]++;
                total++;
            } else {
                nonFinite++;
            }
        }
    }

    private int bin(double v, double width) {
        return (int) Math.min(counts.length - 1, Math.max(0, Math.floor((v - lo) / width)));
    }

    private void grow(double newLo, double newHi) {
        double oldLo = lo;
        double oldWidth = (hi - lo) / counts.length;
        double span = hi - lo;
        while (lo > newLo || hi <= newHi) {
            span *= 2;
            // Grow towards the side that needs it (both when both do).
            if (lo > newLo && hi <= newHi) {
                lo -= span / 4;
                hi = lo + span;
            } else if (lo > newLo) {
                lo = hi - span;
            } else {
                hi = lo + span;
            }
        }
        long[] old = counts.clone();
        java.util.Arrays.fill(counts, 0);
        double width = (hi - lo) / counts.length;
        for (int i = 0; i < old.length; i++) {
            if (old[i] != 0) {
                counts[bin(oldLo + (i + 0.5) * oldWidth, width)] += old[i];
            }
        }
    }

    public long total() {
        return total;
    }

    public long nonFinite() {
        return nonFinite;
    }

    public double min() {
        return min;
    }

    public double max() {
        return max;
    }

    public int bins() {
        return counts.length;
    }

    public double lo() {
        return lo;
    }

    public double hi() {
        return hi;
    }

    public long count(int bin) {
        return counts[bin];
    }

    public double binWidth() {
        return (hi - lo) / counts.length;
    }

    public double binCenter(int bin) {
        return lo + (bin + 0.5) * binWidth();
    }

    /** The value below which a fraction q of the data lies (linear within a bin). */
    public double quantile(double q) {
        if (total == 0) {
            return 0;
        }
        double target = q * total;
        long seen = 0;
        for (int i = 0; i < counts.length; i++) {
            if (seen + counts[i] >= target && counts[i] > 0) {
                double within = (target - seen) / counts[i];
                return Math.max(min, Math.min(max, lo + (i + within) * binWidth()));
            }
            seen += counts[i];
        }
        return max;
    }

    /**
     * The fraction of values outside [a, b]. Each bin's count is taken as spread evenly over the bin, clamped to
     * the exact observed [min, max] (so values piled on the extremes, such as saturated pixels, count exactly);
     * the part of a bin beyond a bound counts proportionally.
     */
    public double fractionOutside(double a, double b) {
        if (total == 0) {
            return 0;
        }
        double out = 0;
        double w = binWidth();
        for (int i = 0; i < counts.length; i++) {
            if (counts[i] == 0) {
                continue;
            }
            double lower = Math.max(lo + i * w, min);
            double upper = Math.min(lo + (i + 1) * w, max);
            if (upper <= lower) {
                out += lower < a || lower > b ? counts[i] : 0;
                continue;
            }
            double span = upper - lower;
            double below = Math.max(0, Math.min(span, a - lower));
            double above = Math.max(0, Math.min(span, upper - b));
            out += counts[i] * Math.min(1, (below + above) / span);
        }
        return out / total;
    }
}
