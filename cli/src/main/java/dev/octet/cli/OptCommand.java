package dev.octet.cli;

import dev.octet.ir.Graph;
import dev.octet.ir.text.IrPrinter;
import dev.octet.passes.PassInfo;
import dev.octet.passes.PassManager;
import dev.octet.passes.PassOption;
import dev.octet.passes.PassRegistry;
import dev.octet.passes.Pipeline;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code octet opt}: runs a pass pipeline on a model and prints the IR, like mlir-opt. */
@Command(name = "opt", mixinStandardHelpOptions = true,
        description = "Run passes on a model and print the resulting IR.")
final class OptCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", arity = "0..1", paramLabel = "MODEL", description = "Model file (.onnx or .oir).")
    Path input;

    @Option(names = "--passes", paramLabel = "P1,P2,...", defaultValue = "",
            description = "Pass pipeline, e.g. fold-constants,dce or fold-constants{max-elements=4096}.")
    String passes;

    @Option(names = {"-o", "--output"}, paramLabel = "OUT.oir",
            description = "Write the IR here (large constants go to OUT.oir.bin) instead of printing it.")
    Path output;

    @Option(names = "--full-constants",
            description = "Print every constant in full (by default, printed constants over 64 elements are elided).")
    boolean fullConstants;

    @Option(names = "--print-after-all", description = "Print the IR after every pass.")
    boolean printAfterAll;

    @Option(names = "--list-passes", description = "List the available passes and their options, then exit.")
    boolean listPasses;

    @picocli.CommandLine.Mixin
    CommonOptions common;

    @Override
    public Integer call() throws IOException {
        PassRegistry registry = PassRegistry.load();
        PrintWriter out = spec.commandLine().getOut();
        if (listPasses) {
            for (PassInfo p : registry.all()) {
                out.printf("%-20s %s%n", p.name(), p.summary());
                for (PassOption o : p.options()) {
                    out.printf("  %-18s %s (default %s)%n", o.name(), o.description(), o.defaultValue());
                }
            }
            out.flush();
            return 0;
        }
        if (input == null) {
            throw new Main.UserError("missing MODEL (see 'octet opt --help')", true);
        }
        Pipeline pipeline = Pipeline.parse(passes, registry);
        Graph graph = Commands.loadModel(input);
        PassManager manager = new PassManager(pipeline);
        if (printAfterAll) {
            manager.printAfterEach(out);
        }
        manager.run(graph);
        if (output != null) {
            IrPrinter.toFile(graph, output, 1024);
        } else {
            out.print(fullConstants ? IrPrinter.print(graph) : IrPrinter.printElided(graph, 64));
        }
        out.flush();
        return 0;
    }
}
