package dev.octet.cli.model;

/** A model file that cannot be used: the message names the file and why. */
public final class ModelFileException extends RuntimeException {
    public ModelFileException(String message) {
        super(message);
    }
}
