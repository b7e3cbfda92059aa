package dev.octet.backends.jvm;

import dev.octet.ir.Node;

/** Turns one IR node into kernel calls; one implementation per family of ops. */
@FunctionalInterface
public interface OpLowering {
    void lower(Node node, LoweringContext cx);
}
