package dev.octet.ir;

/**
 * A user-facing error about IR: a parse, verification or evaluation failure. The message is one line and
 * starts with {@code file:line:column:} when the location is known, followed by the node it concerns.
 */
public class IrException extends RuntimeException {
    private final SourceLocation location;

    public IrException(SourceLocation location, String message) {
        super(location == null ? message : location + ": " + message);
        this.location = location;
    }

    public IrException(SourceLocation location, String message, Throwable cause) {
        super(location == null ? message : location + ": " + message, cause);
        this.location = location;
    }

    /** The location the error points at, or null when the IR was not read from text. */
    public SourceLocation location() {
        return location;
    }
}
