package dev.octet.ir;

/** The one place that decides how float values are spelled in IR text, so printing round-trips exactly. */
public final class Floats {
    private Floats() {
    }

    /** Shortest text that parses back to the same float; always contains '.' or is nan/inf/-inf. */
    public static String format(float v) {
        if (Float.isNaN(v)) {
            return "nan";
        }
        if (Float.isInfinite(v)) {
            return v > 0 ? "inf" : "-inf";
        }
        return Float.toString(v);
    }

    public static float parse(String text) {
        return switch (text) {
            case "nan" -> Float.NaN;
            case "inf" -> Float.POSITIVE_INFINITY;
            case "-inf" -> Float.NEGATIVE_INFINITY;
            default -> Float.parseFloat(text);
        };
    }
}
