package dev.octet.cli.model;

import dev.octet.runtime.OctetModel;

/**
 * A model the CLI can run: a generated class, loaded from a jar or compiled in-process. Inputs and outputs are
 * float rows, one per sample.
 */
public interface RunnableModel {
    /** What the user called it (the file name). */
    String label();

    /** fp32, int8, dynamic or mixed. */
    String precision();

    /** Bytes on disk of the file it came from. */
    long sizeBytes();

    /** The input shape of one sample (the batch dimension dropped). */
    long[] sampleShape();

    /** Floats per input sample. */
    int inputSize();

    /** Floats per output sample. */
    int outputSize();

    /** The generated class's instance. */
    OctetModel instance();

    /** Runs {@code batch} samples; allocation-free in steady state. */
    void predict(float[] in, int batch, float[] out);
}
