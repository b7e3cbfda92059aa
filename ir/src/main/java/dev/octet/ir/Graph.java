package dev.octet.ir;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * A dataflow graph: typed inputs, nodes in execution (topological) order, and outputs.
 *
 * <p>Values and nodes are immutable; the graph is the one mutable container, and passes rewrite it through the
 * methods here. Copying a graph is therefore cheap: {@link #copy()} copies the lists, not the nodes.
 */
public final class Graph {
    private String name;
    private final List<Value> inputs;
    private final List<Node> nodes;
    private final List<Value> outputs;

    public Graph(String name, List<Value> inputs, List<Node> nodes, List<Value> outputs) {
        this.name = Objects.requireNonNull(name, "name");
        this.inputs = new ArrayList<>(inputs);
        this.nodes = new ArrayList<>(nodes);
        this.outputs = new ArrayList<>(outputs);
    }

    public String name() {
        return name;
    }

    public void setName(String newName) {
        this.name = Objects.requireNonNull(newName);
    }

    public List<Value> inputs() {
        return Collections.unmodifiableList(inputs);
    }

    public List<Node> nodes() {
        return Collections.unmodifiableList(nodes);
    }

    public List<Value> outputs() {
        return Collections.unmodifiableList(outputs);
    }

    public Graph copy() {
        return new Graph(name, inputs, nodes, outputs);
    }

    /** Appends a node at the end of the schedule. */
    public void add(Node node) {
        nodes.add(node);
    }

    /** Inserts {@code node} right before {@code anchor}. */
    public void insertBefore(Node anchor, Node node) {
        nodes.add(indexOf(anchor), node);
    }

    /** Removes a node; its results must no longer be used. */
    public void remove(Node node) {
        nodes.remove(indexOf(node));
    }

    /** Puts {@code replacements} where {@code old} was, in order. */
    public void replace(Node old, List<Node> replacements) {
        int i = indexOf(old);
        nodes.remove(i);
        nodes.addAll(i, replacements);
    }

    public void setOutputs(List<Value> newOutputs) {
        outputs.clear();
        outputs.addAll(newOutputs);
    }

    /** Makes every user of {@code from} (nodes and graph outputs) use {@code to} instead. */
    public void replaceAllUsesWith(Value from, Value to) {
        if (from == to) {
            return;
        }
        for (int i = 0; i < nodes.size(); i++) {
            Node n = nodes.get(i);
            if (n.inputs().contains(from)) {
                List<Value> in = new ArrayList<>(n.inputs());
                in.replaceAll(v -> v == from ? to : v);
                nodes.set(i, n.withInputs(in));
            }
        }
        outputs.replaceAll(v -> v == from ? to : v);
    }

    /** Map from each node-defined value to its node. */
    public Map<Value, Node> producers() {
        Map<Value, Node> map = new IdentityHashMap<>();
        for (Node n : nodes) {
            for (Value v : n.outputs()) {
                map.put(v, n);
            }
        }
        return map;
    }

    /** Number of uses of each value by nodes and graph outputs. */
    public Map<Value, Integer> useCounts() {
        Map<Value, Integer> counts = new IdentityHashMap<>();
        for (Node n : nodes) {
            for (Value v : n.inputs()) {
                if (v != null) {
                    counts.merge(v, 1, Integer::sum);
                }
            }
        }
        for (Value v : outputs) {
            counts.merge(v, 1, Integer::sum);
        }
        return counts;
    }

    /** The nodes that use {@code value}, in schedule order. */
    public List<Node> users(Value value) {
        List<Node> users = new ArrayList<>();
        for (Node n : nodes) {
            if (n.inputs().contains(value)) {
                users.add(n);
            }
        }
        return users;
    }

    /** A value name not yet used in this graph, derived from {@code hint}. */
    public String freshName(String hint) {
        Set<String> taken = new HashSet<>();
        inputs.forEach(v -> taken.add(v.name()));
        nodes.forEach(n -> n.outputs().forEach(v -> taken.add(v.name())));
        if (!taken.contains(hint)) {
            return hint;
        }
        for (int i = 0; ; i++) {
            String candidate = hint + "_" + i;
            if (!taken.contains(candidate)) {
                return candidate;
            }
        }
    }

    /** Values by name (inputs and node results). */
    public Map<String, Value> valuesByName() {
        Map<String, Value> byName = new HashMap<>();
        inputs.forEach(v -> byName.put(v.name(), v));
        nodes.forEach(n -> n.outputs().forEach(v -> byName.put(v.name(), v)));
        return byName;
    }

    private int indexOf(Node node) {
        for (int i = 0; i < nodes.size(); i++) {
            if (nodes.get(i) == node) {
                return i;
            }
        }
        throw new IllegalArgumentException(node.describe() + " is not in graph @" + name);
    }
}
