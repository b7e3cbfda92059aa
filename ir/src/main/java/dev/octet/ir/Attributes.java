package dev.octet.ir;

import com.google.common.collect.ImmutableSortedMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/** An immutable, name-sorted set of attributes with typed getters. */
public final class Attributes {
    public static final Attributes EMPTY = new Attributes(ImmutableSortedMap.of());

    private final ImmutableSortedMap<String, Attribute> values;

    private Attributes(ImmutableSortedMap<String, Attribute> values) {
        this.values = values;
    }

    public static Attributes of(Map<String, Attribute> values) {
        return values.isEmpty() ? EMPTY : new Attributes(ImmutableSortedMap.copyOf(values));
    }

    public static Builder builder() {
        return new Builder();
    }

    public Map<String, Attribute> asMap() {
        return values;
    }

    public Set<String> names() {
        return values.keySet();
    }

    public boolean has(String name) {
        return values.containsKey(name);
    }

    public Attribute get(String name) {
        return values.get(name);
    }

    public boolean isEmpty() {
        return values.isEmpty();
    }

    public long getInt(String name, long defaultValue) {
        Attribute a = values.get(name);
        return a == null ? defaultValue : as(name, a, Attribute.IntAttr.class).value();
    }

    public float getFloat(String name, float defaultValue) {
        Attribute a = values.get(name);
        return a == null ? defaultValue : as(name, a, Attribute.FloatAttr.class).value();
    }

    public String getString(String name, String defaultValue) {
        Attribute a = values.get(name);
        return a == null ? defaultValue : as(name, a, Attribute.StringAttr.class).value();
    }

    /** The int list, or null when absent. */
    public long[] getInts(String name) {
        Attribute a = values.get(name);
        return a == null ? null : as(name, a, Attribute.IntsAttr.class).values();
    }

    public float[] getFloats(String name) {
        Attribute a = values.get(name);
        return a == null ? null : as(name, a, Attribute.FloatsAttr.class).values();
    }

    public Tensor getTensor(String name) {
        Attribute a = values.get(name);
        return a == null ? null : as(name, a, Attribute.TensorAttr.class).value();
    }

    public Attributes with(String name, Attribute value) {
        TreeMap<String, Attribute> copy = new TreeMap<>(values);
        copy.put(name, value);
        return new Attributes(ImmutableSortedMap.copyOf(copy));
    }

    public Attributes without(String name) {
        TreeMap<String, Attribute> copy = new TreeMap<>(values);
        copy.remove(name);
        return new Attributes(ImmutableSortedMap.copyOf(copy));
    }

    private static <T extends Attribute> T as(String name, Attribute a, Class<T> kind) {
        if (!kind.isInstance(a)) {
            throw new OpException("attribute '" + name + "' must be " + kind.getSimpleName().replace("Attr", "")
                    .toLowerCase(java.util.Locale.ROOT) + ", got " + a.kind().name().toLowerCase(java.util.Locale.ROOT));
        }
        return kind.cast(a);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Attributes a && a.values.equals(values);
    }

    @Override
    public int hashCode() {
        return values.hashCode();
    }

    @Override
    public String toString() {
        return values.toString();
    }

    public static final class Builder {
        private final TreeMap<String, Attribute> values = new TreeMap<>();

        public Builder put(String name, long v) {
            values.put(name, new Attribute.IntAttr(v));
            return this;
        }

        public Builder put(String name, float v) {
            values.put(name, new Attribute.FloatAttr(v));
            return this;
        }

        public Builder put(String name, String v) {
            values.put(name, new Attribute.StringAttr(v));
            return this;
        }

        public Builder put(String name, long[] v) {
            values.put(name, new Attribute.IntsAttr(v));
            return this;
        }

        public Builder put(String name, Tensor v) {
            values.put(name, new Attribute.TensorAttr(v));
            return this;
        }

        public Builder put(String name, Attribute v) {
            values.put(name, v);
            return this;
        }

        public Attributes build() {
            return values.isEmpty() ? EMPTY : new Attributes(ImmutableSortedMap.copyOf(values));
        }
    }
}
