package dev.octet.frontend;

/** A tensor data file (.npy) that cannot be read or written; the message names the file and the problem. */
public class TensorFileException extends RuntimeException {
    public TensorFileException(String message) {
        super(message);
    }
}
