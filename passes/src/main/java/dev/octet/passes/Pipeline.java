package dev.octet.passes;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A parsed pipeline such as {@code fold-constants{max-elements=4096},dce}: passes in order, each with its
 * options.
 */
public final class Pipeline {
    /** One pass of the pipeline with its option values. */
    public record Step(PassInfo info, PassOptions options) {
        @Override
        public String toString() {
            return info.name() + options.describe();
        }
    }

    private final List<Step> steps;

    private Pipeline(List<Step> steps) {
        this.steps = List.copyOf(steps);
    }

    public List<Step> steps() {
        return steps;
    }

    /** A pipeline of the given passes with default options, for building pipelines in code. */
    public static Pipeline of(PassInfo... passes) {
        List<Step> steps = new ArrayList<>();
        for (PassInfo p : passes) {
            steps.add(new Step(p, PassOptions.defaults(p)));
        }
        return new Pipeline(steps);
    }

    public static Pipeline parse(String text, PassRegistry registry) {
        List<Step> steps = new ArrayList<>();
        int i = 0;
        String s = text.strip();
        if (s.isEmpty()) {
            return new Pipeline(steps);
        }
        while (i <= s.length()) {
            int end = i;
            while (end < s.length() && s.charAt(end) != ',' && s.charAt(end) != '{') {
                end++;
            }
            String name = s.substring(i, end).strip();
            Map<String, String> options = new LinkedHashMap<>();
            if (end < s.length() && s.charAt(end) == '{') {
                int close = s.indexOf('}', end);
                if (close < 0) {
                    throw new PipelineException("unclosed '{' after pass '" + name + "' in pipeline '" + text + "'");
                }
                for (String kv : s.substring(end + 1, close).split(",")) {
                    if (kv.isBlank()) {
                        continue;
                    }
                    int eq = kv.indexOf('=');
                    if (eq < 0) {
                        throw new PipelineException("option '" + kv.strip() + "' of pass '" + name
                                + "' needs a value (name=value)");
                    }
                    options.put(kv.substring(0, eq).strip(), kv.substring(eq + 1).strip());
                }
                end = close + 1;
                if (end < s.length() && s.charAt(end) != ',') {
                    throw new PipelineException("expected ',' after options of pass '" + name + "'");
                }
            }
            if (name.isEmpty()) {
                throw new PipelineException("empty pass name in pipeline '" + text + "'");
            }
            PassInfo info = registry.find(name);
            if (info == null) {
                throw new PipelineException("unknown pass '" + name + "' (known: "
                        + String.join(", ", registry.all().stream().map(PassInfo::name).toList()) + ")");
            }
            steps.add(new Step(info, new PassOptions(info, options)));
            i = end + 1;
        }
        return new Pipeline(steps);
    }

    @Override
    public String toString() {
        return String.join(",", steps.stream().map(Step::toString).toList());
    }
}
