package dev.octet.passes;

import java.util.List;
import java.util.Objects;
import java.util.function.Function;

/**
 * The one declaration of a pass: its kebab-case name (used in pipelines), a one-line summary, a longer
 * description, its options, and how to create it from option values. The command line, the docs and the
 * pipeline parser all read this.
 */
public record PassInfo(String name, String summary, String description, List<PassOption> options,
                       Function<PassOptions, Pass> factory) {

    public PassInfo {
        Objects.requireNonNull(name);
        if (!name.matches("[a-z][a-z0-9]*(-[a-z0-9]+)*")) {
            throw new IllegalArgumentException("pass names are kebab-case, got '" + name + "'");
        }
        options = List.copyOf(options);
    }

    public Pass create(PassOptions values) {
        return factory.apply(values);
    }
}
