package dev.octet.backends.jvm;

/**
 * An int known at compile time up to the run-time batch and the index of the enclosing per-image loop:
 * {@code batch * perBatch + index * perIndex + constant}. Shapes, offsets and sizes in generated code are these.
 */
public record IntExpr(long perBatch, long perIndex, long constant) {
    public static final IntExpr ZERO = of(0);
    public static final IntExpr ONE = of(1);
    public static final IntExpr BATCH = new IntExpr(1, 0, 0);

    public static IntExpr of(long constant) {
        return new IntExpr(0, 0, constant);
    }

    public boolean isConstant() {
        return perBatch == 0 && perIndex == 0;
    }

    public IntExpr plus(IntExpr o) {
        return new IntExpr(perBatch + o.perBatch, perIndex + o.perIndex, constant + o.constant);
    }

    public IntExpr plus(long c) {
        return new IntExpr(perBatch, perIndex, constant + c);
    }

    /** The product, which must stay linear: at most one factor may depend on the batch or index. */
    public IntExpr times(IntExpr o) {
        if (!isConstant() && !o.isConstant()) {
            throw new CodegenException("shape expression " + this + " * " + o + " is not linear in the batch");
        }
        return isConstant() ? o.times(constant) : times(o.constant);
    }

    public IntExpr times(long c) {
        return new IntExpr(perBatch * c, perIndex * c, constant * c);
    }


    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        if (perBatch != 0) {
            sb.append(perBatch).append("*N");
        }
        if (perIndex != 0) {
            sb.append(sb.isEmpty() ? "" : "+").append(perIndex).append("*i");
        }
        if (constant != 0 || sb.isEmpty()) {
            sb.append(sb.isEmpty() ? "" : "+").append(constant);
        }
        return sb.toString();
    }
}
