package dev.octet.ir.ops;

import java.util.List;

/**
 * A set of operators. The standard set is built in; further libraries are found with
 * {@link java.util.ServiceLoader} (declare them in {@code META-INF/services/dev.octet.ir.ops.OpLibrary}).
 */
public interface OpLibrary {
    List<OpSchema> ops();
}
