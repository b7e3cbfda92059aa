package dev.octet.passes;

import dev.octet.ir.Graph;
import dev.octet.ir.IrException;
import dev.octet.ir.text.IrPrinter;
import dev.octet.ir.verify.Verifier;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Runs a pipeline on a graph: verifies the graph after every pass, optionally prints it after every pass, and
 * optionally checks that a pass that reports no change left the graph's text identical.
 */
public final class PassManager {
    private final Pipeline pipeline;
    private PrintWriter printAfterEach;
    private boolean checkUnchanged;
    private final Map<String, Map<String, Long>> statistics = new LinkedHashMap<>();

    public PassManager(Pipeline pipeline) {
        this.pipeline = pipeline;
    }

    public static PassManager of(String pipeline) {
        return new PassManager(Pipeline.parse(pipeline, PassRegistry.load()));
    }

    /** Prints the IR after each pass to {@code out}, headed by the pass name. */
    public PassManager printAfterEach(PrintWriter out) {
        this.printAfterEach = out;
        return this;
    }

    /** Fails a pass that reports no change but altered the graph (costs one print per pass; for tests). */
    public PassManager checkUnchanged(boolean check) {
        this.checkUnchanged = check;
        return this;
    }

    /** Runs every pass in order; returns whether any changed the graph. */
    public boolean run(Graph graph) {
        boolean anyChange = false;
        for (Pipeline.Step step : pipeline.steps()) {
            String before = checkUnchanged ? IrPrinter.print(graph) : null;
            PassContext ctx = new PassContext();
            boolean changed = step.info().create(step.options()).run(graph, ctx);
            try {
                Verifier.verify(graph);
            } catch (IrException e) {
                throw new IrException(e.location(), "after pass '" + step.info().name() + "': "
                        + e.getMessage().substring(e.location() == null ? 0 : e.location().toString().length() + 2), e);
            }
            if (!changed && before != null && !before.equals(IrPrinter.print(graph))) {
                throw new IllegalStateException("pass '" + step.info().name()
                        + "' reported no change but changed the graph");
            }
            anyChange |= changed;
            ctx.statistics().forEach((k, v) ->
                    statistics.computeIfAbsent(step.info().name(), n -> new LinkedHashMap<>()).merge(k, v, Long::sum));
            if (printAfterEach != null) {
                printAfterEach.println("// ----- IR after " + step + " -----");
                printAfterEach.print(IrPrinter.print(graph));
                printAfterEach.flush();
            }
        }
        return anyChange;
    }

    /** Statistics per pass name, summed over the runs so far. */
    public Map<String, Map<String, Long>> statistics() {
        return statistics;
    }

    public Pipeline pipeline() {
        return pipeline;
    }
}
