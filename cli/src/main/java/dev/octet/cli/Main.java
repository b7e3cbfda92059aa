package dev.octet.cli;

import dev.octet.api.SampleFiles;
import dev.octet.backends.jvm.CodegenException;
import dev.octet.cli.model.ModelFileException;
import dev.octet.frontend.TensorFileException;
import dev.octet.ir.IrException;
import dev.octet.passes.PipelineException;
import picocli.CommandLine;

/**
 * Entry point of the {@code octet} command. Exit codes: 0 ok, 1 the input was processed and found wrong (a
 * malformed model, a failed check), 2 usage error (bad flags, unknown pass, missing file). Errors are one line;
 * {@code --verbose} adds the stack trace.
 */
public final class Main {
    static final int FAILED = 1;
    static final int USAGE = 2;

    private Main() {
    }

    /** Set by {@link #main} when standard error is a terminal, so progress bars redraw in place. */
    static volatile boolean stderrIsTerminal;

    public static void main(String[] args) {
        java.io.Console console = System.console();
        stderrIsTerminal = console != null && console.isTerminal();
        System.exit(run(args));
    }

    public static int run(String... args) {
        return run(new java.io.PrintWriter(System.out, true), new java.io.PrintWriter(System.err, true), args);
    }

    /** Runs the command line with the given streams and returns the exit code (for in-process tests). */
    public static int run(java.io.PrintWriter out, java.io.PrintWriter err, String... args) {
        CommandLine cli = new CommandLine(new OctetCommand()).setOut(out).setErr(err);
        cli.setExecutionExceptionHandler((e, cmd, parsed) -> {
            boolean verbose = false;
            for (CommandLine.ParseResult p = parsed; p != null; p = p.subcommand()) {
                verbose |= p.hasMatchedOption("--verbose");
            }
            cmd.getErr().println("octet: error: " + e.getMessage());
            if (e instanceof UserError u && u.hint != null) {
                cmd.getErr().println("octet: hint: " + u.hint);
            }
            if (verbose) {
                e.printStackTrace(cmd.getErr());
            } else if (!(e instanceof UserError || e instanceof IrException || e instanceof PipelineException
                    || e instanceof TensorFileException || e instanceof CodegenException
                    || e instanceof SampleFiles.DataException || e instanceof ModelFileException
                    || e instanceof java.io.UncheckedIOException)) {
                cmd.getErr().println("octet: this is a bug in octet; run with --verbose for the stack trace");
            }
            return e instanceof PipelineException || (e instanceof UserError u && u.usage) ? USAGE : FAILED;
        });
        cli.setParameterExceptionHandler((e, params) -> {
            e.getCommandLine().getErr().println("octet: error: " + e.getMessage());
            e.getCommandLine().getErr().println("Try '" + e.getCommandLine().getCommandSpec().qualifiedName()
                    + " --help' for usage.");
            return USAGE;
        });
        try {
            return cli.execute(args);
        } catch (OutOfMemoryError e) {
            // An Error passes picocli's handler; the heap is the user's to size, so say so instead of a stack trace.
            err.println("octet: error: out of memory (" + e.getMessage() + ", maximum heap "
                    + Runtime.getRuntime().maxMemory() / (1024 * 1024) + " MiB)");
            err.println("octet: hint: give the JVM more heap, e.g. JAVA_TOOL_OPTIONS=-Xmx16g, or pass smaller inputs");
            return FAILED;
        }
    }

    /** An error in what the user asked for; {@code usage} errors exit with 2, others with 1. */
    static final class UserError extends RuntimeException {
        final boolean usage;
        final String hint;

        UserError(String message, boolean usage) {
            this(message, usage, null);
        }

        UserError(String message, boolean usage, String hint) {
            super(message);
            this.usage = usage;
            this.hint = hint;
        }
    }
}
