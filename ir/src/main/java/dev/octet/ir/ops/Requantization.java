package dev.octet.ir.ops;

/** Public entry to the fixed-point arithmetic of {@link RequantizeOp}, for passes that build Requantize nodes. */
public final class Requantization {
    private Requantization() {
    }

    /** {multiplier, shift} with real = multiplier * 2^(-31 - shift), multiplier in [2^30, 2^31). */
    public static long[] quantizeMultiplier(double real) {
        return RequantizeOp.quantizeMultiplier(real);
    }

    /** acc scaled by multiplier * 2^(-31 - shift), rounded as gemmlowp does. */
    public static long scale(int acc, int multiplier, int shift) {
        return RequantizeOp.scale(acc, multiplier, shift);
    }
}
