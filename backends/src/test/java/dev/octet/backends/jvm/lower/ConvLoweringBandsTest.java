package dev.octet.backends.jvm.lower;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/**
 * Band heights of the banded im2col. The multi-band convolutions of OpKernelsTest rely on these: if the band size
 * changes, those cases must still cut their outputs into several bands.
 */
class ConvLoweringBandsTest {
    @Test
    void bandsKeepTheColumnMatrixSmallAndAreAtMostEight() {
        // k = 576, 31 wide: 3 rows fit 64 Ki floats, but 33 rows in at most 8 bands need 5.
        assertEquals(5, ConvLowering.bandRows(576, 33, 31));
        // k = 288, 20 wide: 11 rows fit; two bands (11 + 9).
        assertEquals(11, ConvLowering.bandRows(288, 20, 20));
        // k = 36 (grouped), 48 wide: 37 rows fit; two bands (37 + 11).
        assertEquals(37, ConvLowering.bandRows(36, 48, 48));
        // A small image is one band.
        assertEquals(28, ConvLowering.bandRows(9, 28, 28));
        // ResNet-18's first layers: 7x7x3 over 112 columns, and 3x3x64 over 56.
        assertEquals(14, ConvLowering.bandRows(147, 112, 112));
        assertEquals(7, ConvLowering.bandRows(576, 56, 56));
    }
}
