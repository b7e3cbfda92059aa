package dev.octet.ir.ops;

import dev.octet.ir.Attribute;
import dev.octet.ir.Dim;
import dev.octet.ir.OpException;
import dev.octet.ir.Shape;
import dev.octet.ir.Tensor;
import dev.octet.ir.TensorType;
import java.util.List;

/**
 * {@code Gemm(A, B, C?) {alpha, beta, transA, transB}}: {@code alpha * A' B' + beta * C} on 2-D float tensors,
 * C broadcast to the result. Products are summed in double and rounded once.
 */
final class GemmOp extends AbstractOp {
    private final boolean fused;

    /** Gemm, or with {@code fused} FusedGemm: Gemm followed by its {@link FusedActivation}. */
    GemmOp(boolean fused) {
        super(signature(fused));
        this.fused = fused;
    }

    private static Signature signature(boolean fused) {
        Signature.Builder b = Signature.of(fused ? "FusedGemm" : "Gemm").inputs(2, 3)
                .attr("alpha", Attribute.Kind.FLOAT).attr("beta", Attribute.Kind.FLOAT)
                .attr("transA", Attribute.Kind.INT).attr("transB", Attribute.Kind.INT);
        return (fused ? FusedActivation.addAttributes(b) : b).build();
    }

    @Override
    public List<TensorType> inferTypes(OpContext ctx) {
        TensorType a = ctx.type(0);
        TensorType b = ctx.type(1);
        TypeRules.requireFloat(a, "A");
        TypeRules.requireSameElement(a, b, "A and B");
        TypeRules.requireRank(a, "A", 2);
        TypeRules.requireRank(b, "B", 2);
        boolean ta = ctx.attrs().getInt("transA", 0) != 0;
        boolean tb = ctx.attrs().getInt("transB", 0) != 0;
        Dim m = a.shape().dim(ta ? 1 : 0);
        Dim ka = a.shape().dim(ta ? 0 : 1);
        Dim kb = b.shape().dim(tb ? 1 : 0);
        Dim n = b.shape().dim(tb ? 0 : 1);
        if (!ka.equals(kb)) {
            throw new OpException("inner dimensions differ: A " + a.shape() + (ta ? " transposed" : "")
                    + ", B " + b.shape() + (tb ? " transposed" : ""));
        }
        Shape out = new Shape(List.of(m, n));
        if (fused) {
            FusedActivation.of(ctx.attrs());
        }
        if (ctx.hasInput(2)) {
            TensorType c = ctx.type(2);
            TypeRules.requireSameElement(a, c, "A and C");
            if (!Broadcast.shape(out, c.shape()).equals(out)) {
                throw new OpException("C " + c.shape() + " does not broadcast to the result " + out);
            }
        }
        return List.of(TensorType.of(a.elementType(), out));
    }

    @Override
    public List<Tensor> evaluate(OpContext ctx, List<TensorType> outputTypes) {
        Tensor a = ctx.value(0);
        Tensor b = ctx.value(1);
        boolean ta = ctx.attrs().getInt("transA", 0) != 0;
        boolean tb = ctx.attrs().getInt("transB", 0) != 0;
        double alpha = ctx.attrs().getFloat("alpha", 1f);
        double beta = ctx.attrs().getFloat("beta", 1f);
        TensorType outType = outputTypes.get(0);
        int m = (int) outType.shape().size(0);
        int n = (int) outType.shape().size(1);
        int k = (int) a.shape().size(ta ? 0 : 1);
        double[] av = a.toDoubles();
        double[] bv = b.toDoubles();
        Tensor c = ctx.value(2);
        int[] ci = c == null ? null : Broadcast.sourceIndex(outType.shape(), c.shape());
        double[] out = new double[m * n];
        java.util.function.DoubleUnaryOperator act = fused ? FusedActivation.of(ctx.attrs()) : v -> v;
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double acc = 0;
                for (int p = 0; p < k; p++) {
                    acc += av[ta ? p * m + i : i * k + p] * bv[tb ? j * k + p : p * n + j];
                }
                double r = alpha * acc;
                if (c != null) {
                    r += beta * c.getDouble(ci[i * n + j]);
                }
                out[i * n + j] = act.applyAsDouble(r);
            }
        }
        return List.of(Tensor.fromDoubles(outType, out));
    }
}
