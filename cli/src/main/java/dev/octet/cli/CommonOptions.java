package dev.octet.cli;

import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;

/** Options every command takes: --verbose (Main's error handler looks for it) and --quiet. */
final class CommonOptions {
    @Option(names = "--verbose", description = "Show stack traces on errors.")
    boolean verbose;

    @Option(names = {"-q", "--quiet"}, description = "No progress bars or notes on standard error (for scripts).")
    boolean quiet;

    Progress progress(CommandSpec spec) {
        return new Progress(spec.commandLine().getErr(), !quiet, Main.stderrIsTerminal);
    }
}
