package dev.octet.ir.eval;

import dev.octet.ir.Dim;
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
import dev.octet.ir.verify.Verifier;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs a graph with each op's reference semantics, in plain scalar Java: the oracle every backend and pass is
 * checked against. The graph is verified once, at construction. Symbolic dimensions are bound from the inputs
 * of each call, and every result is checked against its declared type. Intermediate tensors are dropped after
 * their last use.
 */
public final class ReferenceEvaluator {

    /** Sees every value computed during a run (graph inputs included), e.g. for calibration. */
    @FunctionalInterface
    public interface Observer {
        void onValue(Value value, Tensor tensor);
    }

    private final Graph graph;
    private final OpRegistry registry;
    private final Map<Value, Integer> lastUse = new IdentityHashMap<>();

    public ReferenceEvaluator(Graph graph) {
        this(graph, OpRegistry.standard());
    }

    public ReferenceEvaluator(Graph graph, OpRegistry registry) {
        new Verifier(registry).check(graph);
        this.graph = graph.copy();
        this.registry = registry;
        List<Node> nodes = this.graph.nodes();
        for (int i = 0; i < nodes.size(); i++) {
            for (Value v : nodes.get(i).inputs()) {
                if (v != null) {
                    lastUse.put(v, i);
                }
            }
        }
        this.graph.outputs().forEach(v -> lastUse.put(v, Integer.MAX_VALUE));
    }

    /** Evaluates the graph; {@code inputs} in the order of the graph's inputs. */
    public List<Tensor> run(List<Tensor> inputs) {
        return run(inputs, (v, t) -> { });
    }

    public List<Tensor> run(List<Tensor> inputs, Observer observer) {
        Map<String, Long> bindings = new HashMap<>();
        Map<Value, Tensor> env = new IdentityHashMap<>();
        bindInputs(inputs, bindings, env, observer);
        List<Node> nodes = graph.nodes();
        for (int i = 0; i < nodes.size(); i++) {
            Node node = nodes.get(i);
            List<Tensor> results = evaluate(node, env, bindings);
            for (int r = 0; r < results.size(); r++) {
                env.put(node.output(r), results.get(r));
                observer.onValue(node.output(r), results.get(r));
            }
            for (Value v : node.inputs()) {
                if (v != null && lastUse.get(v) == i) {
                    env.remove(v);
                }
            }
        }
        List<Tensor> outputs = new ArrayList<>();
        for (Value v : graph.outputs()) {
            outputs.add(env.get(v));
        }
        return outputs;
    }

    private void bindInputs(List<Tensor> inputs, Map<String, Long> bindings, Map<Value, Tensor> env,
                            Observer observer) {
        if (inputs.size() != graph.inputs().size()) {
            throw new IrException(null, "graph @" + graph.name() + " takes " + graph.inputs().size()
                    + " inputs, got " + inputs.size());
        }
        for (int i = 0; i < inputs.size(); i++) {
            Value v = graph.inputs().get(i);
            Tensor t = inputs.get(i);
            String mismatch = "input %" + v.name() + " is declared " + v.type() + " but got " + t.type();
            if (t.elementType() != v.type().elementType() || t.shape().rank() != v.type().rank()) {
                throw new IrException(null, mismatch);
            }
            for (int d = 0; d < t.shape().rank(); d++) {
                Dim declared = v.type().shape().dim(d);
                long actual = t.shape().size(d);
                if (declared instanceof Dim.Symbol s) {
                    Long bound = bindings.putIfAbsent(s.name(), actual);
                    if (bound != null && bound != actual) {
                        throw new IrException(null, mismatch + " (" + s.name() + " is already " + bound + ")");
                    }
                } else if (declared.size() != actual) {
                    throw new IrException(null, mismatch);
                }
            }
            Tensor typed = t.withType(v.type().bind(bindings));
            env.put(v, typed);
            observer.onValue(v, typed);
        }
    }

    private List<Tensor> evaluate(Node node, Map<Value, Tensor> env, Map<String, Long> bindings) {
        List<Tensor> values = new ArrayList<>();
        for (Value v : node.inputs()) {
            values.add(v == null ? null : env.get(v));
        }
        List<Tensor> results = new ArrayList<>(evaluateNode(registry.find(node.op()), node, values));
        for (int r = 0; r < results.size(); r++) {
            Tensor t = results.get(r);
            // Quantization parameters known only at run time (from non-constant scales) are not part of the type.
            if (node.output(r).type().quantization() == null && t.type().isQuantized()) {
                t = t.withType(t.type().withoutQuantization());
                results.set(r, t);
            }
            checkResult(node, r, t, bindings);
        }
        return results;
    }

    /**
     * Applies one node's op to concrete operand values (null for absent operands), as constant folding needs.
     * Errors name the node.
     */
    public static List<Tensor> evaluateNode(OpSchema schema, Node node, List<Tensor> values) {
        List<TensorType> types = new ArrayList<>();
        for (Tensor t : values) {
            types.add(t == null ? null : t.type());
        }
        try {
            OpContext ctx = new OpContext(types, values, node.attributes(), node.outputs().size());
            return schema.evaluate(ctx, schema.inferTypes(ctx));
        } catch (OpException | IllegalArgumentException | ArithmeticException e) {
            throw Verifier.fail(node, e.getMessage());
        }
    }

    /** A result must match its declared type once symbols are bound; new symbols bind here. */
    private static void checkResult(Node node, int r, Tensor t, Map<String, Long> bindings) {
        TensorType declared = node.output(r).type();
        List<Dim> dims = declared.shape().dims();
        boolean ok = t.elementType() == declared.elementType() && t.shape().rank() == dims.size()
                && java.util.Objects.equals(t.type().quantization(), declared.quantization());
        for (int d = 0; ok && d < dims.size(); d++) {
            long actual = t.shape().size(d);
            if (dims.get(d) instanceof Dim.Symbol s) {
                Long bound = bindings.putIfAbsent(s.name(), actual);
                ok = bound == null || bound == actual;
            } else {
                ok = dims.get(d).size() == actual;
            }
        }
        if (!ok) {
            throw Verifier.fail(node, "result %" + node.output(r).name() + " is declared " + declared
                    + " but evaluated to " + t.type() + " with " + bindings);
        }
    }
}
