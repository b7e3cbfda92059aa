package dev.octet.passes;

import java.util.List;

/**
 * Contributes passes to the registry. Implementations are found with {@link java.util.ServiceLoader}: a jar that
 * lists its provider in {@code META-INF/services/dev.octet.passes.PassProvider} adds its passes to every pipeline.
 */
public interface PassProvider {
    List<PassInfo> passes();
}
