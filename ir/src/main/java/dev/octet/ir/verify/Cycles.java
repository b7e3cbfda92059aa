package dev.octet.ir.verify;

import dev.octet.ir.Graph;
import dev.octet.ir.Node;
import dev.octet.ir.Value;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Finds a dependency cycle through a given node, for the verifier's error message. */
final class Cycles {
    private Cycles() {
    }

    /**
     * The nodes of a cycle that starts and ends at {@code start}, or an empty list if there is none. The search
     * walks from consumers to producers; {@code consumerOf} remembers the way back.
     */
    static List<Node> find(Graph graph, Node start) {
        Map<Value, Node> producers = graph.producers();
        Map<Node, Node> consumerOf = new IdentityHashMap<>();
        Set<Node> visited = Collections.newSetFromMap(new IdentityHashMap<>());
        Deque<Node> work = new ArrayDeque<>();
        work.push(start);
        visited.add(start);
        while (!work.isEmpty()) {
            Node n = work.pop();
            for (Value v : n.inputs()) {
                Node p = v == null ? null : producers.get(v);
                if (p == null) {
                    continue;
                }
                if (p == start) {
                    List<Node> path = new ArrayList<>();
                    path.add(start);
                    for (Node cur = n; cur != start; cur = consumerOf.get(cur)) {
                        path.add(cur);
                    }
                    path.add(start);
                    return path; // in data-flow order: each node feeds the next

                }
                if (visited.add(p)) {
                    consumerOf.put(p, n);
                    work.push(p);
                }
            }
        }
        return List.of();
    }
}
