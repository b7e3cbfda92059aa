package dev.octet.passes;

/** A pipeline string that names an unknown pass or option, or is malformed. */
public class PipelineException extends IllegalArgumentException {
    public PipelineException(String message) {
        super(message);
    }
}
