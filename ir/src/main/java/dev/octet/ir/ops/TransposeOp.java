package dev.octet.ir.ops;

import dev.octet.ir.Attribute;
import dev.octet.ir.Dim;
import dev.octet.ir.OpException;
import dev.octet.ir.Quantization;
import dev.octet.ir.Shape;
import dev.octet.ir.Tensor;
import dev.octet.ir.TensorType;
import java.util.ArrayList;
import java.util.List;

/** {@code Transpose(x) {perm}}: permutes dimensions, reversing them when perm is absent. */
final class TransposeOp extends AbstractOp {
    TransposeOp() {
        super(Signature.of("Transpose").inputs(1)
            .attr("perm", Attribute.Kind.INTS).build());
    }

    static int[] permutation(OpContext ctx, int rank) {
        long[] perm = ctx.attrs().getInts("perm");
        int[] p = new int[rank];
        if (perm == null) {
            for (int i = 0; i < rank; i++) {
                p[i] = rank - 1 - i;
            }
            return p;
        }
        if (perm.length != rank) {
            throw new OpException("perm has " + perm.length + " entries for rank " + rank);
        }
        boolean[] seen = new boolean[rank];
        for (int i = 0; i < rank; i++) {
            if (perm[i] < 0 || perm[i] >= rank || seen[(int) perm[i]]) {
                throw new OpException("perm " + java.util.Arrays.toString(perm) + " is not a permutation");
            }
            seen[(int) perm[i]] = true;
            p[i] = (int) perm[i];
        }
        return p;
    }

    @Override
    public List<TensorType> inferTypes(OpContext ctx) {
        TensorType in = ctx.type(0);
        int[] p = permutation(ctx, in.rank());
        List<Dim> out = new ArrayList<>();
        for (int axis : p) {
            out.add(in.shape().dim(axis));
        }
        Quantization q = in.quantization();
        if (q instanceof Quantization.PerAxis pa) {
            int newAxis = 0;
            while (p[newAxis] != pa.axis()) {
                newAxis++;
            }
            q = pa.withAxis(newAxis);
        }
        return List.of(new TensorType(in.elementType(), new Shape(out), q));
    }

    @Override
    public List<Tensor> evaluate(OpContext ctx, List<TensorType> outputTypes) {
        Tensor x = ctx.value(0);
        int rank = x.shape().rank();
        int[] p = permutation(ctx, rank);
        long[] inSizes = x.shape().sizes();
        long[] inStrides = new long[rank];
        long stride = 1;
        for (int i = rank - 1; i >= 0; i--) {
            inStrides[i] = stride;
            stride *= inSizes[i];
        }
        // Walk the output in order; the input offset follows the permuted strides.
        long[] outSizes = outputTypes.get(0).shape().sizes();
        Object out = Tensor.allocate(x.elementType(), x.size());
        Object in = rawData(x);
        long[] counter = new long[rank];
        long offset = 0;
        for (int e = 0; e < x.size(); e++) {
            System.arraycopy(in, (int) offset, out, e, 1);
            for (int d = rank - 1; d >= 0; d--) {
                counter[d]++;
                offset += inStrides[p[d]];
                if (counter[d] < outSizes[d]) {
                    break;
                }
                offset -= inStrides[p[d]] * counter[d];
                counter[d] = 0;
            }
        }
        return List.of(Tensor.of(outputTypes.get(0), out));
    }

    private static Object rawData(Tensor t) {
        return switch (t.elementType()) {
            case F32 -> t.floats();
            case F16, I16 -> t.shorts();
            case I8, U8, BOOL -> t.bytes();
            case I32 -> t.ints();
            case I64 -> t.longs();
        };
    }
}
