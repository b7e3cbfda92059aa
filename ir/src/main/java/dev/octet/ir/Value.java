package dev.octet.ir;

import java.util.Objects;

/**
 * An SSA value: defined once, by a graph input or by one node's result. Values are immutable and compared by
 * identity; the name is unique within its graph and is what the text form prints after {@code %}.
 */
public final class Value {
    private final String name;
    private final TensorType type;

    public Value(String name, TensorType type) {
        this.name = Objects.requireNonNull(name, "name");
        this.type = Objects.requireNonNull(type, "type");
        if (name.isEmpty()) {
            throw new IllegalArgumentException("value names must not be empty");
        }
    }

    public String name() {
        return name;
    }

    public TensorType type() {
        return type;
    }

    @Override
    public String toString() {
        return "%" + name + ": " + type;
    }
}
