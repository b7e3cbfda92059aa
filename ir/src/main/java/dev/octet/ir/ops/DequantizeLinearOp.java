package dev.octet.ir.ops;

import dev.octet.ir.Attribute;
import dev.octet.ir.ElementType;
import dev.octet.ir.OpException;
import dev.octet.ir.Quantization;
import dev.octet.ir.Tensor;
import dev.octet.ir.TensorType;
import java.util.List;

/**
 * {@code DequantizeLinear(x, x_scale, x_zero_point?) {axis = 1}}: {@code y = (x - x_zero_point) * x_scale} in
 * float32. If x's type carries quantization parameters and the operands are constant, they must agree.
 */
final class DequantizeLinearOp extends AbstractOp {
    DequantizeLinearOp() {
        super(Signature.of("DequantizeLinear").inputs(2, 3)
            .attr("axis", Attribute.Kind.INT).attr("block_size", Attribute.Kind.INT).build());
    }

    @Override
    public List<TensorType> inferTypes(OpContext ctx) {
        TensorType x = ctx.type(0);
        TypeRules.requireElement(x, "x", ElementType.I8, ElementType.U8, ElementType.I16, ElementType.I32);
        if (ctx.attrs().getInt("block_size", 0) != 0) {
            throw new OpException("blocked quantization (block_size) is not supported");
        }
        long axis = ctx.attrs().getInt("axis", 1);
        QuantParams.check(ctx, 1, 2, x, axis);
        if (ctx.hasInput(2) && ctx.type(2).elementType() != x.elementType()) {
            throw new OpException("zero point must have x's element type " + x.elementType() + ", got "
                    + ctx.type(2).elementType());
        }
        Quantization fromOperands = QuantParams.describe(ctx, 1, 2, x, axis);
        if (x.isQuantized() && fromOperands != null && !x.quantization().equals(fromOperands)) {
            throw new OpException("scale and zero point <" + fromOperands + "> disagree with x's type " + x);
        }
        return List.of(TensorType.of(ElementType.F32, x.shape()));
    }

    /**
     * Never folded: DequantizeLinear of a constant is how a QDQ graph marks int8 weights and int32 biases, and
     * lowering to integer ops reads it. Folding it would turn quantized weights back into floats.
     */
    @Override
    public boolean isFoldable() {
        return false;
    }

    @Override
    public List<Tensor> evaluate(OpContext ctx, List<TensorType> outputTypes) {
        Tensor x = ctx.value(0);
        Tensor scale = ctx.value(1);
        Tensor zp = ctx.value(2);
        int[] channel = QuantParams.channelOf(x.shape(), ctx.attrs().getInt("axis", 1), scale.size());
        float[] scales = scale.floats();
        float[] y = new float[x.size()];
        for (int i = 0; i < y.length; i++) {
            long zero = zp == null ? 0 : zp.getLong(channel[i]);
            y[i] = (float) (x.getLong(i) - zero) * scales[channel[i]];
        }
        return List.of(Tensor.of(outputTypes.get(0), y));
    }
}
