package dev.octet.passes.rewrite;

import dev.octet.ir.Node;

/**
 * One rewrite, matched and applied in one step (MLIR's matchAndRewrite): the pattern looks at {@code node}
 * (its root) and, if it matches, changes the graph through the rewriter and returns true. A pattern that does not
 * match must leave the graph untouched.
 */
public interface RewritePattern {
    /** The pattern's name, for statistics ("patterns-applied.<name>"). */
    String name();

    boolean matchAndRewrite(Node node, PatternRewriter rewriter);
}
