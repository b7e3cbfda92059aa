package dev.octet.ir.ops;

import dev.octet.ir.Tensor;
import dev.octet.ir.TensorType;
import java.util.List;

/** {@code MatMul(a, b)} on float tensors with numpy semantics; products are summed in double. */
final class MatMulOp extends AbstractOp {
    MatMulOp() {
        super(Signature.of("MatMul").inputs(2).build());
    }

    @Override
    public List<TensorType> inferTypes(OpContext ctx) {
        TensorType a = ctx.type(0);
        TensorType b = ctx.type(1);
        TypeRules.requireFloat(a, "operand 0");
        TypeRules.requireSameElement(a, b, "operands");
        return List.of(TensorType.of(a.elementType(), new MatMulShape(a.shape(), b.shape()).result));
    }

    @Override
    public List<Tensor> evaluate(OpContext ctx, List<TensorType> outputTypes) {
        Tensor a = ctx.value(0);
        Tensor b = ctx.value(1);
        MatMulShape s = new MatMulShape(a.shape(), b.shape());
        int m = (int) s.m.size();
        int k = (int) s.k.size();
        int n = (int) s.n.size();
        int[] aOff = s.aOffsets();
        int[] bOff = s.bOffsets();
        double[] av = a.toDoubles();
        double[] bv = b.toDoubles();
        double[] out = new double[s.batchCount() * m * n];
        for (int batch = 0; batch < aOff.length; batch++) {
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < n; j++) {
                    double acc = 0;
                    for (int p = 0; p < k; p++) {
                        acc += av[aOff[batch] + i * k + p] * bv[bOff[batch] + p * n + j];
                    }
                    out[(batch * m + i) * n + j] = acc;
                }
            }
        }
        return List.of(Tensor.fromDoubles(outputTypes.get(0), out));
    }
}
