package dev.octet.api;

import dev.octet.ir.Node;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Chooses layers by name with globs ({@code *} any run of characters, {@code ?} one), as {@code --keep-fp32}
 * takes them. A layer is matched by its source name (the ONNX node name, e.g. {@code /conv1/Conv}) or by its
 * output value's name.
 */
public final class LayerSelector {
    private final List<String> globs;
    private final List<Pattern> patterns = new ArrayList<>();

    public LayerSelector(List<String> globs) {
        this.globs = List.copyOf(globs);
        for (String g : globs) {
            StringBuilder re = new StringBuilder();
            for (char c : g.toCharArray()) {
                re.append(switch (c) {
                    case '*' -> ".*";
                    case '?' -> ".";
                    default -> Pattern.quote(String.valueOf(c));
                });
            }
            patterns.add(Pattern.compile(re.toString()));
        }
    }

    public boolean matches(Node layer) {
        return patterns.stream().anyMatch(p -> matches(p, layer));
    }

    private static boolean matches(Pattern p, Node layer) {
        return layer.name() != null && p.matcher(layer.name()).matches()
                || p.matcher(layer.output(0).name()).matches();
    }

    /** The globs that match none of {@code layers} (each one is almost certainly a typo). */
    public List<String> unmatched(List<Node> layers) {
        boolean[] used = new boolean[globs.size()];
        for (Node n : layers) {
            for (int i = 0; i < patterns.size(); i++) {
                used[i] |= matches(patterns.get(i), n);
            }
        }
        List<String> out = new ArrayList<>();
        for (int i = 0; i < used.length; i++) {
            if (!used[i]) {
                out.add(globs.get(i));
            }
        }
        return out;
    }
}
