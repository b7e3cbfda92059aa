package dev.octet.ir.ops;

import dev.octet.ir.Dim;
import dev.octet.ir.OpException;
import dev.octet.ir.Shape;
import dev.octet.ir.Tensor;
import dev.octet.ir.TensorType;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code Slice(data, starts, ends, axes?, steps?)} (opset 10+ form): starts, ends, axes and steps are constants;
 * negative indices count from the end and are clamped as numpy does. A symbolic dimension may only be sliced
 * whole.
 */
final class SliceOp extends AbstractOp {
    SliceOp() {
        super(Signature.of("Slice").inputs(3, 5).build());
    }

    /** Per axis of data: start and step and the resulting size. */
    private record Plan(long[] start, long[] step, List<Dim> dims) {
    }

    private static Plan plan(OpContext ctx) {
        TensorType data = ctx.type(0);
        long[] starts = Axes.ints(ctx, 1, "starts");
        long[] ends = Axes.ints(ctx, 2, "ends");
        long[] axesGiven = Axes.ints(ctx, 3, "axes");
        long[] steps = Axes.ints(ctx, 4, "steps");
        int n = starts.length;
        if (ends.length != n || (axesGiven != null && axesGiven.length != n) || (steps != null && steps.length != n)) {
            throw new OpException("starts, ends, axes and steps must have the same length");
        }
        int rank = data.rank();
        long[] start = new long[rank];
        long[] step = new long[rank];
        java.util.Arrays.fill(step, 1);
        List<Dim> dims = new ArrayList<>(data.shape().dims());
        int[] axes = axesGiven == null ? java.util.stream.IntStream.range(0, n).toArray() : Axes.normalize(axesGiven, rank);
        for (int i = 0; i < n; i++) {
            int a = axes[i];
            long st = steps == null ? 1 : steps[i];
            if (st == 0) {
                throw new OpException("slice step must not be 0");
            }
            Dim d = data.shape().dim(a);
            if (!d.isFixed()) {
                if (starts[i] == 0 && st == 1 && ends[i] >= Integer.MAX_VALUE) {
                    continue;
                }
                throw new OpException("cannot slice symbolic dimension " + d + " of " + data);
            }
            long size = d.size();
            long s = clamp(starts[i] < 0 ? starts[i] + size : starts[i], st > 0 ? 0 : -1, st > 0 ? size : size - 1);
            long e = clamp(ends[i] < 0 ? ends[i] + size : ends[i], st > 0 ? 0 : -1, st > 0 ? size : size - 1);
            long count = st > 0 ? Math.max(0, Math.ceilDiv(e - s, st)) : Math.max(0, Math.ceilDiv(s - e, -st));
            start[a] = s;
            step[a] = st;
            dims.set(a, Dim.of(count));
        }
        return new Plan(start, step, dims);
    }

    private static long clamp(long v, long lo, long hi) {
        return Math.max(lo, Math.min(hi, v));
    }

    @Override
    public List<TensorType> inferTypes(OpContext ctx) {
        TensorType data = ctx.type(0);
        return List.of(new TensorType(data.elementType(), new Shape(plan(ctx).dims()), ReshapeOp.keepPerTensor(data)));
    }

    @Override
    public List<Tensor> evaluate(OpContext ctx, List<TensorType> outputTypes) {
        Tensor x = ctx.value(0);
        Plan p = plan(ctx);
        TensorType outType = outputTypes.get(0);
        long[] outSizes = outType.shape().sizes();
        long[] inStrides = Axes.strides(x.shape().sizes());
        int n = Tensor.checkedCount(outType);
        Object out = Tensor.allocate(outType.elementType(), n);
        long[] idx = new long[outSizes.length];
        for (int e = 0; e < n; e++) {
            long src = 0;
            for (int d = 0; d < idx.length; d++) {
                src += (p.start()[d] + idx[d] * p.step()[d]) * inStrides[d];
            }
            Axes.copy(x, (int) src, out, e);
            for (int d = idx.length - 1; d >= 0; d--) {
                if (++idx[d] < outSizes[d]) {
                    break;
                }
                idx[d] = 0;
            }
        }
        return List.of(Tensor.of(outType, out));
    }
}
