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

    /** "fashion-cnn.v2" -> "FashionCnnV2"; never empty, never a keyword, never starting with a digit. */
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
        return KEYWORDS.contains(s) ? s + "Model" : s;
    }
}
