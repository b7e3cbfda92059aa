package dev.octet.backends.jvm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import dev.octet.backends.jvm.kernels.ScalarKernels;
import dev.octet.backends.jvm.kernels.VectorKernels;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The SIMD quantization kernels (magic-number rounding after clamping x / scale) against the scalar ones: rounding
 * ties of x / scale, saturation, NaN (either sign), infinities, -0.0, rows of zeros and one-sided rows, and lengths
 * around the vector widths.
 */
class QuantizeKernelsTest {
    @Test
    void quantizeLinearEqualsScalarKernel() {
        SplittableRandom rng = new SplittableRandom(5);
        for (int inner : new int[] {1, 3, 8, 17, 100, 1000}) {
            int channels = 3;
            float[] scale = {0.5f, 0.037f, 3e-5f};
            float[] x = new float[2 * channels * inner];
            for (int i = 0; i < x.length; i++) {
                x[i] = switch (i % 5) {
                    case 0 -> 0.25f * rng.nextInt(-1200, 1200);          // ties at scale 0.5
                    case 1 -> i % 7 == 0 ? Float.NaN : (float) rng.nextGaussian();
                    case 2 -> (float) rng.nextGaussian() * 1e6f;          // saturates
                    default -> (float) rng.nextDouble(-10, 10);
                };
            }
            for (int[] zpRange : new int[][] {{128, 0, 255}, {0, -128, 127}, {-5, -127, 127}}) {
                int[] zp = {zpRange[0], zpRange[0] / 2, 0};
                byte[] expected = new byte[x.length];
                byte[] actual = new byte[x.length];
                ScalarKernels.quantizeF32(x, 0, expected, 0, 2, channels, inner, scale, 0, zp, 0, zpRange[1],
                        zpRange[2]);
                VectorKernels.quantizeF32(x, 0, actual, 0, 2, channels, inner, scale, 0, zp, 0, zpRange[1],
                        zpRange[2]);
                assertArrayEquals(expected, actual, "inner = " + inner + ", zero point " + zpRange[0]);
            }
        }
    }

    @Test
    void dynamicQuantizeRowsEqualsScalarKernel() {
        SplittableRandom rng = new SplittableRandom(11);
        for (int n : new int[] {1, 3, 7, 8, 9, 17, 64, 1000}) {
            int rows = 12;
            float[] x = new float[rows * n];
            for (int i = 0; i < x.length; i++) {
                int r = i / n;
                x[i] = switch (r) {
                    case 0 -> 0f;                                              // scale 0
                    case 1 -> (float) rng.nextDouble(0, 5);                     // min is 0
                    case 2 -> (float) -rng.nextDouble(0, 5);                    // max is 0
                    case 3 -> (i % n == 0 ? 255f : 0.5f * rng.nextInt(-300, 300)); // scale 1: exact ties
                    case 4 -> i % 5 == 0 ? Float.NaN : (float) rng.nextGaussian();
                    case 5 -> (float) rng.nextGaussian() * (i % 13 == 0 ? 1e4f : 1f);
                    case 6 -> i % 3 == 0 ? -0f : (float) rng.nextDouble(0, 2);       // -0.0 is the minimum
                    case 7 -> i % 11 == 4 ? Float.NEGATIVE_INFINITY : i % 11 == 7 ? Float.POSITIVE_INFINITY
                            : (float) rng.nextGaussian();
                    case 8 -> i % n == n - 1 ? Float.intBitsToFloat(0xFFC00001) : (float) rng.nextGaussian(); // -NaN
                    // Subnormal scales, rounded down: |x / scale| up to twice 255 (the fast path's bound).
                    case 9 -> Float.MIN_VALUE * rng.nextInt(-300, 300) * (i % n == 0 ? 1 : 0.5f);
                    case 10 -> Float.MIN_VALUE * (i % n == 0 ? 383 : rng.nextInt(0, 384));
                    default -> (i % 2 == 0 ? 1 : -1) * Float.MAX_VALUE * (float) rng.nextDouble(); // max - min = inf
                };
            }
            byte[] expected = new byte[x.length];
            byte[] actual = new byte[x.length];
            float[] es = new float[rows];
            float[] as = new float[rows];
            int[] ez = new int[rows];
            int[] az = new int[rows];
            ScalarKernels.dynamicQuantizeRows(x, 0, expected, 0, es, 0, ez, 0, rows, n);
            VectorKernels.dynamicQuantizeRows(x, 0, actual, 0, as, 0, az, 0, rows, n);
            assertArrayEquals(expected, actual, "n = " + n);
            assertArrayEquals(es, as, "scales, n = " + n);
            assertArrayEquals(ez, az, "zero points, n = " + n);
        }
    }
}
