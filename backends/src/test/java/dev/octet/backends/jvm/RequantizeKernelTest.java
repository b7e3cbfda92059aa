package dev.octet.backends.jvm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import dev.octet.backends.jvm.kernels.ScalarKernels;
import dev.octet.backends.jvm.kernels.VectorKernels;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The SIMD requantization (64-bit lanes for shifts in [0, 30] along channels and [1, 30] across them, the scalar
 * definition otherwise) against the scalar kernel, on values a model rarely produces: exact rounding ties of every
 * shift, both signs, values near 2^20 (the old double path's limit), the largest multiplier, and int extremes;
 * with lanes along channels and across them (many rows and a few), with channel counts that do and do not fill
 * whole vectors.
 */
class RequantizeKernelTest {
    private static final int INNER = 203; // not a multiple of any vector length

    @Test
    void equalsScalarKernelOnTiesBoundariesAndExtremes() {
        SplittableRandom rng = new SplittableRandom(7);
        int[] scratch = new int[ScalarKernels.REQUANTIZE_SCRATCH_INTS + 3];
        // 43 channels: a partial block of channels when lanes run across them.
        for (int channels : new int[] {40, 43}) {
            int[] mults = new int[channels];
            for (int c = 0; c < channels; c++) {
                mults[c] = c % 3 == 0 ? 1 << 30 : c % 3 == 1 ? Integer.MAX_VALUE : (1 << 30) + rng.nextInt(1 << 30);
            }
            int[] exactShifts = new int[channels];
            int[] anyShifts = new int[channels];
            for (int c = 0; c < channels; c++) {
                exactShifts[c] = 20 - c % 20; // 20 and 1 on in-range channels too
                anyShifts[c] = c - 4; // -4 .. 38: scalar-only shifts included
            }
            for (int[] shifts : new int[][] {exactShifts, anyShifts}) {
                for (Layout layout : Layout.values()) {
                    int[] acc = accumulators(shifts, layout, rng);
                    int outer = layout == Layout.ALONG ? 1 : acc.length / channels;
                    int inner = layout == Layout.ALONG ? INNER : 1;
                    for (int[] zpRange : new int[][] {{128, 0, 255}, {0, -128, 127}, {-5, -128, 127}}) {
                        byte[] expected = new byte[acc.length];
                        byte[] actual = new byte[acc.length];
                        ScalarKernels.requantize(acc, 0, expected, 0, outer, channels, inner, mults, 0, shifts, 0,
                                zpRange[0], zpRange[1], zpRange[2], scratch, 3);
                        VectorKernels.requantize(acc, 0, actual, 0, outer, channels, inner, mults, 0, shifts, 0,
                                zpRange[0], zpRange[1], zpRange[2], scratch, 3);
                        assertArrayEquals(expected, actual, "zero point " + zpRange[0] + ", " + layout + ", "
                                + channels + " channels, shifts from " + shifts[0]);
                    }
                }
            }
        }
    }

    /**
     * [1, channels, 203], lanes along each channel; [203, channels, 1] and [3, channels, 1], lanes across channels
     * with shifts varying lane by lane.
     */
    private enum Layout {
        ALONG, ACROSS, ACROSS_FEW_ROWS
    }

    /**
     * Accumulators for channels x 203 (or 3) elements, laid out as the layout says. Even channels (along), runs of
     * 40 rows (across) or even rows (few rows) stay inside
     * the exact range, so whole chunks take the vector path; the others carry values past 2^20 and int extremes.
     */
    private static int[] accumulators(int[] shifts, Layout layout, SplittableRandom rng) {
        int channels = shifts.length;
        int elements = layout == Layout.ACROSS_FEW_ROWS ? 3 : INNER;
        int[] acc = new int[channels * elements];
        for (int c = 0; c < channels; c++) {
            for (int e = 0; e < elements; e++) {
                int s = Math.max(1, Math.min(20, shifts[c]));
                boolean inRange = switch (layout) {
                    case ALONG -> c % 2 == 0;
                    case ACROSS -> e / 40 % 2 == 0;
                    case ACROSS_FEW_ROWS -> e % 2 == 0;
                };
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
                acc[layout == Layout.ALONG ? c * INNER + e : e * channels + c] = v;
            }
        }
        return acc;
    }
}
