package dev.octet.passes.transforms;

import dev.octet.ir.Attributes;
import dev.octet.ir.Graph;
import dev.octet.ir.Node;
import dev.octet.ir.Tensor;
import dev.octet.ir.Value;
import dev.octet.ir.eval.ReferenceEvaluator;
import dev.octet.ir.ops.OpRegistry;
import dev.octet.ir.ops.OpSchema;
import dev.octet.passes.Pass;
import dev.octet.passes.PassContext;
import dev.octet.passes.PassInfo;
import dev.octet.passes.PassOption;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * Replaces a node whose operands are all constants by Constant nodes holding its results, computed with the
 * reference semantics. Results keep their values (and names), so no use needs rewriting; operands left unused
 * are for {@code dce}. Results larger than {@code max-elements} are not folded, so that folding never turns a
 * small graph into a huge one (a Tile or Expand of a constant, say).
 *
 * <pre>
 *   %a = Constant() {value = dense<f32[2], [1.0, 2.0]>} : f32[2]
 *   %b = Add(%a, %a) : f32[2]
 * becomes
 *   %a = Constant() {value = dense<f32[2], [1.0, 2.0]>} : f32[2]
 *   %b = Constant() {value = dense<f32[2], [2.0, 4.0]>} : f32[2]
 * </pre>
 */
public final class FoldConstantsPass implements Pass {
    public static final PassInfo INFO = new PassInfo("fold-constants",
            "Evaluate nodes whose operands are all constants",
            "Replaces each node whose operands are all Constant results by Constant nodes holding its results.",
            List.of(new PassOption("max-elements", "largest result (in elements) that is folded", "1048576")),
            options -> new FoldConstantsPass(options.getLong("max-elements")));

    private final long maxElements;

    public FoldConstantsPass(long maxElements) {
        this.maxElements = maxElements;
    }

    @Override
    public boolean run(Graph graph, PassContext context) {
        OpRegistry registry = OpRegistry.standard();
        Map<Value, Tensor> constants = new IdentityHashMap<>();
        boolean changed = false;
        for (Node node : List.copyOf(graph.nodes())) {
            if (node.op().equals("Constant")) {
                constants.put(node.output(0), node.attributes().getTensor("value"));
                continue;
            }
            OpSchema schema = registry.find(node.op());
            if (!schema.isFoldable() || !allConstant(node, constants) || !smallEnough(node)) {
                continue;
            }
            List<Tensor> operands = new ArrayList<>();
            node.inputs().forEach(v -> operands.add(v == null ? null : constants.get(v)));
            List<Tensor> results = ReferenceEvaluator.evaluateNode(schema, node, operands);
            List<Node> replacements = new ArrayList<>();
            for (int r = 0; r < results.size(); r++) {
                Value out = node.output(r);
                Tensor value = results.get(r).withType(out.type()).withLiteral(null);
                constants.put(out, value);
                replacements.add(Node.of("Constant", List.of(), List.of(out),
                        Attributes.builder().put("value", value).build()));
            }
            graph.replace(node, replacements);
            context.count("nodes-folded");
            changed = true;
        }
        return changed;
    }

    private static boolean allConstant(Node node, Map<Value, Tensor> constants) {
        return node.inputs().stream().allMatch(v -> v == null || constants.containsKey(v));
    }

    private boolean smallEnough(Node node) {
        for (Value out : node.outputs()) {
            if (!out.type().shape().isStatic() || out.type().shape().elementCount() > maxElements) {
                return false;
            }
        }
        return true;
    }
}
