package dev.octet.ir.ops;

import dev.octet.ir.Dim;
import dev.octet.ir.OpException;
import dev.octet.ir.Shape;
import java.util.ArrayList;
import java.util.List;

/** Numpy-style (multidirectional) broadcasting, as ONNX defines it, on static or symbolic shapes. */
final class Broadcast {
    private Broadcast() {
    }

    /** The broadcast result shape of {@code a} and {@code b}. */
    static Shape shape(Shape a, Shape b) {
        int rank = Math.max(a.rank(), b.rank());
        List<Dim> out = new ArrayList<>(rank);
        for (int i = 0; i < rank; i++) {
            Dim da = dimFromRight(a, rank - 1 - i);
            Dim db = dimFromRight(b, rank - 1 - i);
            out.add(merge(da, db, a, b));
        }
        return new Shape(out);
    }

    private static Dim dimFromRight(Shape s, int fromRight) {
        int i = s.rank() - 1 - fromRight;
        return i >= 0 ? s.dim(i) : Dim.of(1);
    }

    private static Dim merge(Dim a, Dim b, Shape sa, Shape sb) {
        if (a.equals(b)) {
            return a;
        }
        if (a.isFixed() && a.size() == 1) {
            return b;
        }
        if (b.isFixed() && b.size() == 1) {
            return a;
        }
        throw new OpException("shapes " + sa + " and " + sb + " cannot be broadcast together");
    }

    /**
     * For each element of {@code out} (row-major), the flat index of the element of {@code in} it reads,
     * where {@code in} broadcasts to {@code out}. Both shapes are static.
     */
    static int[] sourceIndex(Shape out, Shape in) {
        int n = Math.toIntExact(out.elementCount());
        int rank = out.rank();
        long[] inStrides = new long[rank];
        long stride = 1;
        for (int i = rank - 1; i >= 0; i--) {
            int j = in.rank() - (rank - i);
            long size = j >= 0 ? in.size(j) : 1;
            inStrides[i] = size == 1 ? 0 : stride;
            stride *= size;
        }
        long[] outSizes = out.sizes();
        int[] index = new int[n];
        long[] counter = new long[rank];
        long offset = 0;
        for (int e = 0; e < n; e++) {
            index[e] = (int) offset;
            for (int d = rank - 1; d >= 0; d--) {
                counter[d]++;
                offset += inStrides[d];
                if (counter[d] < outSizes[d]) {
                    break;
                }
                offset -= inStrides[d] * counter[d];
                counter[d] = 0;
            }
        }
        return index;
    }
}
