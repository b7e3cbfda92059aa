package dev.octet.ir.ops;

import dev.octet.ir.Dim;
import dev.octet.ir.ElementType;
import dev.octet.ir.Shape;
import dev.octet.ir.Tensor;
import dev.octet.ir.TensorType;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code DynamicQuantizeRows(x) -> (y: u8, scale: f32, zero_point: i32)}: each row (the last axis) quantized to
 * u8 from its own range [min(0, min row), max(0, max row)], computed at run time as DynamicQuantizeLinear does for
 * a whole tensor. scale and zero_point have x's shape with the last dimension 1. The per-row form is what dynamic
 * quantization of MatMul inputs needs: one outlier token does not coarsen every other row.
 */
final class DynamicQuantizeRowsOp extends AbstractOp {
    DynamicQuantizeRowsOp() {
        super(Signature.of("DynamicQuantizeRows").inputs(1).outputs(3, 3).build());
    }

    @Override
    public List<TensorType> inferTypes(OpContext ctx) {
        TensorType x = ctx.type(0);
        TypeRules.requireElement(x, "x", ElementType.F32);
        if (x.rank() == 0) {
            throw new dev.octet.ir.OpException("x must have rank >= 1");
        }
        List<Dim> dims = new ArrayList<>(x.shape().dims());
        dims.set(dims.size() - 1, Dim.of(1));
        Shape perRow = new Shape(dims);
        return List.of(TensorType.of(ElementType.U8, x.shape()), TensorType.of(ElementType.F32, perRow),
                TensorType.of(ElementType.I32, perRow));
    }

    @Override
    public List<Tensor> evaluate(OpContext ctx, List<TensorType> outputTypes) {
        float[] x = ctx.value(0).floats();
        int k = (int) ctx.value(0).shape().size(ctx.value(0).shape().rank() - 1);
        int rows = k == 0 ? 0 : x.length / k;
        long[] q = new long[x.length];
        float[] scales = new float[rows];
        int[] zps = new int[rows];
        for (int r = 0; r < rows; r++) {
            float min = 0;
            float max = 0;
            for (int i = r * k; i < (r + 1) * k; i++) {
                min = Math.min(min, x[i]);
                max = Math.max(max, x[i]);
            }
            float scale = (max - min) / 255f;
            long zp = scale == 0 ? 0 : ElementType.U8.saturate((long) Math.rint(0 - min / scale));
            scales[r] = scale == 0 ? 1f : scale;
            zps[r] = (int) zp;
            for (int i = r * k; i < (r + 1) * k; i++) {
                q[i] = scale == 0 ? zp : ElementType.U8.saturate(QuantizeLinearOp.roundHalfEven(x[i] / scale) + zp);
            }
        }
        return List.of(Tensor.fromLongsWrapping(outputTypes.get(0), q), Tensor.of(outputTypes.get(1), scales),
                Tensor.of(outputTypes.get(2), zps));
    }
}
