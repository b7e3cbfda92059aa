package dev.octet.backends.jvm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import dev.octet.backends.jvm.kernels.ScalarKernels;
import dev.octet.backends.jvm.kernels.VectorKernels;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The SIMD requantization (an exact double-precision path for accumulators below 2^21, the scalar definition
 * above) against the scalar kernel, on values a model rarely produces: exact rounding ties of every shift, both
 * signs, the 2^21 boundary, and int extremes; with lanes along channels and across them.
 */
class RequantizeKernelTest {
    @Test
    void equalsScalarKernelOnTiesBoundariesAndExtremes() {
        int[] shifts = new int[40];
        int[] mults = new int[shifts.length];
        SplittableRandom rng = new SplittableRandom(7);
        for (int c = 0; c < shifts.length; c++) {
            shifts[c] = c - 4;                           // -4 .. 35: scalar-only shifts included
            mults[c] = c % 3 == 0 ? 1 << 30 : (1 << 30) + rng.nextInt(1 << 30);
        }
        int inner = 203;                                 // not a multiple of any vector length
        int[] acc = new int[shifts.length * inner];
        for (int c = 0; c < shifts.length; c++) {
            for (int e = 0; e < inner; e++) {
                int s = Math.max(1, Math.min(30, shifts[c]));
                int v = switch (e % 6) {
                    // With multiplier 2^30 the high multiply halves exactly: 2 * (k * 2^s + 2^(s-1)) is a tie.
                    case 0 -> 2 * (rng.nextInt(-64, 64) * (1 << s) + (1 << (s - 1)));
                    case 1 -> rng.nextInt(-(1 << 21), 1 << 21);
                    case 2 -> (1 << 21) - 1 - rng.nextInt(3) * (e % 2 == 0 ? 1 : -1);
                    case 3 -> -(1 << 21) + rng.nextInt(3) - 1;
                    case 4 -> e % 4 == 0 ? Integer.MIN_VALUE : Integer.MAX_VALUE;
                    default -> rng.nextInt(-300, 300);
                };
                acc[c * inner + e] = v;
            }
        }
        int[] scratch = new int[ScalarKernels.REQUANTIZE_SCRATCH_INTS + 3];
        for (int[] zpRange : new int[][] {{128, 0, 255}, {0, -128, 127}, {-5, -128, 127}}) {
            // [1, 40 channels, 203] (lanes along each channel), then the same numbers read as [203, 40, 1] (lanes
            // across channels, with shifts varying lane by lane).
            for (int[] view : new int[][] {{1, inner}, {inner, 1}}) {
                byte[] expected = new byte[acc.length];
                byte[] actual = new byte[acc.length];
                ScalarKernels.requantize(acc, 0, expected, 0, view[0], shifts.length, view[1], mults, 0, shifts, 0,
                        zpRange[0], zpRange[1], zpRange[2], scratch, 3);
                VectorKernels.requantize(acc, 0, actual, 0, view[0], shifts.length, view[1], mults, 0, shifts, 0,
                        zpRange[0], zpRange[1], zpRange[2], scratch, 3);
                assertArrayEquals(expected, actual, "zero point " + zpRange[0] + ", inner " + view[1]);
            }
        }
    }
}
