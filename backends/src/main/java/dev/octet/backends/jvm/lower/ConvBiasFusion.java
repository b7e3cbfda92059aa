package dev.octet.backends.jvm.lower;

import dev.octet.backends.jvm.LoweringContext;
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
 * A ConvInteger whose int32 accumulators only an Add of a constant per-channel bias reads (a statically quantized
 * convolution not followed by a pooling ConvPoolFusion takes) becomes one convInteger call: the bias joins the
 * per-channel correction the kernel subtracts as the sums leave it, instead of a second pass over the result.
 * Bit-identical, as in {@link MatMulBiasFusion}.
 */
final class ConvBiasFusion implements Fusion {
    private final Node conv;
    private final Node add;
    private final Value bias;

    private ConvBiasFusion(Node conv, Node add, Value bias) {
        this.conv = conv;
        this.add = add;
        this.bias = bias;
    }

    /** Every occurrence of the pattern in {@code g}; their nodes are disjoint. */
    static List<Fusion> find(Graph g, Predicate<Value> constants) {
        Map<Value, Node> onlyUser = Fusion.onlyUsers(g);
        List<Fusion> found = new ArrayList<>();
        for (Node conv : g.nodes()) {
            Value acc = conv.output(0);
            if (!conv.op().equals("ConvInteger") || acc.type().elementType() != ElementType.I32
                    || acc.type().shape().dims().size() != 4) {
                continue;
            }
            Dim channels = acc.type().shape().dims().get(1);
            Node add = onlyUser.get(acc);
            if (add == null || !add.op().equals("Add") || add.inputs().size() != 2 || !channels.isFixed()
                    || !add.output(0).type().shape().equals(acc.type().shape())
                    || add.output(0).type().elementType() != ElementType.I32) {
                continue;
            }
            Value other = add.input(0) == acc ? add.input(1) : add.input(0);
            if (other != acc && constants.test(other) && ConvPoolFusion.perChannel(other, channels.size())) {
                found.add(new ConvBiasFusion(conv, add, other));
            }
        }
        return found;
    }

    @Override
    public List<Node> nodes() {
        return List.of(conv, add);
    }

    @Override
    public void lower(LoweringContext cx) {
        ConvLowering.conv(conv, cx, null, new ConvLowering.BiasedOutput(bias, add.output(0)));
    }
}
