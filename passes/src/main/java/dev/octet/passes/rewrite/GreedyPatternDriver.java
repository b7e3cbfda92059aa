package dev.octet.passes.rewrite;

import dev.octet.ir.Graph;
import dev.octet.ir.Node;
import dev.octet.passes.PassContext;
import java.util.List;

/**
 * Applies patterns until none matches: scan the nodes in order, rewrite at the first match, start again.
 * Every pattern must make progress (shrink or simplify the graph), so the loop ends; a bound guards against a
 * pattern that does not.
 */
public final class GreedyPatternDriver {
    private GreedyPatternDriver() {
    }

    public static boolean apply(Graph graph, List<RewritePattern> patterns, PassContext context) {
        PatternRewriter rewriter = new PatternRewriter(graph);
        boolean changed = false;
        int limit = 10 * (graph.nodes().size() + 10);
        for (int round = 0; round < limit; round++) {
            if (!applyOnce(graph, patterns, rewriter, context)) {
                return changed;
            }
            changed = true;
        }
        throw new IllegalStateException("patterns " + patterns.stream().map(RewritePattern::name).toList()
                + " did not converge");
    }

    private static boolean applyOnce(Graph graph, List<RewritePattern> patterns, PatternRewriter rewriter,
                                     PassContext context) {
        for (Node node : List.copyOf(graph.nodes())) {
            for (RewritePattern p : patterns) {
                if (p.matchAndRewrite(node, rewriter)) {
                    context.count("patterns-applied." + p.name());
                    return true;
                }
            }
        }
        return false;
    }
}
