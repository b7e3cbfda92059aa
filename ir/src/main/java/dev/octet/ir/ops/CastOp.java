package dev.octet.ir.ops;

import dev.octet.ir.Attribute;
import dev.octet.ir.ElementType;
import dev.octet.ir.OpException;
import dev.octet.ir.Tensor;
import dev.octet.ir.TensorType;
import java.util.List;

/**
 * {@code Cast(x) {to}} with {@code to} an ONNX data type number. Float to integer truncates toward zero and
 * saturates (NaN gives 0); integer to narrower integer wraps; anything to bool is "not zero".
 */
final class CastOp extends AbstractOp {
    CastOp() {
        super(Signature.of("Cast").inputs(1).requiredAttr("to", Attribute.Kind.INT)
                .attr("saturate", Attribute.Kind.INT).build());
    }

    @Override
    public List<TensorType> inferTypes(OpContext ctx) {
        long to = ctx.attrs().getInt("to", 0);
        ElementType et = ElementType.fromOnnxCode(to)
                .orElseThrow(() -> new OpException("Cast to ONNX data type " + to + " is not supported"));
        return List.of(TensorType.of(et, ctx.type(0).shape()));
    }

    @Override
    public List<Tensor> evaluate(OpContext ctx, List<TensorType> outputTypes) {
        Tensor x = ctx.value(0);
        TensorType out = outputTypes.get(0);
        ElementType to = out.elementType();
        if (to.isFloat()) {
            return List.of(Tensor.fromDoubles(out, x.toDoubles()));
        }
        long[] r = new long[x.size()];
        for (int i = 0; i < r.length; i++) {
            if (x.elementType().isFloat()) {
                double v = x.getDouble(i);
                r[i] = to == ElementType.BOOL ? (v != 0 ? 1 : 0) : Double.isNaN(v) ? 0 : to.saturate((long) v);
            } else {
                r[i] = x.getLong(i);
            }
        }
        return List.of(Tensor.fromLongsWrapping(out, r));
    }
}
