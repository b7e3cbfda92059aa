package dev.octet.ir;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/** A tensor shape: a list of dimensions, each fixed or symbolic. Rank 0 is a scalar. */
public record Shape(List<Dim> dims) {

    public static final Shape SCALAR = new Shape(List.of());

    public Shape {
        dims = List.copyOf(dims);
    }

    public static Shape of(long... sizes) {
        List<Dim> dims = new ArrayList<>(sizes.length);
        for (long s : sizes) {
            dims.add(Dim.of(s));
        }
        return new Shape(dims);
    }

    public int rank() {
        return dims.size();
    }

    public Dim dim(int axis) {
        return dims.get(axis);
    }

    public long size(int axis) {
        return dims.get(axis).size();
    }

    public boolean isStatic() {
        return dims.stream().allMatch(Dim::isFixed);
    }

    /** Product of all dimensions of a static shape; throws {@link ArithmeticException} on overflow. */
    public long elementCount() {
        long n = 1;
        for (Dim d : dims) {
            n = Math.multiplyExact(n, d.size());
        }
        return n;
    }

    /** Sizes of a static shape. */
    public long[] sizes() {
        long[] s = new long[dims.size()];
        for (int i = 0; i < s.length; i++) {
            s[i] = dims.get(i).size();
        }
        return s;
    }

    /** Sizes of a static shape as ints; throws if any exceeds the int range. */
    public int[] intSizes() {
        int[] s = new int[dims.size()];
        for (int i = 0; i < s.length; i++) {
            s[i] = Math.toIntExact(dims.get(i).size());
        }
        return s;
    }

    /** Replaces every symbol that {@code bindings} names by its size. */
    public Shape bind(Map<String, Long> bindings) {
        List<Dim> bound = new ArrayList<>(dims.size());
        for (Dim d : dims) {
            if (d instanceof Dim.Symbol s && bindings.containsKey(s.name())) {
                bound.add(Dim.of(bindings.get(s.name())));
            } else {
                bound.add(d);
            }
        }
        return new Shape(bound);
    }

    /** Normalizes a possibly negative axis (ONNX convention) into [0, rank). */
    public int normalizeAxis(long axis) {
        long a = axis < 0 ? axis + rank() : axis;
        if (a < 0 || a >= rank()) {
            throw new OpException("axis " + axis + " is out of range for rank " + rank());
        }
        return (int) a;
    }

    @Override
    public String toString() {
        return dims.stream().map(Dim::toString).collect(Collectors.joining(",", "[", "]"));
    }
}
