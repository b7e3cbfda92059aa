package dev.octet.testkit;

import dev.octet.ir.Graph;
import dev.octet.ir.IrException;
import dev.octet.ir.text.IrPrinter;
import dev.octet.ir.text.IrTextParser;
import dev.octet.ir.verify.Verifier;
import dev.octet.passes.PassManager;
import dev.octet.passes.PassRegistry;
import dev.octet.passes.Pipeline;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A pass test in the style of MLIR's lit tests. The file opens with
 * <pre>
 * // RUN: octet opt %s --passes fold-constants,dce
 * </pre>
 * (the pipeline may be left out, to test only parsing and verification)
 * and holds one or more cases separated by {@code // -----}. Each case is an IR graph plus FileCheck directives
 * on the printed result. With {@code --verify-diagnostics} on the RUN line, cases instead carry
 * {@code // expected-error {{text}}} (the error is on this line) or {@code // expected-error@+1 {{text}}}
 * (on the next line), and the parse, verification or pipeline must fail exactly there.
 */
public final class PassTestFile {
    private static final Pattern RUN = Pattern.compile("^//\\s*RUN:\\s*octet opt %s(?: --passes[ =](\\S+))?(.*)$");
    private static final Pattern EXPECTED_ERROR =
            Pattern.compile("//\\s*expected-error(?:@([+-]\\d+))?\\s*\\{\\{(.*)}}\\s*$");
    public static final String SEPARATOR = "// -----";

    private final Path path;
    private final List<String> lines;
    private final String pipeline;
    private final boolean verifyDiagnostics;

    private PassTestFile(Path path, List<String> lines, String pipeline, boolean verifyDiagnostics) {
        this.path = path;
        this.lines = lines;
        this.pipeline = pipeline;
        this.verifyDiagnostics = verifyDiagnostics;
    }

    public static PassTestFile read(Path path) {
        List<String> lines;
        try {
            lines = Files.readAllLines(path, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        for (String line : lines) {
            Matcher m = RUN.matcher(line.strip());
            if (m.matches()) {
                String flags = m.group(2).strip();
                if (!flags.isEmpty() && !flags.equals("--verify-diagnostics")) {
                    throw new IllegalArgumentException(path + ": unknown RUN flags '" + flags + "'");
                }
                return new PassTestFile(path, lines, m.group(1) == null ? "" : m.group(1), !flags.isEmpty());
            }
        }
        throw new IllegalArgumentException(path + ": no '// RUN: octet opt %s --passes ...' line");
    }

    /** Whether {@code path} is a pass test (has a RUN line) rather than plain IR. */
    public static boolean isPassTest(Path path) {
        try {
            return Files.readAllLines(path, StandardCharsets.UTF_8).stream()
                    .anyMatch(l -> RUN.matcher(l.strip()).matches());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public Path path() {
        return path;
    }

    /** One case: its text, with every line outside the case blanked so that line numbers match the file. */
    public record Case(int firstLine, int lastLine, String text, List<String> caseLines) {
        public boolean expectsError() {
            return caseLines.stream().anyMatch(l -> EXPECTED_ERROR.matcher(l).find());
        }
    }

    /** Splits an IR file into its {@code // -----} separated cases. */
    public static List<Case> cases(List<String> lines) {
        List<Case> cases = new ArrayList<>();
        int start = 0;
        for (int i = 0; i <= lines.size(); i++) {
            if (i == lines.size() || lines.get(i).strip().equals(SEPARATOR)) {
                StringBuilder text = new StringBuilder();
                for (int l = 0; l < lines.size(); l++) {
                    text.append(l >= start && l < i ? lines.get(l) : "").append('\n');
                }
                cases.add(new Case(start + 1, i, text.toString(), lines.subList(start, i)));
                start = i + 1;
            }
        }
        return cases;
    }

    /** Runs every case; throws {@link AssertionError} describing the first failure. */
    public void run(PassRegistry registry) {
        for (Case c : cases(lines)) {
            Optional<String> failure = verifyDiagnostics ? runDiagnostics(c, registry) : runChecks(c, registry);
            if (failure.isPresent()) {
                throw new AssertionError(path + " (case at line " + c.firstLine() + "): " + failure.get());
            }
        }
    }

    private Graph parseAndRun(Case c, PassRegistry registry) {
        Graph graph = IrTextParser.parse(c.text(), path.toString(), path.toAbsolutePath().getParent());
        Verifier.verify(graph);
        new PassManager(Pipeline.parse(pipeline, registry)).checkUnchanged(true).run(graph);
        return graph;
    }

    private Optional<String> runChecks(Case c, PassRegistry registry) {
        List<FileCheck.Directive> directives = FileCheck.directives(c.caseLines(), c.firstLine());
        if (directives.isEmpty()) {
            return Optional.of("the case has no CHECK lines");
        }
        String printed;
        try {
            printed = IrPrinter.print(parseAndRun(c, registry));
        } catch (IrException e) {
            return Optional.of("unexpected error: " + e.getMessage());
        }
        return FileCheck.check(printed, directives).map(f -> f + "\n--- actual IR ---\n" + printed);
    }

    private Optional<String> runDiagnostics(Case c, PassRegistry registry) {
        List<int[]> expectedLines = new ArrayList<>();
        List<String> expectedTexts = new ArrayList<>();
        for (int i = 0; i < c.caseLines().size(); i++) {
            Matcher m = EXPECTED_ERROR.matcher(c.caseLines().get(i));
            if (m.find()) {
                int offset = m.group(1) == null ? 0 : Integer.parseInt(m.group(1));
                expectedLines.add(new int[] {c.firstLine() + i + offset});
                expectedTexts.add(m.group(2));
            }
        }
        if (expectedLines.size() != 1) {
            return Optional.of("a diagnostics case needs exactly one expected-error, found " + expectedLines.size());
        }
        int line = expectedLines.getFirst()[0];
        String text = expectedTexts.getFirst();
        try {
            parseAndRun(c, registry);
            return Optional.of("expected error at line " + line + " {{" + text + "}}, but there was none");
        } catch (IrException e) {
            int actual = e.location() == null ? -1 : e.location().line();
            if (actual != line || !e.getMessage().contains(text)) {
                return Optional.of("expected error at line " + line + " {{" + text + "}}\n  got: " + e.getMessage());
            }
            return Optional.empty();
        }
    }
}
