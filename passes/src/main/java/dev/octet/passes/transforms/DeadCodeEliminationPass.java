package dev.octet.passes.transforms;

import dev.octet.ir.Graph;
import dev.octet.ir.Node;
import dev.octet.ir.Value;
import dev.octet.passes.Pass;
import dev.octet.passes.PassContext;
import dev.octet.passes.PassInfo;
import java.util.List;
import java.util.Map;

/**
 * Removes nodes none of whose results is used by another node or returned. All ops are free of side effects,
 * so this is always safe. One backward sweep suffices: removing a node can only make earlier nodes dead.
 */
public final class DeadCodeEliminationPass implements Pass {
    public static final PassInfo INFO = new PassInfo("dce", "Remove nodes whose results are unused",
            "Deletes every node none of whose results is used by another node or by the graph's outputs.",
            List.of(), options -> new DeadCodeEliminationPass());

    @Override
    public boolean run(Graph graph, PassContext context) {
        Map<Value, Integer> uses = graph.useCounts();
        List<Node> nodes = graph.nodes();
        boolean changed = false;
        for (int i = nodes.size() - 1; i >= 0; i--) {
            Node n = nodes.get(i);
            if (n.outputs().stream().allMatch(v -> uses.getOrDefault(v, 0) == 0)) {
                for (Value in : n.inputs()) {
                    if (in != null) {
                        uses.merge(in, -1, Integer::sum);
                    }
                }
                graph.remove(n);
                context.count("nodes-removed");
                changed = true;
            }
        }
        return changed;
    }
}
