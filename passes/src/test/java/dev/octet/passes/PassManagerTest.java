package dev.octet.passes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.octet.ir.Graph;
import dev.octet.ir.IrException;
import dev.octet.ir.Node;
import dev.octet.ir.text.IrTextParser;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import org.junit.jupiter.api.Test;

class PassManagerTest {
    private static final String GRAPH = """
            graph @g(%x: f32[2]) {
              %a = Constant() {value = dense<f32[2], [1.0, 2.0]>} : f32[2]
              %b = Neg(%a) : f32[2]
              %c = Add(%x, %b) : f32[2]
              %dead = Relu(%x) : f32[2]
              return %c
            }""";

    private static Graph graph() {
        return IrTextParser.parse(GRAPH, "<test>");
    }

    @Test
    void runsAPipelineAndCollectsStatistics() {
        PassManager pm = PassManager.of("fold-constants,dce");
        assertTrue(pm.run(graph()));
        assertEquals(1L, pm.statistics().get("fold-constants").get("nodes-folded"));
        assertEquals(2L, pm.statistics().get("dce").get("nodes-removed"));
    }

    @Test
    void unknownPassesAndOptionsAreNamed() {
        PassRegistry r = PassRegistry.load();
        PipelineException unknown = assertThrows(PipelineException.class, () -> Pipeline.parse("fold,dce", r));
        assertTrue(unknown.getMessage().startsWith("unknown pass 'fold' (known: "), unknown.getMessage());
        assertTrue(unknown.getMessage().contains("fold-constants"));
        PipelineException option = assertThrows(PipelineException.class,
                () -> Pipeline.parse("fold-constants{max=3}", r));
        assertEquals("pass 'fold-constants' has no option 'max' (options: max-elements)", option.getMessage());
        assertThrows(PipelineException.class, () -> Pipeline.parse("fold-constants{max-elements=3", r));
        assertThrows(PipelineException.class, () -> Pipeline.parse("dce,,cse", r));
        PipelineException value = assertThrows(PipelineException.class,
                () -> Pipeline.parse("fold-constants{max-elements=lots}", r).steps().getFirst().info()
                        .create(Pipeline.parse("fold-constants{max-elements=lots}", r).steps().getFirst().options()));
        assertTrue(value.getMessage().contains("must be an integer"), value.getMessage());
        assertEquals("fold-constants{max-elements=3},dce", Pipeline.parse(" fold-constants{max-elements=3}, dce ", r).toString());
    }

    @Test
    void passesFromProvidersOnTheClassPathAreFound() {
        // src/test/resources/META-INF/services registers TestPasses, as a user's jar would.
        PassInfo info = PassRegistry.load().find("test-drop-last-node");
        assertEquals("test-only pass that deletes the last node", info.summary());
    }

    @Test
    void aPassThatBreaksTheGraphIsCaughtByTheVerifier() {
        // Deleting the last node leaves the graph returning an undefined value.
        IrException e = assertThrows(IrException.class, () -> PassManager.of("dce,test-drop-last-node").run(graph()));
        assertTrue(e.getMessage().startsWith("after pass 'test-drop-last-node': graph @g returns %c"), e.getMessage());
    }

    @Test
    void aPassThatChangesTheGraphButSaysItDidNotIsCaught() {
        Pass liar = (g, ctx) -> {
            Node last = g.nodes().getLast();
            g.remove(last);
            return false;
        };
        PassInfo info = new PassInfo("liar", "claims no change", "", List.of(), o -> liar);
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> new PassManager(Pipeline.of(info)).checkUnchanged(true).run(graph()));
        assertEquals("pass 'liar' reported no change but changed the graph", e.getMessage());
        assertFalse(new PassManager(Pipeline.parse("", PassRegistry.load())).run(graph()));
    }

    @Test
    void printsTheIrAfterEachPass() {
        StringWriter out = new StringWriter();
        PassManager.of("fold-constants,dce").printAfterEach(new PrintWriter(out)).run(graph());
        String text = out.toString();
        assertTrue(text.contains("// ----- IR after fold-constants -----\ngraph @g"), text);
        assertTrue(text.indexOf("IR after dce") > text.indexOf("IR after fold-constants"));
        assertTrue(text.substring(text.indexOf("IR after dce")).contains("%b = Constant()"));
    }
}
