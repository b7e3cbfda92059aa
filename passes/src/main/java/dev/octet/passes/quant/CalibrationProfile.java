package dev.octet.passes.quant;

import java.util.Collections;
import java.util.Map;

/** The calibration statistics of a graph: one histogram per observed tensor (by value name). */
public record CalibrationProfile(Map<String, Histogram> histograms, int samples) {
    public CalibrationProfile {
        histograms = Collections.unmodifiableMap(histograms);
    }

    public Histogram histogram(String valueName) {
        return histograms.get(valueName);
    }
}
