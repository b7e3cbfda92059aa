package dev.octet.backends.jvm;

import java.util.Set;

/** Java class names from model names, which may hold any characters. */
public final class ClassNames {
    private static final Set<String> KEYWORDS = Set.of("abstract", "assert", "boolean", "break", "byte", "case",
            "catch", "char", "class", "const", "continue", "default", "do", "double", "else", "enum", "extends",
            "final", "finally", "float", "for", "goto", "if", "implements", "import", "instanceof", "int",
            "interface", "long", "native", "new", "package", "private", "protected", "public", "return", "short",
            "static", "strictfp", "super", "switch", "synchronized", "this", "throw", "throws", "transient", "try",
            "void", "volatile", "while", "true", "false", "null", "_");

    private ClassNames() {
    }

    /** Longest identifier made from a name; longer ones are cut and get a hash of the whole name. */
    static final int MAX_IDENTIFIER = 64;

    /**
     * "fashion-cnn.v2" -> "FashionCnnV2": names from models are data, so only ASCII letters and digits survive;
     * never empty, never a keyword, never starting with a digit, at most {@value #MAX_IDENTIFIER} characters.
     */
    public static String javaIdentifier(String name) {
        StringBuilder sb = new StringBuilder();
        boolean upper = true;
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c < 128 && Character.isLetterOrDigit(c)) {
                sb.append(upper ? Character.toUpperCase(c) : c);
                upper = false;
            } else {
                upper = true;
            }
        }
        if (sb.isEmpty() || Character.isDigit(sb.charAt(0))) {
            sb.insert(0, "Model");
        }
        String s = sb.toString();
        if (s.length() > MAX_IDENTIFIER) {
            s = s.substring(0, MAX_IDENTIFIER - 9) + "_" + String.format("%08x", name.hashCode());
        }
        return KEYWORDS.contains(s) ? s + "Model" : s;
    }

    /**
     * Why {@code binaryName} cannot name a generated class, or null when it can: each dot-separated part a Java
     * identifier (not a keyword, at most 200 characters so that file names fit), and not in a {@code java.}
     * package, which the JVM reserves.
     */
    public static String problemWith(String binaryName) {
        if (binaryName.isEmpty()) {
            return "the class name is empty";
        }
        if (binaryName.startsWith("java.")) {
            return "'" + binaryName + "' is in a java.* package, which the JVM reserves for itself";
        }
        for (String part : binaryName.split("\\.", -1)) {
            if (!part.matches("[A-Za-z_$][A-Za-z0-9_$]*")) {
                return "'" + abbreviate(binaryName) + "' is not a Java class name (part '" + abbreviate(part) + "')";
            }
            if (KEYWORDS.contains(part)) {
                return "'" + binaryName + "' is not a Java class name ('" + part + "' is a keyword)";
            }
            if (part.length() > 200) {
                return "'" + abbreviate(binaryName) + "' has a part longer than 200 characters";
            }
        }
        return null;
    }

    private static String abbreviate(String s) {
        return s.length() <= 60 ? s : s.substring(0, 57) + "...";
    }
}
