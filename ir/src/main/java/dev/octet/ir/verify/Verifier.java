package dev.octet.ir.verify;

import dev.octet.ir.Attribute;
import dev.octet.ir.Graph;
import dev.octet.ir.IrException;
import dev.octet.ir.Node;
import dev.octet.ir.OpException;
import dev.octet.ir.Tensor;
import dev.octet.ir.TensorType;
import dev.octet.ir.Value;
import dev.octet.ir.ops.OpContext;
import dev.octet.ir.ops.OpRegistry;
import dev.octet.ir.ops.OpSchema;
import dev.octet.ir.ops.Signature;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Checks that a graph is well formed: known ops with valid operand counts and attributes, every operand defined
 * before use (no dangling uses, no cycles), unique value names, and declared result types that agree with what each op
 * infers. The first problem found is thrown as an {@link IrException} naming the node and its location.
 */
public final class Verifier {
    private final OpRegistry registry;

    public Verifier(OpRegistry registry) {
        this.registry = registry;
    }

    public static void verify(Graph graph) {
        new Verifier(OpRegistry.standard()).check(graph);
    }

    public void check(Graph graph) {
        Map<Value, Integer> definedAt = definitions(graph);
        Map<Value, Tensor> constants = new IdentityHashMap<>();
        List<Node> nodes = graph.nodes();
        for (int i = 0; i < nodes.size(); i++) {
            Node node = nodes.get(i);
            OpSchema schema = registry.find(node.op());
            if (schema == null) {
                throw fail(node, "unknown op '" + node.op() + "'");
            }
            checkSignature(node, schema.signature());
            checkOperandsDefined(graph, node, i, definedAt);
            List<TensorType> declared = node.outputs().stream().map(Value::type).toList();
            List<TensorType> inferred = infer(node, schema, constants);
            for (int r = 0; r < declared.size(); r++) {
                if (!agrees(declared.get(r), inferred.get(r))) {
                    throw fail(node, "result %" + node.output(r).name() + " is declared " + declared.get(r)
                            + " but " + node.op() + " gives " + inferred.get(r));
                }
            }
            if (node.op().equals("Constant")) {
                constants.put(node.output(0), node.attributes().getTensor("value"));
            }
        }
        for (Value out : graph.outputs()) {
            if (!definedAt.containsKey(out)) {
                throw new IrException(null, "graph @" + graph.name() + " returns %" + out.name()
                        + ", which nothing defines");
            }
        }
    }

    /**
     * A declared type agrees with the inferred one when they are equal, or when the declared type omits
     * quantization parameters that inference derived (they become known when, say, constant folding makes a
     * scale constant). Parameters that are present must match.
     */
    static boolean agrees(TensorType declared, TensorType inferred) {
        return declared.equals(inferred)
                || (declared.quantization() == null && declared.equals(inferred.withoutQuantization()));
    }

    /** Position of each value's definition: -1 for graph inputs, else the node index. */
    private static Map<Value, Integer> definitions(Graph graph) {
        Map<Value, Integer> definedAt = new IdentityHashMap<>();
        Set<String> names = new HashSet<>();
        for (Value v : graph.inputs()) {
            if (!names.add(v.name())) {
                throw new IrException(null, "graph @" + graph.name() + " has two inputs named %" + v.name());
            }
            definedAt.put(v, -1);
        }
        for (int i = 0; i < graph.nodes().size(); i++) {
            Node n = graph.nodes().get(i);
            for (Value v : n.outputs()) {
                if (!names.add(v.name()) || definedAt.containsKey(v)) {
                    throw fail(n, "value %" + v.name() + " is defined more than once");
                }
                definedAt.put(v, i);
            }
        }
        return definedAt;
    }

    private static void checkSignature(Node node, Signature sig) {
        int in = node.inputs().size();
        if (in < sig.minInputs() || in > sig.maxInputs()) {
            throw fail(node, "takes " + range(sig.minInputs(), sig.maxInputs()) + " operands, got " + in);
        }
        for (int i = 0; i < sig.minInputs(); i++) {
            if (node.input(i) == null) {
                throw fail(node, "operand " + i + " is required");
            }
        }
        int out = node.outputs().size();
        if (out < sig.minOutputs() || out > sig.maxOutputs()) {
            throw fail(node, "has " + range(sig.minOutputs(), sig.maxOutputs()) + " results, got " + out);
        }
        for (Map.Entry<String, Attribute> a : node.attributes().asMap().entrySet()) {
            Signature.AttrSpec spec = sig.attributes().get(a.getKey());
            if (spec == null) {
                throw fail(node, "unknown attribute '" + a.getKey() + "'"
                        + (sig.attributes().isEmpty() ? " (it takes none)" : " (known: "
                        + String.join(", ", sig.attributes().keySet()) + ")"));
            }
            if (spec.kind() != a.getValue().kind()) {
                throw fail(node, "attribute '" + a.getKey() + "' must be " + kindName(spec.kind()) + ", got "
                        + kindName(a.getValue().kind()));
            }
        }
        for (Signature.AttrSpec spec : sig.attributes().values()) {
            if (spec.required() && !node.attributes().has(spec.name())) {
                throw fail(node, "attribute '" + spec.name() + "' is required");
            }
        }
    }

    private static void checkOperandsDefined(Graph graph, Node node, int index, Map<Value, Integer> definedAt) {
        for (Value v : node.inputs()) {
            if (v == null) {
                continue;
            }
            Integer at = definedAt.get(v);
            if (at == null) {
                throw fail(node, "operand %" + v.name() + " is not defined in the graph");
            }
            if (at >= index) {
                List<Node> cycle = Cycles.find(graph, node);
                if (!cycle.isEmpty()) {
                    throw fail(node, "is on a cycle: " + String.join(" -> ",
                            cycle.stream().map(Node::describe).toList()));
                }
                throw fail(node, "uses %" + v.name() + " before its definition (nodes must be in execution order)");
            }
        }
    }

    private static List<TensorType> infer(Node node, OpSchema schema, Map<Value, Tensor> constants) {
        List<TensorType> types = new ArrayList<>();
        List<Tensor> values = new ArrayList<>();
        for (Value v : node.inputs()) {
            types.add(v == null ? null : v.type());
            values.add(v == null ? null : constants.get(v));
        }
        try {
            List<TensorType> inferred = schema.inferTypes(
                    new OpContext(types, values, node.attributes(), node.outputs().size()));
            if (inferred.size() != node.outputs().size()) {
                throw fail(node, "declares " + node.outputs().size() + " results but " + node.op() + " gives "
                        + inferred.size());
            }
            return inferred;
        } catch (OpException | IllegalArgumentException | ArithmeticException e) {
            throw fail(node, e.getMessage());
        }
    }

    private static String range(int min, int max) {
        return min == max ? Integer.toString(min) : min + " to " + max;
    }

    private static String kindName(Attribute.Kind kind) {
        return kind.name().toLowerCase(java.util.Locale.ROOT);
    }

    /** An error about {@code node}, located where the node was written. */
    public static IrException fail(Node node, String message) {
        return new IrException(node.location(), node.describe() + ": " + message);
    }
}
