package dev.octet.ir.ops;

/**
 * The integer-only rescaling of {@link RequantizeOp} (gemmlowp's two roundings). One definition serves the reference
 * evaluator and generated code: the JVM backend copies these methods' bytecode into each model class, so they
 * must stay static, self-contained and free of fields.
 */
public final class FixedPoint {
    private FixedPoint() {
    }

    /** acc * multiplier * 2^(-31 - shift), rounded as gemmlowp does. */
    public static long scale(int acc, int multiplier, int shift) {
        int x = acc;
        if (shift < 0) {
            long shifted = (long) acc << -shift;
            x = (int) Math.max(Integer.MIN_VALUE, Math.min(Integer.MAX_VALUE, shifted));
        }
        int high = saturatingRoundingDoublingHighMul(x, multiplier);
        return shift > 0 ? roundingDivideByPowerOfTwo(high, shift) : high;
    }

    /**
     * (a * b * 2) / 2^32 rounded to nearest with ties upward (gemmlowp: +0.5 then truncation toward zero, so -1.5
     * gives -1); the single overflow case saturates.
     */
    public static int saturatingRoundingDoublingHighMul(int a, int b) {
        if (a == Integer.MIN_VALUE && b == Integer.MIN_VALUE) {
            return Integer.MAX_VALUE;
        }
        long ab = (long) a * b;
        long nudge = ab >= 0 ? (1L << 30) : 1 - (1L << 30);
        return (int) ((ab + nudge) / (1L << 31));
    }

    /** x / 2^exponent rounded to nearest, ties away from zero. */
    public static int roundingDivideByPowerOfTwo(int x, int exponent) {
        if (exponent >= 31) {
            // Only rounding can survive such a shift: the result is 0 or the sign with a tie.
            return roundingDivideByPowerOfTwo(roundingDivideByPowerOfTwo(x, 30), exponent - 30);
        }
        int mask = (1 << exponent) - 1;
        int remainder = x & mask;
        int threshold = (mask >> 1) + (x < 0 ? 1 : 0);
        return (x >> exponent) + (remainder > threshold ? 1 : 0);
    }
}
