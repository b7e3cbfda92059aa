package dev.octet.frontend.onnx;

import java.util.Set;

/** The model uses operators Octet does not implement; {@link #operators()} names them. */
public class UnsupportedModelException extends OnnxException {
    private final Set<String> operators;

    public UnsupportedModelException(String message, Set<String> operators) {
        super(message);
        this.operators = Set.copyOf(operators);
    }

    public Set<String> operators() {
        return operators;
    }
}
