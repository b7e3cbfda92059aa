package dev.octet.ir;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

/**
 * One operation: an op name, operand values (an absent optional operand is null), result values,
 * attributes, an optional name (from the source model) and an optional source location.
 * Nodes are immutable and compared by identity; rewrites build new nodes.
 */
public final class Node {
    private final String op;
    private final List<Value> inputs;
    private final List<Value> outputs;
    private final Attributes attributes;
    private final String name;
    private final SourceLocation location;

    public Node(String op, List<Value> inputs, List<Value> outputs, Attributes attributes,
                String name, SourceLocation location) {
        this.op = Objects.requireNonNull(op, "op");
        this.inputs = Collections.unmodifiableList(new ArrayList<>(inputs));
        this.outputs = List.copyOf(outputs);
        this.attributes = Objects.requireNonNull(attributes, "attributes");
        this.name = name;
        this.location = location;
    }

    public static Node of(String op, List<Value> inputs, List<Value> outputs, Attributes attributes) {
        return new Node(op, inputs, outputs, attributes, null, null);
    }

    public String op() {
        return op;
    }

    /** Operands in order; an absent optional operand is null. */
    public List<Value> inputs() {
        return inputs;
    }

    public Value input(int i) {
        return i < inputs.size() ? inputs.get(i) : null;
    }

    public List<Value> outputs() {
        return outputs;
    }

    public Value output(int i) {
        return outputs.get(i);
    }

    public Attributes attributes() {
        return attributes;
    }

    /** The node's name in the source model, or null. */
    public String name() {
        return name;
    }

    /** Where the node was written in IR text, or null. */
    public SourceLocation location() {
        return location;
    }

    public Node withInputs(List<Value> newInputs) {
        return new Node(op, newInputs, outputs, attributes, name, location);
    }

    public Node withAttributes(Attributes newAttributes) {
        return new Node(op, inputs, outputs, newAttributes, name, location);
    }

    /** How errors refer to this node: its name if it has one, else its first result, plus the op. */
    public String describe() {
        String who = name != null ? "'" + name + "'" : outputs.isEmpty() ? "<no results>" : "%" + outputs.get(0).name();
        return "node " + who + " (" + op + ")";
    }

    @Override
    public String toString() {
        return describe();
    }
}
