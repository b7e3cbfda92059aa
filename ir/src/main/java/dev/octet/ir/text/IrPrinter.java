package dev.octet.ir.text;

import dev.octet.ir.Attribute;
import dev.octet.ir.ElementType;
import dev.octet.ir.Floats;
import dev.octet.ir.Graph;
import dev.octet.ir.IrException;
import dev.octet.ir.Node;
import dev.octet.ir.Tensor;
import dev.octet.ir.TensorBytes;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Writes a graph as IR text that {@link IrTextParser} reads back to the same graph (and the same text).
 * Constants written as fills or side-file references are printed that way again. Other constants are
 * printed in full, or, with {@link #toFile} and a threshold, moved into a side file.
 */
public final class IrPrinter {
    private final int sideFileThreshold;
    private final String sideFileName;
    private int elideThreshold = Integer.MAX_VALUE;
    private final ByteArrayOutputStream sideFile = new ByteArrayOutputStream();

    private IrPrinter(int sideFileThreshold, String sideFileName) {
        this.sideFileThreshold = sideFileThreshold;
        this.sideFileName = sideFileName;
    }

    /** The graph's text with every constant written in place. */
    public static String print(Graph graph) {
        return new IrPrinter(Integer.MAX_VALUE, null).render(graph);
    }

    /**
     * The graph's text for reading by people: plain constants with more than {@code threshold} elements are
     * printed as {@code elided<type>}, which the parser refuses to read back.
     */
    public static String printElided(Graph graph, int threshold) {
        IrPrinter p = new IrPrinter(Integer.MAX_VALUE, null);
        p.elideThreshold = threshold;
        return p.render(graph);
    }

    /**
     * Writes {@code file}; constants with more than {@code sideFileThreshold} elements (and no literal of their
     * own) go to {@code <file>.bin} beside it, referenced as {@code file<type, "name.bin", offset>}.
     */
    public static void toFile(Graph graph, Path file, int sideFileThreshold) throws IOException {
        String binName = file.getFileName() + ".bin";
        IrPrinter printer = new IrPrinter(sideFileThreshold, binName);
        String text = printer.render(graph);
        Files.writeString(file, text, StandardCharsets.UTF_8);
        if (printer.sideFile.size() > 0) {
            Path bin = file.resolveSibling(binName);
            Files.write(bin, printer.sideFile.toByteArray());
        }
    }

    private String render(Graph g) {
        StringBuilder sb = new StringBuilder("graph ").append(Names.sigil('@', g.name())).append('(');
        sb.append(g.inputs().stream().map(v -> Names.sigil('%', v.name()) + ": " + v.type())
                .collect(Collectors.joining(", ")));
        sb.append(") {\n");
        for (Node n : g.nodes()) {
            sb.append("  ");
            node(sb, n);
            sb.append('\n');
        }
        sb.append("  return");
        sb.append(g.outputs().stream().map(v -> " " + Names.sigil('%', v.name())).collect(Collectors.joining(",")));
        return sb.append("\n}\n").toString();
    }

    private void node(StringBuilder sb, Node n) {
        sb.append(n.outputs().stream().map(v -> Names.sigil('%', v.name())).collect(Collectors.joining(", ")));
        sb.append(" = ").append(n.op()).append('(');
        sb.append(n.inputs().stream().map(v -> v == null ? "_" : Names.sigil('%', v.name()))
                .collect(Collectors.joining(", ")));
        sb.append(')');
        if (!n.attributes().isEmpty()) {
            sb.append(" {");
            boolean first = true;
            for (Map.Entry<String, Attribute> e : n.attributes().asMap().entrySet()) {
                sb.append(first ? "" : ", ").append(e.getKey()).append(" = ");
                attribute(sb, e.getValue());
                first = false;
            }
            sb.append('}');
        }
        sb.append(" : ").append(n.outputs().stream().map(v -> v.type().toString()).collect(Collectors.joining(", ")));
        if (n.name() != null) {
            sb.append(" loc(").append(Names.quote(n.name())).append(')');
        }
    }

    private void attribute(StringBuilder sb, Attribute a) {
        switch (a) {
            case Attribute.IntAttr i -> sb.append(i.value());
            case Attribute.FloatAttr f -> sb.append(Floats.format(f.value()));
            case Attribute.StringAttr s -> sb.append(Names.quote(s.value()));
            case Attribute.IntsAttr l -> {
                long[] v = l.values();
                sb.append('[');
                for (int i = 0; i < v.length; i++) {
                    sb.append(i == 0 ? "" : ", ").append(v[i]);
                }
                sb.append(']');
            }
            case Attribute.FloatsAttr l -> {
                float[] v = l.values();
                sb.append('[');
                for (int i = 0; i < v.length; i++) {
                    sb.append(i == 0 ? "" : ", ").append(Floats.format(v[i]));
                }
                sb.append(']');
            }
            case Attribute.StringsAttr l ->
                    sb.append(l.values().stream().map(Names::quote).collect(Collectors.joining(", ", "[", "]")));
            case Attribute.TensorAttr t -> tensor(sb, t.value());
        }
    }

    private void tensor(StringBuilder sb, Tensor t) {
        switch (t.literal()) {
            case Tensor.Splat s -> sb.append("splat<").append(t.type()).append(", ")
                    .append(element(t.elementType(), s.value())).append('>');
            case Tensor.Random r -> sb.append("random<").append(t.type()).append(", ").append(r.seed()).append('>');
            case Tensor.External x -> sb.append("file<").append(t.type()).append(", ").append(Names.quote(x.path()))
                    .append(", ").append(x.offset()).append('>');
            case null -> {
                if (t.size() > elideThreshold) {
                    sb.append("elided<").append(t.type()).append('>');
                } else if (t.size() > sideFileThreshold) {
                    external(sb, t);
                } else {
                    dense(sb, t);
                }
            }
        }
    }

    private void external(StringBuilder sb, Tensor t) {
        long offset = sideFile.size();
        byte[] bytes = TensorBytes.write(t);
        sideFile.write(bytes, 0, bytes.length);
        // Keep every tensor 64-byte aligned so the file can be memory-mapped by element type.
        while (sideFile.size() % 64 != 0) {
            sideFile.write(0);
        }
        sb.append("file<").append(t.type()).append(", ").append(Names.quote(sideFileName)).append(", ")
                .append(offset).append('>');
    }

    private static void dense(StringBuilder sb, Tensor t) {
        sb.append("dense<").append(t.type()).append(", [");
        for (int i = 0; i < t.size(); i++) {
            sb.append(i == 0 ? "" : ", ");
            if (t.elementType().isFloat()) {
                sb.append(Floats.format((float) t.getDouble(i)));
            } else {
                sb.append(t.getLong(i));
            }
        }
        sb.append("]>");
    }

    private static String element(ElementType et, double v) {
        if (et.isFloat()) {
            return Floats.format((float) v);
        }
        if (v != Math.rint(v)) {
            throw new IrException(null, "splat value " + v + " is not an integer");
        }
        return Long.toString((long) v);
    }
}
