package dev.octet.backends.jvm.lower;

import dev.octet.backends.jvm.IntExpr;
import java.util.ArrayList;
import java.util.List;

/**
 * An iteration space with one stride vector per operand, collapsed to the four dimensions the strided kernels
 * take: size-1 dimensions are dropped and neighbours that are contiguous for every operand merged.
 */
record StridedView(IntExpr[] dims, IntExpr[][] strides) {
    static final int RANK = 4;

    static IntExpr[] contiguousStrides(IntExpr[] dims) {
        IntExpr[] s = new IntExpr[dims.length];
        IntExpr acc = IntExpr.ONE;
        for (int i = dims.length - 1; i >= 0; i--) {
            s[i] = acc;
            acc = acc.times(dims[i]);
        }
        return s;
    }

    /** Null when more than four dimensions remain. */
    static StridedView collapse(IntExpr[] dims, IntExpr[]... strides) {
        List<IntExpr> d = new ArrayList<>();
        List<List<IntExpr>> s = new ArrayList<>();
        for (int op = 0; op < strides.length; op++) {
            s.add(new ArrayList<>());
        }
        for (int i = 0; i < dims.length; i++) {
            if (dims[i].equals(IntExpr.ONE)) {
                continue;
            }
            int last = d.size() - 1;
            boolean merge = last >= 0;
            for (int op = 0; op < strides.length && merge; op++) {
                merge = s.get(op).get(last).equals(strides[op][i].times(dims[i]));
            }
            if (merge && (d.get(last).isConstant() || dims[i].isConstant())) {
                d.set(last, d.get(last).times(dims[i]));
                for (int op = 0; op < strides.length; op++) {
                    s.get(op).set(last, strides[op][i]);
                }
            } else {
                d.add(dims[i]);
                for (int op = 0; op < strides.length; op++) {
                    s.get(op).add(strides[op][i]);
                }
            }
        }
        if (d.size() > RANK) {
            return null;
        }
        IntExpr[] outDims = new IntExpr[RANK];
        IntExpr[][] outStrides = new IntExpr[strides.length][RANK];
        int pad = RANK - d.size();
        for (int i = 0; i < RANK; i++) {
            outDims[i] = i < pad ? IntExpr.ONE : d.get(i - pad);
            for (int op = 0; op < strides.length; op++) {
                outStrides[op][i] = i < pad ? IntExpr.ZERO : s.get(op).get(i - pad);
            }
        }
        return new StridedView(outDims, outStrides);
    }

    /** Arguments: the four dimensions, then each operand's four strides. */
    List<Object> args() {
        List<Object> out = new ArrayList<>(List.of(dims));
        for (IntExpr[] s : strides) {
            out.addAll(List.of(s));
        }
        return out;
    }
}
