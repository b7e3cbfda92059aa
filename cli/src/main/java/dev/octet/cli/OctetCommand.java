package dev.octet.cli;

import picocli.CommandLine.Command;

/** The top-level {@code octet} command. */
@Command(name = "octet", mixinStandardHelpOptions = true, version = "octet 0.1.0",
        description = "Ahead-of-time compiler from float32 neural-network models to int8 JVM classes.",
        subcommands = {CompileCommand.class, EvalCommand.class, RunCommand.class, OptCommand.class,
            InspectCommand.class, BenchCommand.class, SensitivityCommand.class})
final class OctetCommand implements Runnable {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
