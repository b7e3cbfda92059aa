package dev.octet.ir.ops;

import dev.octet.ir.Dim;
import dev.octet.ir.OpException;
import dev.octet.ir.Shape;
import java.util.ArrayList;
import java.util.List;

/**
 * Numpy matmul shape rules shared by MatMul and MatMulInteger: a rank-1 left operand is a row, a rank-1 right
 * operand a column (both dropped from the result), leading dimensions broadcast. With static shapes it also
 * gives, per batch, where each operand's matrix starts.
 */
final class MatMulShape {
    final Shape result;
    final Shape batch;
    final Dim m;
    final Dim k;
    final Dim n;
    private final Shape aBatch;
    private final Shape bBatch;

    MatMulShape(Shape a, Shape b) {
        if (a.rank() == 0 || b.rank() == 0) {
            throw new OpException("matmul operands must have rank >= 1, got " + a + " and " + b);
        }
        List<Dim> ad = new ArrayList<>(a.dims());
        List<Dim> bd = new ArrayList<>(b.dims());
        boolean rowVector = ad.size() == 1;
        boolean columnVector = bd.size() == 1;
        if (rowVector) {
            ad.addFirst(Dim.of(1));
        }
        if (columnVector) {
            bd.add(Dim.of(1));
        }
        m = ad.get(ad.size() - 2);
        k = ad.getLast();
        Dim kb = bd.get(bd.size() - 2);
        n = bd.getLast();
        if (!k.equals(kb)) {
            throw new OpException("matmul inner dimensions differ: " + a + " times " + b);
        }
        aBatch = new Shape(ad.subList(0, ad.size() - 2));
        bBatch = new Shape(bd.subList(0, bd.size() - 2));
        batch = Broadcast.shape(aBatch, bBatch);
        List<Dim> out = new ArrayList<>(batch.dims());
        if (!rowVector) {
            out.add(m);
        }
        if (!columnVector) {
            out.add(n);
        }
        result = new Shape(out);
    }

    int batchCount() {
        return Math.toIntExact(batch.elementCount());
    }

    /** Element offset of the left matrix for each batch (static shapes only). */
    int[] aOffsets() {
        return offsets(aBatch, m.size() * k.size());
    }

    int[] bOffsets() {
        return offsets(bBatch, k.size() * n.size());
    }

    private int[] offsets(Shape operandBatch, long matrixSize) {
        int[] idx = Broadcast.sourceIndex(batch, operandBatch);
        for (int i = 0; i < idx.length; i++) {
            idx[i] = Math.toIntExact(idx[i] * matrixSize);
        }
        return idx;
    }
}
