package dev.octet.passes;

import dev.octet.ir.Graph;

/**
 * A graph-to-graph transformation. A pass reports whether it changed the graph; the pass manager checks
 * (when asked to) that "unchanged" really means unchanged, and verifies the graph after every pass.
 */
@FunctionalInterface
public interface Pass {
    boolean run(Graph graph, PassContext context);
}
