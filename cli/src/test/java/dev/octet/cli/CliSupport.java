package dev.octet.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;

/** Runs the octet command in-process, as picocli runs it for a user, capturing output and exit code. */
final class CliSupport {
    static final Path TESTDATA = Path.of(System.getProperty("octet.testdata"));
    static final String MLP = TESTDATA.resolve("models/fashion-mlp.onnx").toString();
    static final String CNN = TESTDATA.resolve("models/fashion-cnn.onnx").toString();
    static final String CALIB = TESTDATA.resolve("data/fashion-calib-500.npy").toString();
    static final String TEST_X = TESTDATA.resolve("data/fashion-test-1000.npy").toString();
    static final String TEST_Y = TESTDATA.resolve("data/fashion-test-1000-labels.npy").toString();

    record Result(int exit, String out, String err) {
    }

    private CliSupport() {
    }

    static Result octet(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = Main.run(new PrintWriter(out, true), new PrintWriter(err, true), args);
        return new Result(exit, out.toString(), err.toString());
    }

    static Result ok(String... args) {
        Result r = octet(args);
        assertEquals(0, r.exit(), () -> "exit " + r.exit() + "\nout: " + r.out() + "\nerr: " + r.err());
        return r;
    }

    /** Exit code {@code exit}, a one-line error containing {@code text} (plus at most a hint), no stack trace. */
    static void assertError(Result r, int exit, String text) {
        assertEquals(exit, r.exit(), r.out() + r.err());
        assertTrue(r.err().startsWith("octet: error: ") && r.err().contains(text), r.err());
        String[] lines = r.err().strip().split("\n");
        assertTrue(lines.length == 1 || lines.length == 2 && lines[1].startsWith("octet: hint: "), r.err());
        assertTrue(!r.err().contains("\tat "), "no stack trace: " + r.err());
    }
}
