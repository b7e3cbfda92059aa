package dev.octet.backends.jvm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import dev.octet.backends.jvm.kernels.ScalarKernels;
import dev.octet.backends.jvm.kernels.VectorKernels;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The SIMD requantization (an exact double-precision path for chunks of accumulators below 2^20 with shifts in
 * [1, 20], the scalar definition otherwise) against the scalar kernel, on values a model rarely produces: exact
 * rounding ties of every shift, both signs, the 2^20 boundary, the largest multiplier, and int extremes; with lanes
 * along channels and across them.
 */
class RequantizeKernelTest {
    private static final int CHANNELS = 40;
    private static final int INNER = 203; // not a multiple of any vector length

    @Test
    void equalsScalarKernelOnTiesBoundariesAndExtremes() {
        SplittableRandom rng = new SplittableRandom(7);
        int[] mults = new int[CHANNELS];
        for (int c = 0; c < CHANNELS; c++) {
            mults[c] = c % 3 == 0 ? 1 << 30 : c % 3 == 1 ? Integer.MAX_VALUE : (1 << 30) + rng.nextInt(1 << 30);
        }
        int[] exactShifts = new int[CHANNELS];
        int[] anyShifts = new int[CHANNELS];
        for (int c = 0; c < CHANNELS; c++) {
            exactShifts[c] = 20 - c % 20; // 20 and 1 on in-range channels too
            anyShifts[c] = c - 4; // -4 .. 35: scalar-only shifts included
        }
        int[] scratch = new int[ScalarKernels.REQUANTIZE_SCRATCH_INTS + 3];
        for (int[] shifts : new int[][] {exactShifts, anyShifts}) {
            for (boolean along : new boolean[] {true, false}) {
                // [1, 40 channels, 203] (lanes along each channel), or [203, 40, 1] (lanes across channels, with
                // shifts varying lane by lane).
                int outer = along ? 1 : INNER;
                int inner = along ? INNER : 1;
                int[] acc = accumulators(shifts, along, rng);
                for (int[] zpRange : new int[][] {{128, 0, 255}, {0, -128, 127}, {-5, -128, 127}}) {
                    byte[] expected = new byte[acc.length];
                    byte[] actual = new byte[acc.length];
                    ScalarKernels.requantize(acc, 0, expected, 0, outer, CHANNELS, inner, mults, 0, shifts, 0,
                            zpRange[0], zpRange[1], zpRange[2], scratch, 3);
                    VectorKernels.requantize(acc, 0, actual, 0, outer, CHANNELS, inner, mults, 0, shifts, 0,
                            zpRange[0], zpRange[1], zpRange[2], scratch, 3);
                    assertArrayEquals(expected, actual, "zero point " + zpRange[0] + ", along " + along
                            + ", shifts from " + shifts[0]);
                }
            }
        }
    }

    /**
     * Accumulators for 40 channels x 203 elements, laid out along or across channels. Even channels (along) or
     * even rows (across) stay inside the exact range, so whole chunks take the vector path; the others carry
     * values past 2^20 and int extremes.
     */
    private static int[] accumulators(int[] shifts, boolean along, SplittableRandom rng) {
        int[] acc = new int[CHANNELS * INNER];
        for (int c = 0; c < CHANNELS; c++) {
            for (int e = 0; e < INNER; e++) {
                int s = Math.max(1, Math.min(20, shifts[c]));
                boolean inRange = (along ? c : e) % 2 == 0;
                int tieSteps = Math.max(1, (1 << 18) >> s); // ties below 2^20 (none exists for s = 20)
                int v = switch (e % 6) {
                    // With multiplier 2^30 the high multiply halves exactly: 2 * (k * 2^s + 2^(s-1)) is a tie.
                    case 0 -> inRange && s == 20 ? rng.nextInt(-300, 300)
                            : 2 * (rng.nextInt(-tieSteps, tieSteps) * (1 << s) + (1 << (s - 1)));
                    case 1 -> rng.nextInt(-(1 << 20) + 1, 1 << 20);
                    case 2 -> (1 << 20) - 1 - rng.nextInt(3);
                    case 3 -> -(1 << 20) + 1 + rng.nextInt(3);
                    case 4 -> inRange ? -(1 << 20) + 1 : e % 4 == 0 ? Integer.MIN_VALUE : Integer.MAX_VALUE;
                    default -> inRange ? rng.nextInt(-300, 300) : (1 << 20) + rng.nextInt(3);
                };
                acc[along ? c * INNER + e : e * CHANNELS + c] = v;
            }
        }
        return acc;
    }
}
