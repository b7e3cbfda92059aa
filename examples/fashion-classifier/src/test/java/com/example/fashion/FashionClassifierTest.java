package com.example.fashion;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** Classifies the first 200 images of the Octet repository's Fashion-MNIST test slice. */
class FashionClassifierTest {
    private static final Path DATA = Path.of(System.getProperty("octet.testdata"), "data");

    @Test
    void classifiesTestImages() throws IOException {
        float[] images = floats(DATA.resolve("fashion-test-1000.npy"), 200 * 784);
        long[] labels = longs(DATA.resolve("fashion-test-1000-labels.npy"), 200);
        FashionClassifier classifier = new FashionClassifier();
        int[] predicted = classifier.classify(images);
        int correct = 0;
        for (int i = 0; i < labels.length; i++) {
            correct += predicted[i] == labels[i] ? 1 : 0;
        }
        assertTrue(correct >= 170, correct + " of 200 right");
        assertEquals("int8", classifier.model().precision());
        assertArrayEquals(new long[] {-1, 1, 28, 28}, classifier.model().inputShape());
        assertEquals("Ankle boot", FashionClassifier.name(predicted[0]));
    }

    private static float[] floats(Path npy, int n) throws IOException {
        float[] out = new float[n];
        data(npy, "<f4").asFloatBuffer().get(out);
        return out;
    }

    private static long[] longs(Path npy, int n) throws IOException {
        long[] out = new long[n];
        data(npy, "<i8").asLongBuffer().get(out);
        return out;
    }

    /** The array data of a .npy file (version 1 header), checked to hold {@code descr} values. */
    private static ByteBuffer data(Path npy, String descr) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(npy)).order(ByteOrder.LITTLE_ENDIAN);
        int headerLength = Short.toUnsignedInt(b.getShort(8));
        String header = new String(b.array(), 10, headerLength, StandardCharsets.US_ASCII);
        assertTrue(header.contains("'descr': '" + descr + "'"), npy + ": " + header);
        return b.position(10 + headerLength).slice().order(ByteOrder.LITTLE_ENDIAN);
    }
}
