package dev.octet.backends.jvm;

/** A graph the JVM backend cannot compile; the message names the node and the reason. */
public final class CodegenException extends RuntimeException {
    public CodegenException(String message) {
        super(message);
    }

    public CodegenException(String message, Throwable cause) {
        super(message, cause);
    }
}
