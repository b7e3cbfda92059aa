package dev.octet.ir;

/**
 * An operator rejected its operands or attributes. The message says what is wrong but not where:
 * the verifier or evaluator that catches it adds the node and source location.
 */
public class OpException extends RuntimeException {
    public OpException(String message) {
        super(message);
    }
}
