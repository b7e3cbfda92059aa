package dev.octet.passes.quant;

/**
 * The range decision for one tensor: the range chosen, the range observed during calibration, the fraction of
 * observed values that fall outside the chosen range (and will be clipped), and the method that chose it.
 */
public record QuantRange(double lo, double hi, double observedMin, double observedMax, double clippedFraction,
                         RangeMethod method) {
}
