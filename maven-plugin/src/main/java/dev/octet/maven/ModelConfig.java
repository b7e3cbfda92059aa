package dev.octet.maven;

import java.io.File;
import java.util.List;

/**
 * One {@code <model>} of the plugin configuration. Unset fields take the plugin-level defaults; the names and
 * meanings are those of {@code octet compile}'s flags.
 */
public class ModelConfig {
    /** The model file (.onnx or .oir). */
    File file;
    /** Binary name of the generated class; default {@code <packageName>.<ModelFileName>}. */
    String className;
    /** fp32, int8, dynamic or mixed. */
    String precision;
    /** Calibration samples (.npy or IDX). */
    File calibration;
    /** minmax, percentile:P, entropy or mse. */
    String method;
    /** u8, i8 or i8-symmetric. */
    String activations;
    /** One weight scale per tensor. */
    Boolean perTensor;
    /** auto, avx512-vnni, avx2, neon-dot or scalar. */
    String target;
    /** Layers to keep in float (names or globs). */
    List<String> keepFp32;
    /** Labelled validation samples for the accuracy budget. */
    File validation;
    /** Labels of {@code validation}. */
    File labels;
    /**
     * Fail the build when top-1 accuracy on {@code validation} drops more than this many points; with precision
     * mixed (and no keepFp32), the budget the automatic choice of float layers must meet.
     */
    Double maxAccuracyDrop;
    /** With precision mixed: no class may lose more than this many points. */
    Double maxClassDrop;
    /** With precision mixed: the least share of MACs that must stay int8 (default 0.5). */
    Double minInt8Macs;
    /** SmoothQuant strength before static int8 (e.g. 0.5); unset: none. */
    Double smoothQuant;
    /** Whether the class may install its int8 machine-code kernels at run time (octet compile --no-native: false). */
    Boolean nativeKernels;
    /** Whether static int8 corrects each layer's mean output error (octet compile --no-bias-correction: false). */
    Boolean biasCorrection;
}
