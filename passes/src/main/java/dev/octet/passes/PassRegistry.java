package dev.octet.passes;

import java.util.Collection;
import com.google.common.collect.ImmutableSortedMap;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.TreeMap;

/** All passes known by name: those of every {@link PassProvider} on the class path. */
public final class PassRegistry {
    private final Map<String, PassInfo> passes;

    private PassRegistry(Map<String, PassInfo> passes) {
        this.passes = ImmutableSortedMap.copyOf(passes);
    }

    /** Loads the providers visible to {@code loader}. */
    public static PassRegistry load(ClassLoader loader) {
        Map<String, PassInfo> passes = new TreeMap<>();
        for (PassProvider provider : ServiceLoader.load(PassProvider.class, loader)) {
            for (PassInfo p : provider.passes()) {
                PassInfo previous = passes.putIfAbsent(p.name(), p);
                if (previous != null) {
                    throw new IllegalStateException("two passes are named '" + p.name() + "' ("
                            + provider.getClass().getName() + " and an earlier provider)");
                }
            }
        }
        return new PassRegistry(passes);
    }

    public static PassRegistry load() {
        return load(Thread.currentThread().getContextClassLoader());
    }

    public PassInfo find(String name) {
        return passes.get(name);
    }

    public Collection<PassInfo> all() {
        return passes.values();
    }
}
