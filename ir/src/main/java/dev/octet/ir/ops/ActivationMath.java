package dev.octet.ir.ops;

/**
 * The scalar functions behind Erf, Gelu and Sigmoid, in double precision. One definition serves the reference
 * evaluator and generated code: the JVM backend copies these methods' bytecode into each model class, so they
 * must stay static, self-contained and free of fields.
 *
 * <p>erf: below |x| = 2.5 the Maclaurin series converges with at most two digits lost to cancellation; above,
 * erfc's continued fraction (evaluated backwards with a fixed depth) converges fast. Both are accurate to about
 * 1e-15, far below float32 resolution.
 */
public final class ActivationMath {
    private ActivationMath() {
    }

    public static double erf(double x) {
        if (Double.isNaN(x)) {
            return x;
        }
        double ax = Math.abs(x);
        double r = ax < 2.5 ? erfSeries(ax) : 1 - erfcContinuedFraction(ax);
        return x < 0 ? -r : r;
    }

    private static double erfSeries(double x) {
        double x2 = x * x;
        double term = x;
        double sum = x;
        for (int n = 1; n < 200; n++) {
            term *= -x2 / n;
            double add = term / (2 * n + 1);
            sum += add;
            if (Math.abs(add) < 1e-17 * Math.abs(sum)) {
                break;
            }
        }
        return 1.1283791670955126 * sum;     // 2 / sqrt(pi)
    }

    /** erfc(x) = exp(-x^2)/sqrt(pi) * 1/(x + (1/2)/(x + 1/(x + (3/2)/(x + ...)))), for x >= 2.5. */
    private static double erfcContinuedFraction(double x) {
        if (x > 27) {
            return 0;
        }
        double f = x;
        for (int k = 60; k >= 1; k--) {
            f = x + (k / 2.0) / f;
        }
        return Math.exp(-x * x) / Math.sqrt(Math.PI) / f;
    }

    /** Gelu with erf (opset 20, approximate = "none"). */
    public static double gelu(double x) {
        return 0.5 * x * (1 + erf(x / Math.sqrt(2)));
    }

    /** Gelu's tanh approximation. */
    public static double geluTanh(double x) {
        return 0.5 * x * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (x + 0.044715 * x * x * x)));
    }

    /** The logistic function, without overflow for large |x|. */
    public static double sigmoid(double x) {
        return x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x));
    }
}
