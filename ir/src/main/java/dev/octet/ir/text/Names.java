package dev.octet.ir.text;

/** How names and strings are spelled in IR text: bare when safe, quoted with escapes otherwise. */
final class Names {
    private Names() {
    }

    static boolean isBare(String name) {
        return !name.isEmpty() && name.chars().allMatch(c ->
                (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                        || c == '_' || c == '.' || c == '$' || c == '/' || c == '-');
    }

    /** {@code %name} or {@code %"odd name"}. */
    static String sigil(char sigil, String name) {
        return sigil + (isBare(name) ? name : quote(name));
    }

    static String quote(String s) {
        StringBuilder sb = new StringBuilder("\"");
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (c < 0x20 || c == 0x7f) {
                        sb.append(String.format("\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        return sb.append('"').toString();
    }

    /** Inverse of {@link #quote}; {@code quoted} includes the quotes. */
    static String unquote(String quoted) {
        StringBuilder sb = new StringBuilder();
        for (int i = 1; i < quoted.length() - 1; i++) {
            char c = quoted.charAt(i);
            if (c != '\\') {
                sb.append(c);
                continue;
            }
            char e = quoted.charAt(++i);
            switch (e) {
                case 'n' -> sb.append('\n');
                case 'r' -> sb.append('\r');
                case 't' -> sb.append('\t');
                case 'u' -> {
                    if (i + 4 >= quoted.length() - 1 + 1 || !quoted.substring(i + 1, i + 5).matches("[0-9a-fA-F]{4}")) {
                        throw new IllegalArgumentException("bad \\u escape");
                    }
                    sb.append((char) Integer.parseInt(quoted.substring(i + 1, i + 5), 16));
                    i += 4;
                }
                default -> sb.append(e);
            }
        }
        return sb.toString();
    }

    /** The name in a {@code %name} / {@code @name} token. */
    static String fromSigil(String token) {
        String rest = token.substring(1);
        return rest.startsWith("\"") ? unquote(rest) : rest;
    }
}
