package dev.octet.frontend.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.octet.frontend.NpyFormat;

/** Fuzzes the .npy reader: a tensor or a TensorFileException, never a large allocation for a small file. */
class NpyFormatFuzzTest {
    @FuzzTest(maxDuration = "30s")
    void reads(byte[] input) {
        FuzzFiles.read(input, "x.npy", NpyFormat::read);
    }
}
