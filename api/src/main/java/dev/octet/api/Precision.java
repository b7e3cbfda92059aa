package dev.octet.api;

import java.util.Locale;

/** What {@code --precision} asks for. */
public enum Precision {
    /** The float graph after fusions, compiled as is. */
    FP32,
    /** Static int8: calibrated activation ranges (or a QAT model's own Q/DQ scales). */
    INT8,
    /** Int8 weights, activation scales computed per row at run time; no calibration. */
    DYNAMIC,
    /** Static int8 with the layers named by {@code --keep-fp32} left in float. */
    MIXED;

    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }
}
