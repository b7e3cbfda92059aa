package dev.octet.ir.ops;

import dev.octet.ir.ElementType;
import dev.octet.ir.Tensor;
import dev.octet.ir.TensorType;

/**
 * The output stage of QLinearMatMul and QLinearConv, as ONNX's reference computes it: the real multiplier
 * {@code s_a * s_b / s_y} formed in float32, the int32 accumulator scaled by it in double, rounded half to even,
 * offset by the output zero point and saturated.
 */
final class Requantize {
    private Requantize() {
    }

    static float multiplier(float inScale, float weightScale, float outScale) {
        return inScale * weightScale / outScale;
    }

    static long apply(int acc, float multiplier, long zeroPoint, ElementType type) {
        double scaled = acc * (double) multiplier;
        return type.saturate((long) Math.rint(scaled) + zeroPoint);
    }

    /** Requantizes {@code acc}; {@code channelOf(i)} picks the weight scale of element i. */
    static Tensor tensor(TensorType outType, int[] acc, float inScale, Tensor weightScale, float outScale,
                         long zeroPoint, java.util.function.IntUnaryOperator channelOf) {
        long[] q = new long[acc.length];
        for (int i = 0; i < acc.length; i++) {
            float ws = weightScale.floats()[weightScale.size() == 1 ? 0 : channelOf.applyAsInt(i)];
            q[i] = apply(acc[i], multiplier(inScale, ws, outScale), zeroPoint, outType.elementType());
        }
        return Tensor.fromLongsWrapping(outType, q);
    }
}
