package dev.octet.ir.ops;

import dev.octet.ir.ElementType;
import dev.octet.ir.OpException;
import dev.octet.ir.Quantization;
import dev.octet.ir.Shape;
import dev.octet.ir.Tensor;
import dev.octet.ir.TensorType;

/**
 * The scale and zero-point operands of QuantizeLinear and DequantizeLinear: shape checks, the element index to
 * channel mapping, and the {@link Quantization} they describe when both are constant.
 */
final class QuantParams {
    private QuantParams() {
    }

    /** Checks that scale (and zero point) are scalars or 1-D along {@code axis} of {@code data}. */
    static void check(OpContext ctx, int scaleIndex, int zpIndex, TensorType data, long axis) {
        TensorType scale = ctx.type(scaleIndex);
        TypeRules.requireElement(scale, "scale", ElementType.F32);
        long count = checkParamShape(scale, "scale", data, axis);
        if (ctx.hasInput(zpIndex)) {
            long zpCount = checkParamShape(ctx.type(zpIndex), "zero point", data, axis);
            if (zpCount != count) {
                throw new OpException("scale has " + count + " elements but zero point has " + zpCount);
            }
        }
    }

    private static long checkParamShape(TensorType t, String what, TensorType data, long axis) {
        if (t.rank() == 0) {
            return 1;
        }
        if (t.rank() != 1 || !t.shape().dim(0).isFixed()) {
            throw new OpException(what + " must be a scalar or a 1-D tensor, got " + t);
        }
        long n = t.shape().size(0);
        if (n != 1) {
            int a = data.shape().normalizeAxis(axis);
            if (data.shape().dim(a).isFixed() && data.shape().size(a) != n) {
                throw new OpException(what + " has " + n + " elements but axis " + a + " of " + data
                        + " has size " + data.shape().size(a));
            }
        }
        return n;
    }

    /** The quantization the operands describe, or null unless the scale (and zero point, if any) are constant. */
    static Quantization describe(OpContext ctx, int scaleIndex, int zpIndex, TensorType data, long axis) {
        Tensor scale = ctx.value(scaleIndex);
        Tensor zp = ctx.value(zpIndex);
        if (scale == null || (ctx.hasInput(zpIndex) && zp == null)) {
            return null;
        }
        if (scale.size() == 1) {
            return new Quantization.PerTensor(scale.floats()[0], zp == null ? 0 : zp.getLong(0));
        }
        long[] zps = zp == null ? new long[scale.size()] : zp.toLongs();
        return new Quantization.PerAxis(data.shape().normalizeAxis(axis), scale.floats(), zps);
    }

    /** For each element of {@code shape}, the index of its scale/zero point. */
    static int[] channelOf(Shape shape, long axis, int paramCount) {
        int n = Math.toIntExact(shape.elementCount());
        int[] channel = new int[n];
        if (paramCount == 1) {
            return channel;
        }
        int a = shape.normalizeAxis(axis);
        long inner = 1;
        for (int i = a + 1; i < shape.rank(); i++) {
            inner *= shape.size(i);
        }
        for (int i = 0; i < n; i++) {
            channel[i] = (int) ((i / inner) % paramCount);
        }
        return channel;
    }

    /** The quantized element type named by an ONNX data type code (output_dtype). */
    static ElementType fromOnnxCode(long code) {
        return ElementType.fromOnnxCode(code).filter(t -> t == ElementType.U8 || t == ElementType.I8
                || t == ElementType.I16).orElseThrow(() -> new OpException(
                        "output_dtype " + code + " is not a supported quantized type"));
    }
}
