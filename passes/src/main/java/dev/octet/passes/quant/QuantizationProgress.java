package dev.octet.passes.quant;

/** Told how far a long quantization step has come, so a front end can show a progress bar. */
@FunctionalInterface
public interface QuantizationProgress {
    QuantizationProgress NONE = (phase, done, total) -> { };

    /** {@code done} of {@code total} units of {@code phase} (samples, or layers) are finished. */
    void advance(String phase, long done, long total);
}
