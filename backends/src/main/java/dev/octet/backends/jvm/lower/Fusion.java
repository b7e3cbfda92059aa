package dev.octet.backends.jvm.lower;

import dev.octet.backends.jvm.LoweringContext;
import dev.octet.ir.Node;
import java.util.List;

/**
 * Several nodes lowered as one kernel call. Only the last of its nodes (in schedule order) emits code, when all
 * operands from outside the group exist; the values between its nodes never get memory.
 */
public interface Fusion {
    /** The group, in schedule order; the last one's result is the group's. */
    List<Node> nodes();

    void lower(LoweringContext cx);
}
