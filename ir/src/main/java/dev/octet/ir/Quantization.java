package dev.octet.ir;

import java.util.Arrays;

/**
 * Affine quantization parameters carried by a tensor type: {@code real = scale * (q - zeroPoint)}.
 * Per-tensor parameters have one scale and zero point; per-axis ones have one pair per slice along an axis.
 * Scales are float32, as in ONNX.
 */
public sealed interface Quantization permits Quantization.PerTensor, Quantization.PerAxis {

    /** The scale applying to slice {@code index} along the quantized axis (or the only scale). */
    float scale(int index);

    long zeroPoint(int index);

    record PerTensor(float scale, long zeroPoint) implements Quantization {
        public PerTensor {
            checkScale(scale);
        }

        @Override
        public float scale(int index) {
            return scale;
        }

        @Override
        public long zeroPoint(int index) {
            return zeroPoint;
        }

        @Override
        public String toString() {
            return Floats.format(scale) + ":" + zeroPoint;
        }
    }

    /** Per-axis parameters. The arrays are copied on the way in and never exposed. */
    final class PerAxis implements Quantization {
        private final int axis;
        private final float[] scales;
        private final long[] zeroPoints;

        public PerAxis(int axis, float[] scales, long[] zeroPoints) {
            if (axis < 0) {
                throw new IllegalArgumentException("quantization axis must be normalized, got " + axis);
            }
            if (scales.length != zeroPoints.length || scales.length == 0) {
                throw new IllegalArgumentException(
                        "per-axis quantization needs as many zero points as scales, got "
                                + scales.length + " and " + zeroPoints.length);
            }
            for (float s : scales) {
                checkScale(s);
            }
            this.axis = axis;
            this.scales = scales.clone();
            this.zeroPoints = zeroPoints.clone();
        }

        public int axis() {
            return axis;
        }

        public int channels() {
            return scales.length;
        }

        @Override
        public float scale(int index) {
            return scales[index];
        }

        @Override
        public long zeroPoint(int index) {
            return zeroPoints[index];
        }

        public PerAxis withAxis(int newAxis) {
            return new PerAxis(newAxis, scales, zeroPoints);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof PerAxis p && p.axis == axis
                    && Arrays.equals(p.scales, scales) && Arrays.equals(p.zeroPoints, zeroPoints);
        }

        @Override
        public int hashCode() {
            return 31 * (31 * axis + Arrays.hashCode(scales)) + Arrays.hashCode(zeroPoints);
        }

        @Override
        public String toString() {
            StringBuilder sb = new StringBuilder("axis=").append(axis).append(", {");
            for (int i = 0; i < scales.length; i++) {
                sb.append(i == 0 ? "" : ", ").append(Floats.format(scales[i])).append(':').append(zeroPoints[i]);
            }
            return sb.append('}').toString();
        }
    }

    private static void checkScale(float scale) {
        if (!(scale > 0) || Float.isInfinite(scale)) {
            throw new IllegalArgumentException("quantization scale must be positive and finite, got " + scale);
        }
    }
}
