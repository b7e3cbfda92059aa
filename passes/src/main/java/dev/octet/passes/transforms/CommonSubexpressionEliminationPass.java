package dev.octet.passes.transforms;

import dev.octet.ir.Attributes;
import dev.octet.ir.Graph;
import dev.octet.ir.Node;
import dev.octet.ir.TensorType;
import dev.octet.ir.Value;
import dev.octet.passes.Pass;
import dev.octet.passes.PassContext;
import dev.octet.passes.PassInfo;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Merges nodes that compute the same thing: same op, same operand values, equal attributes (constants compare
 * by content) and same result types. Later duplicates are replaced by the first. A node whose result is a graph
 * output is kept, so that output names stay the model's interface.
 */
public final class CommonSubexpressionEliminationPass implements Pass {
    public static final PassInfo INFO = new PassInfo("cse", "Merge nodes that compute the same value",
            "Replaces each node equal to an earlier one (op, operands, attributes, result types) by the earlier one.",
            List.of(), options -> new CommonSubexpressionEliminationPass());

    /** Operands compare by identity (Value has identity equality); the rest by value. */
    private record Key(String op, List<Value> inputs, Attributes attributes, List<TensorType> types) {
        static Key of(Node n) {
            return new Key(n.op(), n.inputs(), n.attributes(), n.outputs().stream().map(Value::type).toList());
        }
    }

    @Override
    public boolean run(Graph graph, PassContext context) {
        Map<Key, Node> seen = new HashMap<>();
        boolean changed = false;
        List<Node> nodes = graph.nodes();
        // Merging node i rewrites only its users, which come after i: earlier entries of `seen` stay valid.
        for (int i = 0; i < nodes.size(); ) {
            Node node = nodes.get(i);
            Node first = seen.putIfAbsent(Key.of(node), node);
            if (first == null || node.outputs().stream().anyMatch(graph.outputs()::contains)) {
                i++;
                continue;
            }
            for (int r = 0; r < node.outputs().size(); r++) {
                graph.replaceAllUsesWith(node.output(r), first.output(r));
            }
            graph.remove(node);
            context.count("nodes-merged");
            changed = true;
        }
        return changed;
    }
}
