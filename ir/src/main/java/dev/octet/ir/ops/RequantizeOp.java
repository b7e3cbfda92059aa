package dev.octet.ir.ops;

import dev.octet.ir.Attribute;
import dev.octet.ir.ElementType;
import dev.octet.ir.OpException;
import dev.octet.ir.Quantization;
import dev.octet.ir.Tensor;
import dev.octet.ir.TensorType;
import java.util.List;

/**
 * {@code Requantize(acc: i32) {multiplier, shift, axis = 1, zero_point, scale, to, clamp_min, clamp_max}}: the
 * integer-only output stage of Jacob et al. (2018), as gemmlowp and TFLite compute it. The real multiplier
 * {@code M = s_in * s_w / s_out} of each channel (along axis) is {@code multiplier * 2^(-31 - shift)} with a
 * Q31 multiplier in [2^30, 2^31); then
 *
 * <pre>
 *   y = clamp(zero_point + RoundingDivideByPOT(SaturatingRoundingDoublingHighMul(acc, multiplier), shift),
 *             clamp_min, clamp_max)
 * </pre>
 *
 * Two roundings (the high multiply, then the shift) put the result within one unit of exact rounding. A
 * negative shift is a (saturating) left shift applied before the multiplication, for M >= 1. {@code to} is the ONNX type of
 * the result (2 = u8, 3 = i8); {@code scale} and {@code zero_point} are the result's quantization, recorded in its
 * type. A fused ReLU is {@code clamp_min = zero_point}.
 */
final class RequantizeOp extends AbstractOp {
    RequantizeOp() {
        super(Signature.of("Requantize").inputs(1).requiredAttr("multiplier", Attribute.Kind.INTS)
                .requiredAttr("shift", Attribute.Kind.INTS).attr("axis", Attribute.Kind.INT)
                .requiredAttr("zero_point", Attribute.Kind.INT).requiredAttr("scale", Attribute.Kind.FLOAT)
                .requiredAttr("to", Attribute.Kind.INT).attr("clamp_min", Attribute.Kind.INT)
                .attr("clamp_max", Attribute.Kind.INT).build());
    }

    @Override
    public List<TensorType> inferTypes(OpContext ctx) {
        TensorType acc = ctx.type(0);
        TypeRules.requireElement(acc, "acc", ElementType.I32);
        ElementType to = QuantParams.fromOnnxCode(ctx.attrs().getInt("to", 2));
        long[] m = ctx.attrs().getInts("multiplier");
        long[] s = ctx.attrs().getInts("shift");
        if (m.length != s.length || m.length == 0) {
            throw new OpException("multiplier and shift need the same, non-zero, number of entries");
        }
        for (int i = 0; i < m.length; i++) {
            if (m[i] < (1L << 30) || m[i] >= (1L << 31) || s[i] < -31 || s[i] > 62) {
                throw new OpException("multiplier " + m[i] + " must be in [2^30, 2^31) and shift " + s[i]
                        + " in [-31, 62]");
            }
        }
        if (m.length > 1) {
            int axis = acc.shape().normalizeAxis(ctx.attrs().getInt("axis", 1));
            if (acc.shape().dim(axis).isFixed() && acc.shape().size(axis) != m.length) {
                throw new OpException(m.length + " multipliers for axis " + axis + " of " + acc);
            }
        }
        long zp = ctx.attrs().getInt("zero_point", 0);
        long lo = ctx.attrs().getInt("clamp_min", to.minValue());
        long hi = ctx.attrs().getInt("clamp_max", to.maxValue());
        if (zp < to.minValue() || zp > to.maxValue() || lo > hi || lo < to.minValue() || hi > to.maxValue()) {
            throw new OpException("zero_point " + zp + " and clamp [" + lo + ", " + hi + "] must lie in " + to);
        }
        Quantization q = new Quantization.PerTensor(ctx.attrs().getFloat("scale", 1f), zp);
        return List.of(new TensorType(to, acc.shape(), q));
    }

    @Override
    public List<Tensor> evaluate(OpContext ctx, List<TensorType> outputTypes) {
        int[] acc = ctx.value(0).ints();
        TensorType out = outputTypes.get(0);
        long[] m = ctx.attrs().getInts("multiplier");
        long[] s = ctx.attrs().getInts("shift");
        long zp = ctx.attrs().getInt("zero_point", 0);
        long lo = ctx.attrs().getInt("clamp_min", out.elementType().minValue());
        long hi = ctx.attrs().getInt("clamp_max", out.elementType().maxValue());
        int[] channel = QuantParams.channelOf(ctx.value(0).shape(), ctx.attrs().getInt("axis", 1), m.length);
        long[] y = new long[acc.length];
        for (int i = 0; i < acc.length; i++) {
            int c = channel[i];
            long v = zp + FixedPoint.scale(acc[i], (int) m[c], (int) s[c]);
            y[i] = Math.max(lo, Math.min(hi, v));
        }
        return List.of(Tensor.fromLongsWrapping(out, y));
    }

    /**
     * The Q31 multiplier and shift of a real multiplier M > 0: M = multiplier * 2^(-31 - shift), multiplier in
     * [2^30, 2^31). Returned as {multiplier, shift}.
     */
    static long[] quantizeMultiplier(double real) {
        if (!(real > 0) || Double.isInfinite(real)) {
            throw new OpException("requantization multiplier must be positive and finite, got " + real);
        }
        int exponent = Math.getExponent(real) + 1;      // real = m0 * 2^exponent, m0 in [0.5, 1)
        double m0 = real / Math.scalb(1.0, exponent);
        long q = Math.round(m0 * (1L << 31));
        if (q == (1L << 31)) {
            q /= 2;
            exponent++;
        }
        return new long[] {q, -exponent};
    }
}
