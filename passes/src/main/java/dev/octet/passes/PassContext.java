package dev.octet.passes;

import java.util.LinkedHashMap;
import java.util.Map;

/** What a pass may report besides the graph: named counters (statistics), such as nodes folded. */
public final class PassContext {
    private final Map<String, Long> statistics = new LinkedHashMap<>();

    public void count(String statistic, long n) {
        statistics.merge(statistic, n, Long::sum);
    }

    public void count(String statistic) {
        count(statistic, 1);
    }

    public Map<String, Long> statistics() {
        return statistics;
    }
}
