package dev.octet.ir.ops;

import dev.octet.ir.Tensor;
import dev.octet.ir.TensorType;
import java.util.List;

/**
 * The definition of one operator: its signature, its type and shape inference, and its reference semantics.
 * Implementations throw {@link dev.octet.ir.OpException} with a message that says what is wrong; callers add
 * the node and the location.
 */
public interface OpSchema {

    Signature signature();

    default String name() {
        return signature().op();
    }

    /** Result types from operand types, attributes and the values of constant operands. */
    List<TensorType> inferTypes(OpContext ctx);

    /**
     * Computes the results from operand values ({@code ctx.value(i)} is set for every present operand).
     * {@code outputTypes} are the types {@link #inferTypes} gave for these concrete operands.
     */
    List<Tensor> evaluate(OpContext ctx, List<TensorType> outputTypes);

    /** Whether constant folding may replace this op by its result when all operands are constant. */
    default boolean isFoldable() {
        return true;
    }
}
