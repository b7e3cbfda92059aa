package dev.octet.passes;

import java.util.List;

/** A pass provider registered in src/test/resources/META-INF/services, as a user's own jar would register one. */
public final class TestPasses implements PassProvider {
    @Override
    public List<PassInfo> passes() {
        return List.of(new PassInfo("test-drop-last-node", "test-only pass that deletes the last node", "",
                List.of(), o -> (g, ctx) -> {
                    g.remove(g.nodes().getLast());
                    return true;
                }));
    }
}
