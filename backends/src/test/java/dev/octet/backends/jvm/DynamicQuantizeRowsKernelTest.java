package dev.octet.backends.jvm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import dev.octet.backends.jvm.kernels.ScalarKernels;
import dev.octet.backends.jvm.kernels.VectorKernels;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The SIMD per-row dynamic quantization (magic-number rounding after clamping x / scale to +-512) against the
 * scalar kernel: rounding ties of x / scale, rows of zeros, one-sided rows, NaN, and row lengths around the
 * vector widths.
 */
class DynamicQuantizeRowsKernelTest {
    @Test
    void equalsScalarKernel() {
        SplittableRandom rng = new SplittableRandom(11);
        for (int n : new int[] {1, 3, 7, 8, 9, 17, 64, 1000}) {
            int rows = 6;
            float[] x = new float[rows * n];
            for (int i = 0; i < x.length; i++) {
                int r = i / n;
                x[i] = switch (r) {
                    case 0 -> 0f;                                              // scale 0
                    case 1 -> (float) rng.nextDouble(0, 5);                     // min is 0
                    case 2 -> (float) -rng.nextDouble(0, 5);                    // max is 0
                    case 3 -> (i % n == 0 ? 255f : 0.5f * rng.nextInt(-300, 300)); // scale 1: exact ties
                    case 4 -> i % 5 == 0 ? Float.NaN : (float) rng.nextGaussian();
                    default -> (float) rng.nextGaussian() * (i % 13 == 0 ? 1e4f : 1f);
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
