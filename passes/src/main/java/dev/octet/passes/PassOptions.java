package dev.octet.passes;

import java.util.LinkedHashMap;
import java.util.Map;

/** Option values given to one pass in a pipeline, checked against its declared options. */
public final class PassOptions {
    private final PassInfo pass;
    private final Map<String, String> values;

    PassOptions(PassInfo pass, Map<String, String> given) {
        this.pass = pass;
        this.values = new LinkedHashMap<>();
        for (PassOption o : pass.options()) {
            values.put(o.name(), o.defaultValue());
        }
        for (Map.Entry<String, String> e : given.entrySet()) {
            if (!values.containsKey(e.getKey())) {
                throw new PipelineException("pass '" + pass.name() + "' has no option '" + e.getKey() + "'"
                        + (pass.options().isEmpty() ? "" : " (options: " + String.join(", ", values.keySet()) + ")"));
            }
            values.put(e.getKey(), e.getValue());
        }
    }

    public static PassOptions defaults(PassInfo pass) {
        return new PassOptions(pass, Map.of());
    }

    public String getString(String name) {
        if (!values.containsKey(name)) {
            throw new IllegalArgumentException("pass '" + pass.name() + "' declares no option '" + name + "'");
        }
        return values.get(name);
    }

    public long getLong(String name) {
        String v = getString(name);
        try {
            return Long.parseLong(v);
        } catch (NumberFormatException e) {
            throw new PipelineException("option '" + name + "' of pass '" + pass.name() + "' must be an integer, got '"
                    + v + "'");
        }
    }

    /** The options as written back in pipeline syntax, e.g. {@code {max-elements=1024}}, or "" if all default. */
    String describe() {
        StringBuilder sb = new StringBuilder();
        for (PassOption o : pass.options()) {
            String v = values.get(o.name());
            if (!v.equals(o.defaultValue())) {
                sb.append(sb.isEmpty() ? "{" : ",").append(o.name()).append('=').append(v);
            }
        }
        return sb.isEmpty() ? "" : sb.append('}').toString();
    }
}
