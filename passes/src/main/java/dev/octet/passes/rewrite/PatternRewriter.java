package dev.octet.passes.rewrite;

import dev.octet.ir.Attributes;
import dev.octet.ir.Graph;
import dev.octet.ir.Node;
import dev.octet.ir.Tensor;
import dev.octet.ir.Value;
import java.util.List;

/** What a {@link RewritePattern} sees of the graph and how it changes it. */
public final class PatternRewriter {
    private final Graph graph;

    PatternRewriter(Graph graph) {
        this.graph = graph;
    }

    public Graph graph() {
        return graph;
    }

    /** The node that defines {@code v}, or null for a graph input. */
    public Node producer(Value v) {
        return v == null ? null : graph.producers().get(v);
    }

    /** The node defining {@code v} if it has op {@code op}, else null. */
    public Node producer(Value v, String op) {
        Node p = producer(v);
        return p != null && p.op().equals(op) ? p : null;
    }

    /** The tensor {@code v} holds when a Constant node defines it, else null. */
    public Tensor constant(Value v) {
        Node p = producer(v, "Constant");
        return p == null ? null : p.attributes().getTensor("value");
    }

    /** The value of a one-element float constant, or null. */
    public Double scalar(Value v) {
        Tensor t = constant(v);
        return t != null && t.size() == 1 && t.elementType().isFloat() ? t.getDouble(0) : null;
    }

    /** Whether {@code v} is a one-element float constant equal to {@code expected} within {@code tolerance}. */
    public boolean isScalar(Value v, double expected, double tolerance) {
        Double x = scalar(v);
        return x != null && Math.abs(x - expected) <= tolerance;
    }

    /** Whether {@code v} has exactly one user node and is not a graph output: it may be folded into that user. */
    public boolean hasOneUse(Value v) {
        return !graph.outputs().contains(v) && graph.users(v).size() == 1;
    }

    public List<Node> users(Value v) {
        return graph.users(v);
    }

    /** Adds a Constant node right before {@code anchor} and returns its value. */
    public Value createConstant(Node anchor, Tensor value, String nameHint) {
        Value v = new Value(graph.freshName(nameHint), value.type());
        graph.insertBefore(anchor, Node.of("Constant", List.of(), List.of(v),
                Attributes.builder().put("value", value).build()));
        return v;
    }

    /** Puts {@code replacements} where {@code old} is. */
    public void replace(Node old, List<Node> replacements) {
        graph.replace(old, replacements);
    }

    public void replaceAllUsesWith(Value from, Value to) {
        graph.replaceAllUsesWith(from, to);
    }

    public void erase(Node node) {
        graph.remove(node);
    }
}
