package dev.octet.ir.ops;

/** Public entry to the fixed-point arithmetic of {@link RequantizeOp}, for passes that build Requantize nodes. */
public final class Requantization {
    private Requantization() {
    }

    /** {multiplier, shift} with real = multiplier * 2^(-31 - shift), multiplier in [2^30, 2^31). */
    public static long[] quantizeMultiplier(double real) {
        return RequantizeOp.quantizeMultiplier(real);
    }
}
