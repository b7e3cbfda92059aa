package dev.octet.testkit;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A small FileCheck: matches {@code CHECK}, {@code CHECK-LABEL}, {@code CHECK-NEXT}, {@code CHECK-SAME} and
 * {@code CHECK-NOT} directives against text, line by line, as LLVM's FileCheck does. In a pattern,
 * {@code {{regex}}} matches a regular expression, {@code [[NAME:regex]]} captures a variable and {@code [[NAME]]}
 * uses it; any run of spaces matches any run of horizontal whitespace.
 */
public final class FileCheck {
    private static final Pattern DIRECTIVE =
            Pattern.compile("//\\s*(CHECK(?:-LABEL|-NEXT|-SAME|-NOT)?):(.*)$");

    public enum Kind { CHECK, LABEL, NEXT, SAME, NOT }

    /** One directive and the 1-based line of the test file it is written on. */
    public record Directive(Kind kind, String pattern, int line) {
        @Override
        public String toString() {
            String name = switch (kind) {
                case CHECK -> "CHECK";
                case LABEL -> "CHECK-LABEL";
                case NEXT -> "CHECK-NEXT";
                case SAME -> "CHECK-SAME";
                case NOT -> "CHECK-NOT";
            };
            return "line " + line + ": " + name + ": " + pattern;
        }
    }

    private FileCheck() {
    }

    /** The directives among {@code lines}; {@code firstLine} is the file line number of {@code lines[0]}. */
    public static List<Directive> directives(List<String> lines, int firstLine) {
        List<Directive> out = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            Matcher m = DIRECTIVE.matcher(lines.get(i).strip());
            if (m.find() && lines.get(i).strip().startsWith("//")) {
                Kind kind = switch (m.group(1)) {
                    case "CHECK-LABEL" -> Kind.LABEL;
                    case "CHECK-NEXT" -> Kind.NEXT;
                    case "CHECK-SAME" -> Kind.SAME;
                    case "CHECK-NOT" -> Kind.NOT;
                    default -> Kind.CHECK;
                };
                out.add(new Directive(kind, m.group(2).strip(), firstLine + i));
            }
        }
        return out;
    }

    /** Checks {@code output}; returns the first failure, described, or empty when every directive holds. */
    public static Optional<String> check(String output, List<Directive> directives) {
        String[] lines = output.split("\n", -1);
        Map<String, String> vars = new HashMap<>();
        int line = 0;       // the position after the previous positive match
        int column = 0;
        List<Directive> pendingNots = new ArrayList<>();
        boolean matchedBefore = false;
        for (Directive d : directives) {
            if (d.kind() == Kind.NOT) {
                pendingNots.add(d);
                continue;
            }
            // CHECK and CHECK-LABEL search onwards; CHECK-NEXT only the next line; CHECK-SAME the rest of this one.
            int first = d.kind() == Kind.NEXT && matchedBefore ? line + 1 : line;
            int last = d.kind() == Kind.NEXT || d.kind() == Kind.SAME ? first : lines.length - 1;
            Pattern p = compile(d.pattern(), vars);
            Matcher found = null;
            int foundLine = -1;
            for (int l = first; l <= last && l < lines.length && found == null; l++) {
                Matcher m = p.matcher(lines[l]);
                if (m.find(l == line && d.kind() != Kind.NEXT ? column : 0)) {
                    found = m;
                    foundLine = l;
                }
            }
            if (found == null) {
                String where = first < lines.length ? "output line " + (first + 1) + ": " + lines[first] : "end of output";
                return Optional.of(d + "\n  expected pattern not found; search started at " + where);
            }
            Optional<String> notFailure = checkNots(pendingNots, lines, line, column, foundLine, found.start(), vars);
            if (notFailure.isPresent()) {
                return notFailure;
            }
            capture(d.pattern(), found, vars);
            pendingNots.clear();
            line = foundLine;
            column = found.end();
            matchedBefore = true;
        }
        int end = lines.length - 1;
        return checkNots(pendingNots, lines, line, column, end, lines[end].length(), vars);
    }

    /** No CHECK-NOT may match between (line, column) and (endLine, endColumn). */
    private static Optional<String> checkNots(List<Directive> nots, String[] lines, int line, int column,
                                              int endLine, int endColumn, Map<String, String> vars) {
        for (Directive d : nots) {
            Pattern p = compile(d.pattern(), vars);
            for (int l = line; l <= endLine; l++) {
                Matcher m = p.matcher(lines[l]);
                m.region(l == line ? column : 0, l == endLine ? Math.max(endColumn, l == line ? column : 0)
                        : lines[l].length());
                if (m.find()) {
                    return Optional.of(d + "\n  excluded pattern found at output line " + (l + 1) + ": " + lines[l]);
                }
            }
        }
        return Optional.empty();
    }

    private static final Pattern TOKEN = Pattern.compile("\\{\\{(.*?)}}|\\[\\[([A-Za-z_][A-Za-z0-9_]*)(?::(.*?))?]]");

    /** Turns a FileCheck pattern into a regex; variable definitions become named groups. */
    static Pattern compile(String pattern, Map<String, String> vars) {
        StringBuilder re = new StringBuilder();
        Matcher m = TOKEN.matcher(pattern);
        int last = 0;
        while (m.find()) {
            re.append(literal(pattern.substring(last, m.start())));
            if (m.group(1) != null) {
                re.append("(?:").append(m.group(1)).append(')');
            } else if (m.group(3) != null) {
                re.append("(?<").append(m.group(2)).append('>').append(m.group(3)).append(')');
            } else {
                String value = vars.get(m.group(2));
                if (value == null) {
                    throw new IllegalArgumentException("variable [[" + m.group(2) + "]] is used before it is defined");
                }
                re.append(Pattern.quote(value));
            }
            last = m.end();
        }
        re.append(literal(pattern.substring(last)));
        return Pattern.compile(re.toString());
    }

    /** Quotes literal text; a run of blanks matches any run of horizontal whitespace. */
    private static String literal(String text) {
        java.util.StringJoiner joined = new java.util.StringJoiner("[ \\t]+");
        for (String part : text.split("[ \\t]+", -1)) {
            joined.add(part.isEmpty() ? "" : Pattern.quote(part));
        }
        return joined.toString();
    }

    private static void capture(String pattern, Matcher m, Map<String, String> vars) {
        Matcher t = TOKEN.matcher(pattern);
        while (t.find()) {
            if (t.group(2) != null && t.group(3) != null) {
                vars.put(t.group(2), m.group(t.group(2)));
            }
        }
    }
}
