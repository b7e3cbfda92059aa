package dev.octet.ir;

import java.util.Arrays;
import java.util.List;

/**
 * A node attribute value. Kinds mirror ONNX's: int, float, string, their lists, and tensor.
 * Integers are 64-bit and floats 32-bit, as in ONNX.
 */
public sealed interface Attribute {

    /** The kind, for schemas and error messages. */
    enum Kind { INT, FLOAT, STRING, INTS, FLOATS, STRINGS, TENSOR }

    Kind kind();

    record IntAttr(long value) implements Attribute {
        @Override
        public Kind kind() {
            return Kind.INT;
        }
    }

    record FloatAttr(float value) implements Attribute {
        @Override
        public Kind kind() {
            return Kind.FLOAT;
        }
    }

    record StringAttr(String value) implements Attribute {
        @Override
        public Kind kind() {
            return Kind.STRING;
        }
    }

    /** A list of ints; the array is copied in and out. */
    final class IntsAttr implements Attribute {
        private final long[] values;

        public IntsAttr(long... values) {
            this.values = values.clone();
        }

        public long[] values() {
            return values.clone();
        }

        public int size() {
            return values.length;
        }

        public long get(int i) {
            return values[i];
        }

        @Override
        public Kind kind() {
            return Kind.INTS;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof IntsAttr a && Arrays.equals(a.values, values);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(values);
        }

        @Override
        public String toString() {
            return Arrays.toString(values);
        }
    }

    /** A list of floats; the array is copied in and out. */
    final class FloatsAttr implements Attribute {
        private final float[] values;

        public FloatsAttr(float... values) {
            this.values = values.clone();
        }

        public float[] values() {
            return values.clone();
        }

        @Override
        public Kind kind() {
            return Kind.FLOATS;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof FloatsAttr a && Arrays.equals(a.values, values);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(values);
        }

        @Override
        public String toString() {
            return Arrays.toString(values);
        }
    }

    record StringsAttr(List<String> values) implements Attribute {
        public StringsAttr {
            values = List.copyOf(values);
        }

        @Override
        public Kind kind() {
            return Kind.STRINGS;
        }
    }

    record TensorAttr(Tensor value) implements Attribute {
        @Override
        public Kind kind() {
            return Kind.TENSOR;
        }
    }
}
