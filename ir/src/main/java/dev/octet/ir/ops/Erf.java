package dev.octet.ir.ops;

/**
 * The error function in double precision (the JDK has none). Below |x| = 2.5 the Maclaurin series converges
 * with at most two digits lost to cancellation; above, erfc's continued fraction (evaluated backwards with a
 * fixed depth) converges fast. Both are accurate to about 1e-15, far below float32 resolution.
 */
final class Erf {
    private static final double TWO_OVER_SQRT_PI = 2 / Math.sqrt(Math.PI);

    private Erf() {
    }

    static double erf(double x) {
        if (Double.isNaN(x)) {
            return x;
        }
        double ax = Math.abs(x);
        double r = ax < 2.5 ? series(ax) : 1 - erfcContinuedFraction(ax);
        return x < 0 ? -r : r;
    }

    private static double series(double x) {
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
        return TWO_OVER_SQRT_PI * sum;
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
}
