package dev.octet.ir.ops;

import com.google.common.collect.ImmutableSortedMap;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.TreeMap;

/** Operators by name: the standard library plus every {@link OpLibrary} on the class path. */
public final class OpRegistry {
    private static final OpRegistry DEFAULT = load();

    private final Map<String, OpSchema> ops;

    private OpRegistry(Map<String, OpSchema> ops) {
        this.ops = ImmutableSortedMap.copyOf(ops);
    }

    public static OpRegistry standard() {
        return DEFAULT;
    }

    private static OpRegistry load() {
        Map<String, OpSchema> ops = new TreeMap<>();
        for (OpSchema op : new StandardOps().ops()) {
            register(ops, op);
        }
        for (OpLibrary lib : ServiceLoader.load(OpLibrary.class)) {
            lib.ops().forEach(op -> register(ops, op));
        }
        return new OpRegistry(ops);
    }

    private static void register(Map<String, OpSchema> ops, OpSchema op) {
        if (ops.putIfAbsent(op.name(), op) != null) {
            throw new IllegalStateException("operator " + op.name() + " is defined twice");
        }
    }

    /** The schema for {@code op}, or null if unknown. */
    public OpSchema find(String op) {
        return ops.get(op);
    }

    public Map<String, OpSchema> all() {
        return ops;
    }
}
