package dev.octet.frontend.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.octet.frontend.IdxFormat;

/** Fuzzes the IDX reader (plain and gzipped): a tensor or a TensorFileException. */
class IdxFormatFuzzTest {
    @FuzzTest(maxDuration = "30s")
    void reads(byte[] input) {
        FuzzFiles.read(input, "x-idx", IdxFormat::read);
    }
}
