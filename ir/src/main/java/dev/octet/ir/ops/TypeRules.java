package dev.octet.ir.ops;

import dev.octet.ir.ElementType;
import dev.octet.ir.OpException;
import dev.octet.ir.TensorType;

/** Element-type checks shared by operator definitions, each failing with a message naming the operand. */
final class TypeRules {
    private TypeRules() {
    }

    static void requireFloat(TensorType t, String operand) {
        if (!t.elementType().isFloat()) {
            throw new OpException(operand + " must be a float tensor, got " + t);
        }
    }

    static void requireElement(TensorType t, String operand, ElementType... allowed) {
        for (ElementType e : allowed) {
            if (t.elementType() == e) {
                return;
            }
        }
        throw new OpException(operand + " must be one of " + java.util.Arrays.toString(allowed) + ", got " + t);
    }

    static void requireSameElement(TensorType a, TensorType b, String what) {
        if (a.elementType() != b.elementType()) {
            throw new OpException(what + " have different element types: " + a.elementType() + " and "
                    + b.elementType());
        }
    }

    static void requireRank(TensorType t, String operand, int rank) {
        if (t.rank() != rank) {
            throw new OpException(operand + " must have rank " + rank + ", got " + t);
        }
    }
}
