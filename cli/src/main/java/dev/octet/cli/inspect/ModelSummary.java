package dev.octet.cli.inspect;

import com.google.gson.FieldNamingPolicy;
import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import dev.octet.api.Macs;
import dev.octet.ir.Graph;
import dev.octet.ir.Node;
import dev.octet.ir.Quantization;
import dev.octet.ir.Tensor;
import dev.octet.ir.Value;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * What {@code octet inspect} shows of a graph: op counts, parameters and bytes per element type, the compute
 * layers with their precision (int8 when computed by an integer op) and multiply-accumulates per sample, and the
 * quantization parameters of every quantized tensor. {@code octet compile} stores it in the jar, so a compiled
 * model can be inspected without its source.
 */
public record ModelSummary(String model, String graph, String precision, Map<String, Integer> opCounts,
                           List<Parameters> parameters, List<Layer> layers, long macs, long int8Macs,
                           List<QuantizedTensor> quantizedTensors) {

    public record Parameters(String type, long elements, long bytes) {
    }

    public record Layer(String name, String op, String precision, long macs) {
    }

    public record QuantizedTensor(String name, String type, Integer axis, float[] scale, long[] zeroPoint) {
    }

    private static final Gson GSON = new GsonBuilder().setPrettyPrinting()
            .setFieldNamingPolicy(FieldNamingPolicy.LOWER_CASE_WITH_UNDERSCORES).create();

    public static ModelSummary of(String model, String precision, Graph g) {
        Map<String, Integer> ops = new TreeMap<>();
        Map<String, long[]> params = new TreeMap<>();
        List<Layer> layers = new ArrayList<>();
        List<QuantizedTensor> quantized = new ArrayList<>();
        long macs = 0;
        long int8Macs = 0;
        for (Node n : g.nodes()) {
            ops.merge(n.op(), 1, Integer::sum);
            if (n.op().equals("Constant")) {
                Tensor t = n.attributes().getTensor("value");
                if (t != null) {
                    long[] p = params.computeIfAbsent(t.elementType().textName(), k -> new long[2]);
                    p[0] += t.size();
                    p[1] += (long) t.size() * t.elementType().byteSize();
                }
            }
            long m = Macs.perSample(n);
            if (m > 0) {
                boolean integer = n.op().endsWith("Integer");
                layers.add(new Layer(layerName(g, n), n.op(), integer ? "int8" : "float", m));
                macs += m;
                int8Macs += integer ? m : 0;
            }
            for (Value v : n.outputs()) {
                if (v.type().isQuantized()) {
                    quantized.add(quantizedTensor(v));
                }
            }
        }
        List<Parameters> parameters = new ArrayList<>();
        params.forEach((type, p) -> parameters.add(new Parameters(type, p[0], p[1])));
        return new ModelSummary(model, g.name(), precision, ops, parameters, layers, macs, int8Macs, quantized);
    }

    public String toJson() {
        return GSON.toJson(this);
    }

    public static ModelSummary fromJson(String json) {
        return GSON.fromJson(json, ModelSummary.class);
    }

    public void print(PrintWriter out) {
        out.printf("model %s (graph @%s), precision %s%n", model, graph, precision);
        out.println("ops:");
        opCounts.forEach((op, n) -> out.printf("  %-24s %6d%n", op, n));
        out.println("parameters:");
        long bytes = 0;
        for (Parameters p : parameters) {
            out.printf("  %-6s %12d values %12d bytes%n", p.type(), p.elements(), p.bytes());
            bytes += p.bytes();
        }
        out.printf("  %-6s %12s        %12d bytes%n", "total", "", bytes);
        out.printf("layers (%d; %.1f%% of %d MACs per sample in int8):%n", layers.size(),
                macs == 0 ? 0.0 : 100.0 * int8Macs / macs, macs);
        for (Layer l : layers) {
            out.printf("  %-5s %-14s %12d MACs  %s%n", l.precision(), l.op(), l.macs(), l.name());
        }
        out.printf("quantized tensors (%d):%n", quantizedTensors.size());
        for (QuantizedTensor q : quantizedTensors) {
            out.printf("  %-40s %-4s %s%n", q.name(), q.type(), q.axis() == null
                    ? String.format(Locale.ROOT, "scale %s zero point %d", q.scale()[0], q.zeroPoint()[0])
                    : String.format(Locale.ROOT, "per-axis %d, %d scales in [%s, %s]", q.axis(), q.scale().length,
                            min(q.scale()), max(q.scale())));
        }
        out.flush();
    }

    /** The source name of a layer; lowering puts it on the op that finishes the layer, a few nodes on. */
    private static String layerName(Graph g, Node n) {
        Node current = n;
        for (int hop = 0; hop < 4 && current != null; hop++) {
            if (current.name() != null) {
                return current.name();
            }
            List<Node> users = g.users(current.output(0));
            current = users.size() == 1 ? users.getFirst() : null;
        }
        return n.output(0).name();
    }

    private static QuantizedTensor quantizedTensor(Value v) {
        Quantization q = v.type().quantization();
        String type = v.type().elementType().textName();
        if (q instanceof Quantization.PerAxis a) {
            float[] s = new float[a.channels()];
            long[] z = new long[a.channels()];
            for (int i = 0; i < s.length; i++) {
                s[i] = a.scale(i);
                z[i] = a.zeroPoint(i);
            }
            return new QuantizedTensor(v.name(), type, a.axis(), s, z);
        }
        return new QuantizedTensor(v.name(), type, null, new float[] {q.scale(0)}, new long[] {q.zeroPoint(0)});
    }

    private static float min(float[] v) {
        float m = Float.POSITIVE_INFINITY;
        for (float x : v) {
            m = Math.min(m, x);
        }
        return m;
    }

    private static float max(float[] v) {
        float m = Float.NEGATIVE_INFINITY;
        for (float x : v) {
            m = Math.max(m, x);
        }
        return m;
    }
}
