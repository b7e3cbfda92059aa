package dev.octet.backends.jvm.lower;

import dev.octet.backends.jvm.LoweringContext;
import dev.octet.ir.Graph;
import dev.octet.ir.Node;
import dev.octet.ir.Value;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * Several nodes lowered as one kernel call. Only the last of its nodes (in schedule order) emits code, when all
 * operands from outside the group exist; the values between its nodes never get memory.
 */
public interface Fusion {
    /** The group, in schedule order; the last one's result is the group's. */
    List<Node> nodes();

    void lower(LoweringContext cx);

    /** Each value read by exactly one node (and not a graph output), mapped to that node: what may fuse. */
    static Map<Value, Node> onlyUsers(Graph g) {
        Map<Value, Integer> uses = g.useCounts();
        Map<Value, Node> onlyUser = new IdentityHashMap<>();
        for (Node node : g.nodes()) {
            for (Value v : node.inputs()) {
                if (v != null && uses.getOrDefault(v, 0) == 1) {
                    onlyUser.put(v, node);
                }
            }
        }
        return onlyUser;
    }
}
