package dev.octet.cli;

import picocli.CommandLine.Option;

/** The --verbose option every command takes; Main's error handler looks for it. */
final class VerboseOption {
    @Option(names = "--verbose", description = "Show stack traces on errors.")
    boolean verbose;
}
