package dev.octet.ir.ops;

import dev.octet.ir.Attribute;
import dev.octet.ir.Tensor;
import dev.octet.ir.TensorType;
import java.util.List;

/**
 * MaxPool and AveragePool over the spatial dimensions, sharing {@link ConvGeometry} with Conv (ceil_mode, pads,
 * auto_pad, dilations). MaxPool ignores padding; AveragePool counts it only with count_include_pad.
 */
final class PoolOp extends AbstractOp {
    private final boolean max;

    PoolOp(boolean max) {
        super(Signature.of(max ? "MaxPool" : "AveragePool").inputs(1)
                .attr("auto_pad", Attribute.Kind.STRING).attr("ceil_mode", Attribute.Kind.INT)
                .attr("dilations", Attribute.Kind.INTS).requiredAttr("kernel_shape", Attribute.Kind.INTS)
                .attr("pads", Attribute.Kind.INTS).attr("strides", Attribute.Kind.INTS)
                .attr(max ? "storage_order" : "count_include_pad", Attribute.Kind.INT).build());
        this.max = max;
    }

    private static ConvGeometry geometry(TensorType x, OpContext ctx) {
        return new ConvGeometry(x.shape(), ctx.attrs().getInts("kernel_shape"), ctx.attrs(),
                ctx.attrs().getInt("ceil_mode", 0) != 0);
    }

    @Override
    public List<TensorType> inferTypes(OpContext ctx) {
        TensorType x = ctx.type(0);
        if (!max || !x.elementType().isInteger()) {
            TypeRules.requireFloat(x, "X");
        }
        ConvGeometry g = geometry(x, ctx);
        return List.of(new TensorType(x.elementType(), g.outputShape(x.shape().dim(0), x.shape().dim(1)),
                ReshapeOp.keepPerTensor(x)));
    }

    @Override
    public List<Tensor> evaluate(OpContext ctx, List<TensorType> outputTypes) {
        Tensor x = ctx.value(0);
        ConvGeometry g = geometry(x.type(), ctx);
        int[] table = g.indexTable();
        int planes = (int) (x.shape().size(0) * x.shape().size(1));
        int inPlane = g.inputPositions();
        int positions = g.outputPositions();
        int ks = g.kernelSize();
        boolean includePad = ctx.attrs().getInt("count_include_pad", 0) != 0;
        double[] xs = x.toDoubles();
        double[] y = new double[planes * positions];
        for (int plane = 0; plane < planes; plane++) {
            for (int p = 0; p < positions; p++) {
                double acc = max ? Double.NEGATIVE_INFINITY : 0;
                int count = 0;
                for (int k = 0; k < ks; k++) {
                    int idx = table[p * ks + k];
                    if (idx >= 0) {
                        double v = xs[plane * inPlane + idx];
                        acc = max ? Math.max(acc, v) : acc + v;
                        count++;
                    } else if (idx == ConvGeometry.PAD && includePad) {
                        count++;
                    }
                }
                y[plane * positions + p] = max ? acc : acc / count;
            }
        }
        return List.of(Tensor.fromDoubles(outputTypes.get(0), y));
    }
}
