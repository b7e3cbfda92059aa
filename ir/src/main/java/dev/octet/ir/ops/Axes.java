package dev.octet.ir.ops;

import dev.octet.ir.ElementType;
import dev.octet.ir.OpException;
import dev.octet.ir.Tensor;
import java.util.Arrays;

/** Reading the constant integer operands that shape ops take (axes, starts, shapes, ...). */
final class Axes {
    private Axes() {
    }

    /** The values of constant operand {@code i}, an i64 (or i32) tensor of rank 0 or 1; null if absent. */
    static long[] ints(OpContext ctx, int i, String what) {
        if (!ctx.hasInput(i)) {
            return null;
        }
        TypeRules.requireElement(ctx.type(i), what, ElementType.I64, ElementType.I32);
        Tensor t = ctx.requireValue(i, what);
        if (t.shape().rank() > 1) {
            throw new OpException(what + " must be a scalar or 1-D, got " + t.type());
        }
        return t.toLongs();
    }

    /** Normalizes axes against {@code rank}, rejecting duplicates. */
    static int[] normalize(long[] axes, int rank) {
        int[] out = new int[axes.length];
        boolean[] seen = new boolean[rank];
        for (int i = 0; i < axes.length; i++) {
            long a = axes[i] < 0 ? axes[i] + rank : axes[i];
            if (a < 0 || a >= rank || seen[(int) a]) {
                throw new OpException("axes " + Arrays.toString(axes) + " are invalid for rank " + rank);
            }
            seen[(int) a] = true;
            out[i] = (int) a;
        }
        return out;
    }

    /** Row-major strides of static sizes. */
    static long[] strides(long[] sizes) {
        long[] s = new long[sizes.length];
        long stride = 1;
        for (int i = sizes.length - 1; i >= 0; i--) {
            s[i] = stride;
            stride *= sizes[i];
        }
        return s;
    }

    /** Copies one element, whatever the storage type. */
    static void copy(Tensor from, int fromIndex, Object to, int toIndex) {
        Object src = switch (from.elementType()) {
            case F32 -> from.floats();
            case F16, I16 -> from.shorts();
            case I8, U8, BOOL -> from.bytes();
            case I32 -> from.ints();
            case I64 -> from.longs();
        };
        System.arraycopy(src, fromIndex, to, toIndex, 1);
    }
}
