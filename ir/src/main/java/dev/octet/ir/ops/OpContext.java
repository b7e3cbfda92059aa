package dev.octet.ir.ops;

import dev.octet.ir.Attributes;
import dev.octet.ir.OpException;
import dev.octet.ir.Tensor;
import dev.octet.ir.TensorType;
import java.util.List;

/**
 * What an op sees of one node: operand types, operand values where known, attributes and the number of
 * results. During verification only constant operands have values; during evaluation all of them do, and
 * their types are the concrete runtime types. One context for both keeps shape logic in one place.
 */
public final class OpContext {
    private final List<TensorType> inputTypes;
    private final List<Tensor> inputValues;
    private final Attributes attributes;
    private final int outputCount;

    /**
     * @param inputTypes  operand types; null for an absent optional operand
     * @param inputValues operand values, same length; null where unknown or absent
     */
    public OpContext(List<TensorType> inputTypes, List<Tensor> inputValues, Attributes attributes, int outputCount) {
        if (inputTypes.size() != inputValues.size()) {
            throw new IllegalArgumentException("types and values differ in count");
        }
        this.inputTypes = inputTypes;
        this.inputValues = inputValues;
        this.attributes = attributes;
        this.outputCount = outputCount;
    }

    public int inputCount() {
        return inputTypes.size();
    }

    public boolean hasInput(int i) {
        return i < inputTypes.size() && inputTypes.get(i) != null;
    }

    /** Type of operand {@code i}; throws if absent. */
    public TensorType type(int i) {
        if (!hasInput(i)) {
            throw new OpException("operand " + i + " is required");
        }
        return inputTypes.get(i);
    }

    /** Value of operand {@code i}, or null when not known (non-constant during verification, or absent). */
    public Tensor value(int i) {
        return i < inputValues.size() ? inputValues.get(i) : null;
    }

    /** Value of operand {@code i}, which this op needs to know (for a shape, say). */
    public Tensor requireValue(int i, String what) {
        Tensor t = value(i);
        if (t == null) {
            throw new OpException("operand " + i + " (" + what + ") must be a constant: values computed at run time"
                    + " are not supported here, since Octet compiles for static shapes");
        }
        return t;
    }

    public Attributes attrs() {
        return attributes;
    }

    public int outputCount() {
        return outputCount;
    }
}
