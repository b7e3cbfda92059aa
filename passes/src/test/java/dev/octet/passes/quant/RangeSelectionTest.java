package dev.octet.passes.quant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.octet.ir.Quantization;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Range selection on histograms whose right answers are known. */
class RangeSelectionTest {
    static float[] uniform(int n, double lo, double hi, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) (lo + r.nextDouble() * (hi - lo));
        }
        return v;
    }

    static float[] gaussianWithOutliers(int n, int outliers, float outlier, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            // Box-Muller
            v[i] = (float) (Math.sqrt(-2 * Math.log(1 - r.nextDouble())) * Math.cos(2 * Math.PI * r.nextDouble()));
        }
        for (int i = 0; i < outliers; i++) {
            v[i] = outlier;
        }
        return v;
    }

    static Histogram histogram(float[]... batches) {
        Histogram h = new Histogram();
        for (float[] b : batches) {
            h.add(b);
        }
        return h;
    }

    @Test
    void histogramGrowsKeepingExactExtremesAndCounts() {
        Histogram h = histogram(uniform(10_000, 0, 1, 1), uniform(10_000, -3, 5, 2), new float[] {Float.NaN, 100f});
        assertEquals(20_001, h.total());
        assertEquals(1, h.nonFinite());
        assertEquals(100.0, h.max());
        assertTrue(h.min() < -2.99 && h.min() >= -3);
        assertTrue(h.lo() <= h.min() && h.hi() > h.max());
        // Median of the mixture: half the mass is in [0, 1), the other half spread over [-3, 5).
        double median = h.quantile(0.5);
        assertTrue(median > 0.3 && median < 1.0, "median " + median);
    }

    @Test
    void minmaxIsTheObservedRangeWidenedToZero() {
        QuantRange r = RangeSelector.select(histogram(uniform(1000, 0.5, 2, 3)), RangeMethod.parse("minmax"),
                QuantScheme.U8_ASYMMETRIC);
        assertEquals(0.0, r.lo());
        assertTrue(r.hi() > 1.99 && r.hi() <= 2);
        assertEquals(0.0, r.clippedFraction());
    }

    @Test
    void percentileClipsTheRequestedTails() {
        Histogram h = histogram(uniform(200_000, -1, 1, 4));
        QuantRange r = RangeSelector.select(h, RangeMethod.parse("percentile:99"), QuantScheme.I8_ASYMMETRIC);
        assertEquals(-0.99, r.lo(), 0.003);
        assertEquals(0.99, r.hi(), 0.003);
        assertEquals(0.01, r.clippedFraction(), 0.002);
    }

    @Test
    void entropyKeepsAllOfAUniformDistribution() {
        QuantRange r = RangeSelector.select(histogram(uniform(100_000, 0, 1, 5)), RangeMethod.parse("entropy"),
                QuantScheme.U8_ASYMMETRIC);
        assertTrue(r.hi() > 0.95, "threshold " + r.hi());
    }

    @Test
    void entropyThresholdIsExactOnAKnownHistogram() {
        // |x| over [0, 16] in 2048 bins of 1/128: the data fills exactly the first 128 bins, one outlier sits at 16.
        // The 128-bin candidate quantizes without loss, so the threshold is its upper edge, exactly 1.0 (an
        // off-by-one in the candidate loop would give 127/128 or 129/128).
        float[] data = uniform(100_000, 0, 1, 6);
        data[0] = 16f;
        data[1] = 0f;
        assertEquals(1.0, RangeSelector.entropyThreshold(histogram(data), 128), 1e-12);
    }

    @Test
    void outlierAwareMethodsClipRareOutliers() {
        Histogram h = histogram(gaussianWithOutliers(100_000, 5, 50f, 7));
        for (String method : new String[] {"entropy", "percentile:99.99"}) {
            QuantRange r = RangeSelector.select(h, RangeMethod.parse(method), QuantScheme.I8_ASYMMETRIC);
            assertTrue(r.hi() < 10, method + " kept the outliers: " + r.hi());
            assertTrue(r.hi() > 2.5, method + " clipped the distribution itself: " + r.hi());
            assertTrue(r.clippedFraction() < 0.002, method + " clipped " + r.clippedFraction());
            assertEquals(50.0, r.observedMax());
        }
        QuantRange minmax = RangeSelector.select(h, RangeMethod.parse("minmax"), QuantScheme.I8_ASYMMETRIC);
        assertEquals(50.0, minmax.hi());
    }

    @Test
    void mseTrimsTailsButKeepsOutliersThatCostLessToKeep() {
        // Squared error: keeping 5 outliers at 50 among 100,000 values costs ~380 in rounding noise, clipping them
        // ~10,000; MSE keeps them (the least aggressive method), while it does trim a Gaussian's thin tails.
        Histogram outliers = histogram(gaussianWithOutliers(100_000, 5, 50f, 7));
        double kept = RangeSelector.select(outliers, RangeMethod.parse("mse"), QuantScheme.I8_ASYMMETRIC).hi();
        assertTrue(kept > 45, "mse bound " + kept);
        Histogram gaussian = histogram(gaussianWithOutliers(100_000, 0, 0f, 8));
        QuantRange r = RangeSelector.select(gaussian, RangeMethod.parse("mse"), QuantScheme.I8_SYMMETRIC);
        assertTrue(r.hi() < gaussian.max() * 0.95 && r.hi() > 2.5, "mse bound " + r.hi() + " of " + gaussian.max());
        assertTrue(r.clippedFraction() > 0 && r.clippedFraction() < 0.002, "clipped " + r.clippedFraction());
        assertEquals(-r.hi(), r.lo(), "symmetric");
    }

    @Test
    void schemesGiveScaleAndZeroPoint() {
        assertEquals(new Quantization.PerTensor(4f / 255, 64), QuantScheme.U8_ASYMMETRIC.parameters(-1, 3));
        assertEquals(new Quantization.PerTensor(3f / 127, 0), QuantScheme.I8_SYMMETRIC.parameters(-1, 3));
        assertEquals(new Quantization.PerTensor(4f / 255, -64), QuantScheme.I8_ASYMMETRIC.parameters(-1, 3));
        // Zero is always representable; an all-zero tensor still gets a valid scale.
        assertEquals(new Quantization.PerTensor(2f / 255, 0), QuantScheme.U8_ASYMMETRIC.parameters(1, 2));
        assertEquals(new Quantization.PerTensor(1f, 0), QuantScheme.U8_ASYMMETRIC.parameters(0, 0));
    }

    @Test
    void methodNamesParse() {
        assertEquals(99.9, RangeMethod.parse("percentile:99.9").percentile());
        assertEquals("entropy", RangeMethod.parse("ENTROPY").toString());
        assertThrows(IllegalArgumentException.class, () -> RangeMethod.parse("percentile:20"));
        assertThrows(IllegalArgumentException.class, () -> RangeMethod.parse("kl"));
    }
}
