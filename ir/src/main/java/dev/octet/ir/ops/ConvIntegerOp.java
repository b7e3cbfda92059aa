package dev.octet.ir.ops;

import dev.octet.ir.ElementType;
import dev.octet.ir.OpException;
import dev.octet.ir.Tensor;
import dev.octet.ir.TensorType;
import java.util.List;

/**
 * ConvInteger (int32 result) and QLinearConv (requantized result), one class: both accumulate
 * {@code (x - x_zp) * (w - w_zp)} in int32 over Conv's geometry; QLinearConv adds its int32 bias and requantizes
 * with the (possibly per-output-channel) weight scale.
 *
 * <pre>
 *   ConvInteger(x, w, x_zero_point?, w_zero_point?)
 *   QLinearConv(x, x_scale, x_zero_point, w, w_scale, w_zero_point, y_scale, y_zero_point, B?)
 * </pre>
 */
final class ConvIntegerOp extends AbstractOp {
    private final boolean qlinear;
    private final int x;
    private final int xZp;
    private final int w;
    private final int wZp;

    ConvIntegerOp(boolean qlinear) {
        super(qlinear ? ConvOp.convSignature("QLinearConv", 8, 9) : ConvOp.convSignature("ConvInteger", 2, 4));
        this.qlinear = qlinear;
        this.x = 0;
        this.xZp = 2;
        this.w = qlinear ? 3 : 1;
        this.wZp = qlinear ? 5 : 3;
    }

    @Override
    public List<TensorType> inferTypes(OpContext ctx) {
        TensorType xt = ctx.type(x);
        TensorType wt = ctx.type(w);
        TypeRules.requireElement(xt, "x", ElementType.I8, ElementType.U8);
        TypeRules.requireElement(wt, "w", ElementType.I8, ElementType.U8);
        ConvGeometry g = ConvOp.checkWeights(xt, wt, ctx);
        for (int zp : new int[] {xZp, wZp}) {
            if (ctx.hasInput(zp)) {
                TypeRules.requireSameElement(ctx.type(zp == xZp ? x : w), ctx.type(zp), "an operand and its zero point");
            }
        }
        if (ctx.hasInput(xZp) && ctx.type(xZp).shape().isStatic() && ctx.type(xZp).shape().elementCount() != 1) {
            throw new OpException("x_zero_point must be a scalar, got " + ctx.type(xZp));
        }
        ElementType out = ElementType.I32;
        if (qlinear) {
            TypeRules.requireElement(ctx.type(7), "y_zero_point", ElementType.I8, ElementType.U8);
            out = ctx.type(7).elementType();
            if (ctx.hasInput(8)) {
                TypeRules.requireElement(ctx.type(8), "B", ElementType.I32);
                ConvOp.checkBias(ctx, 8, wt);
            }
        }
        return List.of(TensorType.of(out, g.outputShape(xt.shape().dim(0), wt.shape().dim(0))));
    }

    @Override
    public List<Tensor> evaluate(OpContext ctx, List<TensorType> outputTypes) {
        Tensor xv = ctx.value(x);
        Tensor wv = ctx.value(w);
        ConvGeometry g = ConvOp.checkWeights(xv.type(), wv.type(), ctx);
        ConvLoop loop = new ConvLoop(xv.shape(), wv.shape(), (int) ctx.attrs().getInt("group", 1), g);
        int[] table = g.indexTable();
        long[] xs = xv.toLongs();
        long[] ws = wv.toLongs();
        int xZero = ctx.value(xZp) == null ? 0 : (int) ctx.value(xZp).getLong(0);
        int[] wZero = MatMulIntegerOp.zeroPoints(ctx.value(wZp), loop.outChannels);
        Tensor bias = qlinear ? ctx.value(8) : null;
        int[] acc = new int[loop.outputSize()];
        loop.forEachOutput((out, n, m, xBase, wBase, p) -> {
            int sum = bias == null ? 0 : (int) bias.getLong(m);
            for (int c = 0; c < loop.channelsPerGroup; c++) {
                int xc = xBase + c * loop.inPlane;
                int wc = wBase + c * loop.kernelSize;
                for (int k = 0; k < loop.kernelSize; k++) {
                    int idx = table[p * loop.kernelSize + k];
                    // Padding holds the zero point, which contributes nothing.
                    if (idx >= 0) {
                        sum += ((int) xs[xc + idx] - xZero) * ((int) ws[wc + k] - wZero[m]);
                    }
                }
            }
            acc[out] = sum;
        });
        TensorType outType = outputTypes.get(0);
        if (!qlinear) {
            return List.of(Tensor.of(outType, acc));
        }
        int positions = loop.positions;
        int channels = loop.outChannels;
        return List.of(Requantize.tensor(outType, acc, ctx.value(1).floats()[0], ctx.value(4),
                ctx.value(6).floats()[0], ctx.value(7).getLong(0), i -> (i / positions) % channels));
    }
}
