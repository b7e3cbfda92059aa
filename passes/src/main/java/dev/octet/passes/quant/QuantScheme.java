package dev.octet.passes.quant;

import dev.octet.ir.ElementType;
import dev.octet.ir.Quantization;

/**
 * How a range maps onto integers: asymmetric u8 (the default for activations), asymmetric i8, or symmetric i8
 * in [-127, 127] (the default for weights: the narrow range keeps 16-bit pair sums of products exact).
 */
public enum QuantScheme {
    U8_ASYMMETRIC(ElementType.U8, 0, 255, false),
    I8_ASYMMETRIC(ElementType.I8, -128, 127, false),
    I8_SYMMETRIC(ElementType.I8, -127, 127, true);

    private final ElementType type;
    private final int qmin;
    private final int qmax;
    private final boolean symmetric;

    QuantScheme(ElementType type, int qmin, int qmax, boolean symmetric) {
        this.type = type;
        this.qmin = qmin;
        this.qmax = qmax;
        this.symmetric = symmetric;
    }

    public ElementType type() {
        return type;
    }

    public int qmin() {
        return qmin;
    }

    public int qmax() {
        return qmax;
    }

    public boolean isSymmetric() {
        return symmetric;
    }

    /**
     * Scale and zero point for the range [lo, hi], widened to contain 0 so that zero is exact (padding and ReLU
     * outputs rely on it). A degenerate range gets scale 1.
     */
    public Quantization.PerTensor parameters(double lo, double hi) {
        double a = Math.min(lo, 0);
        double b = Math.max(hi, 0);
        if (symmetric) {
            double m = Math.max(-a, b);
            float scale = m > 0 ? (float) (m / qmax) : 1f;
            return new Quantization.PerTensor(scale, 0);
        }
        float scale = b > a ? (float) ((b - a) / (qmax - qmin)) : 1f;
        long zp = Math.round(qmin - a / scale);
        return new Quantization.PerTensor(scale, Math.max(qmin, Math.min(qmax, zp)));
    }
}
