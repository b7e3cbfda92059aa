package dev.octet.ir;

/**
 * One dimension of a shape: a fixed size, or a named symbol (typically the batch dimension {@code N})
 * bound to a size only when the graph runs.
 */
public sealed interface Dim permits Dim.Fixed, Dim.Symbol {

    static Dim of(long size) {
        return new Fixed(size);
    }

    static Dim symbol(String name) {
        return new Symbol(name);
    }

    boolean isFixed();

    /** The size of a fixed dimension; throws for a symbol. */
    long size();

    record Fixed(long size) implements Dim {
        public Fixed {
            if (size < 0) {
                throw new IllegalArgumentException("negative dimension " + size);
            }
        }

        @Override
        public boolean isFixed() {
            return true;
        }

        @Override
        public String toString() {
            return Long.toString(size);
        }
    }

    record Symbol(String name) implements Dim {
        public Symbol {
            if (name.isEmpty()) {
                throw new IllegalArgumentException("empty dimension symbol");
            }
        }

        @Override
        public boolean isFixed() {
            return false;
        }

        @Override
        public long size() {
            throw new IllegalStateException("symbolic dimension " + name + " has no static size");
        }

        @Override
        public String toString() {
            return name;
        }
    }
}
