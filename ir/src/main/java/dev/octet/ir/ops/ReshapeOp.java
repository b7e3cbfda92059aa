package dev.octet.ir.ops;

import dev.octet.ir.Attribute;
import dev.octet.ir.Dim;
import dev.octet.ir.ElementType;
import dev.octet.ir.OpException;
import dev.octet.ir.Quantization;
import dev.octet.ir.Shape;
import dev.octet.ir.Tensor;
import dev.octet.ir.TensorType;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code Reshape(data, shape) {allowzero}}: the target shape must be a constant i64 tensor. 0 copies the input
 * dimension (unless allowzero), -1 is inferred. With a symbolic batch dimension, -1 may stand for it when the
 * static parts of both shapes have the same size.
 */
final class ReshapeOp extends AbstractOp {
    ReshapeOp() {
        super(Signature.of("Reshape").inputs(2)
            .attr("allowzero", Attribute.Kind.INT).build());
    }

    @Override
    public List<TensorType> inferTypes(OpContext ctx) {
        TensorType data = ctx.type(0);
        TypeRules.requireElement(ctx.type(1), "shape", ElementType.I64);
        Tensor target = ctx.requireValue(1, "shape");
        if (target.shape().rank() != 1) {
            throw new OpException("shape must be a 1-D tensor, got " + target.type());
        }
        boolean allowZero = ctx.attrs().getInt("allowzero", 0) != 0;
        List<Dim> out = new ArrayList<>();
        int inferred = -1;
        for (int i = 0; i < target.size(); i++) {
            long d = target.getLong(i);
            if (d == -1) {
                if (inferred >= 0) {
                    throw new OpException("shape has more than one -1");
                }
                inferred = i;
                out.add(null);
            } else if (d == 0 && !allowZero) {
                if (i >= data.rank()) {
                    throw new OpException("shape copies dimension " + i + " (0) but the input has rank " + data.rank());
                }
                out.add(data.shape().dim(i));
            } else if (d < 0) {
                throw new OpException("shape has invalid dimension " + d);
            } else {
                out.add(Dim.of(d));
            }
        }
        Shape result = resolve(data.shape(), out, inferred);
        return List.of(new TensorType(data.elementType(), result, keepPerTensor(data)));
    }

    /** Fills in the -1 entry and checks that the element counts agree. */
    private static Shape resolve(Shape in, List<Dim> out, int inferred) {
        ShapeParts pin = ShapeParts.of(in.dims());
        ShapeParts pout = ShapeParts.of(out.stream().filter(d -> d != null).toList());
        if (inferred >= 0) {
            List<String> missing = pin.symbols();
            missing.removeAll(pout.symbols());
            List<String> extra = pout.symbols();
            extra.removeAll(pin.symbols());
            if (!extra.isEmpty() || missing.size() > 1 || pout.product == 0 || pin.product % pout.product != 0) {
                throw new OpException("cannot reshape " + in + " to " + describe(out));
            }
            long fixed = pin.product / pout.product;
            if (missing.isEmpty()) {
                out.set(inferred, Dim.of(fixed));
            } else if (fixed == 1) {
                out.set(inferred, Dim.symbol(missing.getFirst()));
            } else {
                throw new OpException("cannot reshape " + in + " to " + describe(out)
                        + ": -1 would be a multiple of " + missing.getFirst());
            }
            pout = ShapeParts.of(out);
        }
        if (pin.product != pout.product || !pin.sortedSymbols().equals(pout.sortedSymbols())) {
            throw new OpException("cannot reshape " + in + " to " + new Shape(out) + ": element counts differ");
        }
        return new Shape(out);
    }

    private static String describe(List<Dim> dims) {
        return dims.stream().map(d -> d == null ? "-1" : d.toString()).toList().toString().replace(" ", "");
    }

    /** Reshaping keeps per-tensor quantization; per-axis parameters have no axis left to follow. */
    static Quantization keepPerTensor(TensorType in) {
        if (in.quantization() instanceof Quantization.PerAxis) {
            throw new OpException("cannot reshape a per-axis quantized tensor " + in);
        }
        return in.quantization();
    }

    @Override
    public List<Tensor> evaluate(OpContext ctx, List<TensorType> outputTypes) {
        return List.of(ctx.value(0).withType(outputTypes.get(0)));
    }

    /** The static product and the symbols of a list of dimensions. */
    record ShapeParts(long product, List<String> symbolList) {
        static ShapeParts of(List<Dim> dims) {
            long p = 1;
            List<String> symbols = new ArrayList<>();
            for (Dim d : dims) {
                if (d instanceof Dim.Symbol s) {
                    symbols.add(s.name());
                } else {
                    p = Math.multiplyExact(p, d.size());
                }
            }
            return new ShapeParts(p, symbols);
        }

        List<String> symbols() {
            return new ArrayList<>(symbolList);
        }

        List<String> sortedSymbols() {
            return symbolList.stream().sorted().toList();
        }
    }
}
