package dev.octet.backends.jvm.lower;

import dev.octet.backends.jvm.LoweringContext;
import dev.octet.ir.Attributes;
import dev.octet.ir.Dim;
import dev.octet.ir.ElementType;
import dev.octet.ir.Graph;
import dev.octet.ir.Node;
import dev.octet.ir.Value;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * A ConvInteger whose int32 accumulators only a MaxPool reads (static quantization pools before requantizing),
 * optionally followed by the Add of a per-channel int32 bias, becomes one convIntegerMaxPool call: the kernel pools
 * each band of accumulators while it is in cache, so the full-size int32 tensor (4x the pooled one) is never
 * written, read back and pooled in separate passes. Only windows no taller or wider than their strides, without
 * padding or dilation: each pooled row then lies in one band of whole strides. The arithmetic is the graph's
 * (int32 sums less the zero-point correction, the max, a wrapping add), so the result is bit-identical.
 */
final class ConvPoolFusion implements Fusion {
    private final List<Node> nodes;
    private final ConvLowering.PooledOutput pool;

    private ConvPoolFusion(List<Node> nodes, ConvLowering.PooledOutput pool) {
        this.nodes = List.copyOf(nodes);
        this.pool = pool;
    }

    /** Every occurrence of the pattern in {@code g}; their nodes are disjoint. */
    static List<Fusion> find(Graph g, Predicate<Value> constants) {
        Map<Value, Node> onlyUser = Fusion.onlyUsers(g);
        List<Fusion> found = new ArrayList<>();
        for (Node conv : g.nodes()) {
            if (!conv.op().equals("ConvInteger") || !isI32(conv.output(0)) || rank(conv.output(0)) != 4) {
                continue;
            }
            Node maxPool = onlyUser.get(conv.output(0));
            if (maxPool == null || !maxPool.op().equals("MaxPool") || maxPool.outputs().size() != 1
                    || !isI32(maxPool.output(0)) || maxPool.input(0) != conv.output(0)) {
                continue;
            }
            long[] window = window(maxPool.attributes());
            List<Dim> pooled = maxPool.output(0).type().shape().dims();
            Dim channelDim = conv.output(0).type().shape().dims().get(1);
            if (window == null || !channelDim.isFixed() || !pooled.get(2).isFixed() || !pooled.get(3).isFixed()) {
                continue;
            }
            List<Node> chain = new ArrayList<>(List.of(conv, maxPool));
            Value result = maxPool.output(0);
            Value bias = null;
            Node add = onlyUser.get(result);
            long channels = channelDim.size();
            if (add != null && add.op().equals("Add") && isI32(add.output(0)) && add.inputs().size() == 2) {
                Value other = add.input(0) == result ? add.input(1) : add.input(0);
                if (other != result && constants.test(other) && perChannel(other, channels)) {
                    chain.add(add);
                    bias = other;
                    result = add.output(0);
                }
            }
            found.add(new ConvPoolFusion(chain, new ConvLowering.PooledOutput((int) window[0], (int) window[1],
                    (int) window[2], (int) window[3], (int) pooled.get(2).size(), (int) pooled.get(3).size(), bias,
                    result)));
        }
        return found;
    }

    /**
     * {kh, kw, sh, sw} of a MaxPool the kernel can apply: 2-d, no padding, dilation or ceil mode, windows no larger
     * than their strides; else null.
     */
    private static long[] window(Attributes a) {
        long[] kernel = a.getInts("kernel_shape");
        long[] strides = a.getInts("strides");
        long[] pads = a.getInts("pads");
        long[] dilations = a.getInts("dilations");
        String autoPad = a.getString("auto_pad", "NOTSET");
        if (kernel == null || kernel.length != 2 || a.getInt("ceil_mode", 0) != 0
                || !(autoPad.equals("NOTSET") || autoPad.equals("VALID"))) {
            return null;
        }
        if (pads != null && (pads.length != 4 || pads[0] != 0 || pads[1] != 0 || pads[2] != 0 || pads[3] != 0)) {
            return null;
        }
        if (dilations != null && (dilations.length != 2 || dilations[0] != 1 || dilations[1] != 1)) {
            return null;
        }
        long sh = strides == null ? 1 : strides[0];
        long sw = strides == null ? 1 : strides[1];
        if (kernel[0] < 1 || kernel[1] < 1 || kernel[0] > sh || kernel[1] > sw) {
            return null;
        }
        return new long[] {kernel[0], kernel[1], sh, sw};
    }

    /** A static int32 tensor of one value per channel that broadcasts along axis 1 of an NCHW tensor. */
    static boolean perChannel(Value v, long channels) {
        if (!isI32(v) || !v.type().shape().isStatic() || v.type().shape().elementCount() != channels) {
            return false;
        }
        List<Dim> dims = v.type().shape().dims();
        // Right-aligned against [N, C, H, W]: [C, 1, 1] or [1, C, 1, 1] (or a single channel's [1]...).
        return dims.size() >= 3 && dims.size() <= 4 && dims.get(dims.size() - 3).size() == channels;
    }

    private static boolean isI32(Value v) {
        return v != null && v.type().elementType() == ElementType.I32;
    }

    private static int rank(Value v) {
        return v.type().shape().dims().size();
    }

    @Override
    public List<Node> nodes() {
        return nodes;
    }

    @Override
    public void lower(LoweringContext cx) {
        ConvLowering.conv(nodes.get(0), cx, pool, null);
    }
}
