package dev.octet.passes.quant;

import java.util.Locale;

/**
 * How a tensor's quantization range is chosen from its calibration histogram: {@code minmax}, {@code
 * percentile:P} (clip (100 - P)% of the values, split between the tails), {@code entropy} (minimize the KL
 * divergence between the float and the quantized histogram) or {@code mse} (minimize the expected squared error,
 * rounding and clipping together).
 */
public record RangeMethod(Kind kind, double percentile) {
    public enum Kind { MINMAX, PERCENTILE, ENTROPY, MSE }

    public static RangeMethod parse(String text) {
        String t = text.strip().toLowerCase(Locale.ROOT);
        if (t.startsWith("percentile")) {
            double p = 99.99;
            if (t.startsWith("percentile:")) {
                try {
                    p = Double.parseDouble(t.substring("percentile:".length()));
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("bad percentile in '" + text + "'");
                }
            }
            if (!(p > 50 && p <= 100)) {
                throw new IllegalArgumentException("percentile must be in (50, 100], got " + p);
            }
            return new RangeMethod(Kind.PERCENTILE, p);
        }
        return switch (t) {
            case "minmax" -> new RangeMethod(Kind.MINMAX, 100);
            case "entropy" -> new RangeMethod(Kind.ENTROPY, 100);
            case "mse" -> new RangeMethod(Kind.MSE, 100);
            default -> throw new IllegalArgumentException("unknown range method '" + text
                    + "' (minmax, percentile:P, entropy, mse)");
        };
    }

    @Override
    public String toString() {
        return kind == Kind.PERCENTILE ? "percentile:" + percentile : kind.name().toLowerCase(Locale.ROOT);
    }
}
