package dev.octet.passes.transforms;

import dev.octet.ir.Graph;
import dev.octet.ir.Node;
import dev.octet.passes.Pass;
import dev.octet.passes.PassContext;
import dev.octet.passes.PassInfo;
import java.util.List;

/**
 * Removes Identity and inference-time Dropout (whose mask result is unused): their users read the operand
 * directly. A node whose result is a graph output is kept, so that output names stay the model's interface.
 */
public final class RemoveIdentityPass implements Pass {
    public static final PassInfo INFO = new PassInfo("remove-identity", "Remove Identity and inference Dropout",
            "Makes users of Identity and Dropout (mask unused) read the operand directly, and deletes the node.",
            List.of(), options -> new RemoveIdentityPass());

    @Override
    public boolean run(Graph graph, PassContext context) {
        boolean changed = false;
        List<Node> nodes = graph.nodes();
        for (int i = 0; i < nodes.size(); ) {
            Node node = nodes.get(i);
            if (!isRemovable(node, graph)) {
                i++;
                continue;
            }
            graph.replaceAllUsesWith(node.output(0), node.input(0));
            graph.remove(node);
            context.count("nodes-removed");
            changed = true;
        }
        return changed;
    }

    private static boolean isRemovable(Node node, Graph graph) {
        boolean identityLike = node.op().equals("Identity")
                || (node.op().equals("Dropout") && (node.outputs().size() == 1
                        || graph.users(node.output(1)).isEmpty() && !graph.outputs().contains(node.output(1))));
        return identityLike && !graph.outputs().contains(node.output(0));
    }
}
