package dev.octet.ir.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The fixed-point requantization against exact rational arithmetic. */
class RequantizeTest {
    @Test
    void knownValues() {
        long[] half = RequantizeOp.quantizeMultiplier(0.5);
        assertEquals(1L << 30, half[0]);
        assertEquals(0, half[1]);
        assertEquals(50, FixedPoint.scale(100, (int) half[0], (int) half[1]));
        assertEquals(2, FixedPoint.scale(3, (int) half[0], (int) half[1]));
        assertEquals(-1, FixedPoint.scale(-3, (int) half[0], (int) half[1]));       // high multiply: ties up
        long[] quarter = RequantizeOp.quantizeMultiplier(0.25);
        assertEquals(1, FixedPoint.scale(2, (int) quarter[0], (int) quarter[1]));   // shift: ties away from 0
        assertEquals(-1, FixedPoint.scale(-2, (int) quarter[0], (int) quarter[1]));
        long[] three = RequantizeOp.quantizeMultiplier(3.0);                          // M >= 1: left shift
        assertEquals(-2, three[1]);
        assertEquals(300, FixedPoint.scale(100, (int) three[0], (int) three[1]));
    }

    @Test
    void multipliersRepresentTheRealValue() {
        SplittableRandom r = new SplittableRandom(1);
        for (int i = 0; i < 10_000; i++) {
            double real = Math.exp(r.nextDouble(-20, 3));
            long[] q = RequantizeOp.quantizeMultiplier(real);
            assertTrue(q[0] >= (1L << 30) && q[0] < (1L << 31));
            double back = q[0] * Math.scalb(1.0, (int) (-31 - q[1]));
            assertTrue(Math.abs(back - real) <= real * Math.scalb(1.0, -30), real + " -> " + back);
        }
    }

    @Test
    void isGemmlowpsTwoRoundingsExactlyAndWithinOneUnitOfExact() {
        SplittableRandom r = new SplittableRandom(2);
        int n = 100_000;
        int exact = 0;
        for (int i = 0; i < n; i++) {
            int acc = r.nextInt() >> r.nextInt(0, 24);
            long[] q = RequantizeOp.quantizeMultiplier(Math.exp(r.nextDouble(-12, 0)));
            long got = FixedPoint.scale(acc, (int) q[0], (int) q[1]);
            BigDecimal product = BigDecimal.valueOf(acc).multiply(BigDecimal.valueOf(q[0]));
            // Step 1: high multiply, ties toward +infinity. Step 2: divide by 2^shift, ties away from zero.
            BigDecimal high = product.divide(BigDecimal.valueOf(1L << 31)).setScale(0, RoundingMode.HALF_UP);
            if (product.signum() < 0) {
                high = product.divide(BigDecimal.valueOf(1L << 31)).setScale(0, RoundingMode.HALF_DOWN);
            }
            long model = high.divide(BigDecimal.valueOf(2).pow((int) q[1])).setScale(0, RoundingMode.HALF_UP)
                    .longValueExact();
            assertEquals(model, got, acc + " * " + q[0] + " >> " + (31 + q[1]));
            long rounded = product.divide(BigDecimal.valueOf(2).pow((int) (31 + q[1])))
                    .setScale(0, RoundingMode.HALF_UP).longValueExact();
            assertTrue(Math.abs(got - rounded) <= 1, acc + ": " + got + " vs exact " + rounded);
            exact += got == rounded ? 1 : 0;
        }
        System.out.printf("requantization equals single exact rounding in %.2f%% of random cases%n", 100.0 * exact / n);
    }

    @Test
    void extremeAccumulatorsSaturateNotWrap() {
        long[] q = RequantizeOp.quantizeMultiplier(0.5);
        assertEquals(1L << 30, FixedPoint.scale(Integer.MAX_VALUE, (int) q[0], (int) q[1]));
        assertEquals(-(1L << 30), FixedPoint.scale(Integer.MIN_VALUE, (int) q[0], (int) q[1]));
        assertEquals(Integer.MAX_VALUE, FixedPoint.saturatingRoundingDoublingHighMul(Integer.MIN_VALUE,
                Integer.MIN_VALUE));
    }
}
