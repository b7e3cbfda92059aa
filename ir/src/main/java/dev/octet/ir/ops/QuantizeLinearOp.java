package dev.octet.ir.ops;

import dev.octet.ir.Attribute;
import dev.octet.ir.ElementType;
import dev.octet.ir.OpException;
import dev.octet.ir.Tensor;
import dev.octet.ir.TensorType;
import java.util.List;

/**
 * {@code QuantizeLinear(x, y_scale, y_zero_point?) {axis = 1}}:
 * {@code y = saturate(round_half_even(x / y_scale) + y_zero_point)}, the division in float32 as ONNX's
 * reference does. NaN quantizes to the zero point; infinities saturate. When the scale and zero point are
 * constant, the result type carries them as its quantization.
 */
final class QuantizeLinearOp extends AbstractOp {
    QuantizeLinearOp() {
        super(Signature.of("QuantizeLinear").inputs(2, 3)
            .attr("axis", Attribute.Kind.INT).attr("saturate", Attribute.Kind.INT)
            .attr("block_size", Attribute.Kind.INT).attr("output_dtype", Attribute.Kind.INT).build());
    }

    @Override
    public List<TensorType> inferTypes(OpContext ctx) {
        TensorType x = ctx.type(0);
        TypeRules.requireElement(x, "x", ElementType.F32);
        if (ctx.attrs().getInt("block_size", 0) != 0) {
            throw new OpException("blocked quantization (block_size) is not supported");
        }
        long axis = ctx.attrs().getInt("axis", 1);
        QuantParams.check(ctx, 1, 2, x, axis);
        ElementType out;
        if (ctx.hasInput(2)) {
            out = ctx.type(2).elementType();
            TypeRules.requireElement(ctx.type(2), "zero point", ElementType.I8, ElementType.U8, ElementType.I16);
        } else {
            out = ctx.attrs().has("output_dtype")
                    ? QuantParams.fromOnnxCode(ctx.attrs().getInt("output_dtype", 2)) : ElementType.U8;
        }
        return List.of(new TensorType(out, x.shape(), QuantParams.describe(ctx, 1, 2, x, axis)));
    }

    @Override
    public List<Tensor> evaluate(OpContext ctx, List<TensorType> outputTypes) {
        Tensor x = ctx.value(0);
        Tensor scale = ctx.value(1);
        Tensor zp = ctx.value(2);
        TensorType outType = outputTypes.get(0);
        ElementType et = outType.elementType();
        int[] channel = QuantParams.channelOf(x.shape(), ctx.attrs().getInt("axis", 1), scale.size());
        float[] xs = x.floats();
        float[] scales = scale.floats();
        long[] q = new long[xs.length];
        for (int i = 0; i < xs.length; i++) {
            float scaled = xs[i] / scales[channel[i]];
            long zero = zp == null ? 0 : zp.getLong(channel[i]);
            q[i] = et.saturate(saturatingAdd(roundHalfEven(scaled), zero));
        }
        return List.of(Tensor.fromLongsWrapping(outType, q));
    }

    /** Round half to even; NaN becomes 0, infinities the extreme longs. */
    static long roundHalfEven(float v) {
        return Float.isNaN(v) ? 0 : (long) Math.rint(v);
    }

    private static long saturatingAdd(long a, long b) {
        long r = a + b;
        if (((a ^ r) & (b ^ r)) < 0) {
            return a > 0 ? Long.MAX_VALUE : Long.MIN_VALUE;
        }
        return r;
    }
}
