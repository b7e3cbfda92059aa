package dev.octet.ir.ops;

import dev.octet.ir.ElementType;
import dev.octet.ir.Shape;
import dev.octet.ir.Tensor;
import dev.octet.ir.TensorType;
import java.util.List;

/**
 * {@code DynamicQuantizeLinear(x) -> (y: u8, y_scale, y_zero_point)}: the range [min(0, min x), max(0, max x)]
 * mapped onto [0, 255], in float32 as ONNX specifies.
 */
final class DynamicQuantizeLinearOp extends AbstractOp {
    DynamicQuantizeLinearOp() {
        super(Signature.of("DynamicQuantizeLinear").inputs(1).outputs(3, 3).build());
    }

    @Override
    public List<TensorType> inferTypes(OpContext ctx) {
        TypeRules.requireElement(ctx.type(0), "x", ElementType.F32);
        return List.of(TensorType.of(ElementType.U8, ctx.type(0).shape()),
                TensorType.of(ElementType.F32, Shape.SCALAR), TensorType.of(ElementType.U8, Shape.SCALAR));
    }

    @Override
    public List<Tensor> evaluate(OpContext ctx, List<TensorType> outputTypes) {
        float[] x = ctx.value(0).floats();
        float min = 0;
        float max = 0;
        for (float v : x) {
            min = Math.min(min, v);
            max = Math.max(max, v);
        }
        float scale = (max - min) / 255f;
        long zp = scale == 0 ? 0 : ElementType.U8.saturate((long) Math.rint(0 - min / scale));
        long[] q = new long[x.length];
        for (int i = 0; i < x.length; i++) {
            q[i] = scale == 0 ? zp : ElementType.U8.saturate(QuantizeLinearOp.roundHalfEven(x[i] / scale) + zp);
        }
        return List.of(Tensor.fromLongsWrapping(outputTypes.get(0), q),
                Tensor.of(outputTypes.get(1), new float[] {scale}),
                Tensor.fromLongsWrapping(outputTypes.get(2), new long[] {zp}));
    }
}
