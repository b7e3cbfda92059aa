package dev.octet.ir.fuzz;

import dev.octet.ir.IrException;
import java.util.function.Supplier;

/** The documented way to fail on bad input: an {@link IrException}; anything else is a finding. */
final class FuzzSupport {
    private FuzzSupport() {
    }

    static <T> T orNull(Supplier<T> parse) {
        try {
            return parse.get();
        } catch (IrException expected) {
            return null;
        }
    }
}
