package dev.octet.backends.jvm;

import dev.octet.backends.jvm.lower.Fusion;
import dev.octet.backends.jvm.lower.Lowerings;
import dev.octet.ir.Dim;
import dev.octet.ir.ElementType;
import dev.octet.ir.Graph;
import dev.octet.ir.Node;
import dev.octet.ir.Value;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * A graph lowered to kernel calls over planned memory: what the class emitter needs. The graph must have one f32
 * input and one f32 output; a symbolic leading input dimension is the batch.
 */
public record LoweredModel(List<Step> steps, Map<Arena, IntExpr> arenaSizes, Buffer input, Buffer output,
        int inPerSample, int outPerSample, long[] inputShape, long[] outputShape, boolean batched,
        WeightPack weights) {

    public static LoweredModel lower(Graph graph) {
        if (graph.inputs().size() != 1 || graph.outputs().size() != 1) {
            throw new CodegenException("graph @" + graph.name() + " has " + graph.inputs().size() + " inputs and "
                    + graph.outputs().size() + " outputs; the JVM backend compiles one input and one output");
        }
        Value in = graph.inputs().get(0);
        Value out = graph.outputs().get(0);
        for (Value v : List.of(in, out)) {
            if (v.type().elementType() != ElementType.F32) {
                throw new CodegenException("graph @" + graph.name() + ": " + v.name() + " is "
                        + v.type().elementType() + "; the compiled interface is float32");
            }
        }
        List<Dim> dims = in.type().shape().dims();
        String batch = !dims.isEmpty() && !dims.get(0).isFixed() ? dims.get(0).toString() : null;
        WeightPack weights = new WeightPack();
        LoweringContext cx = new LoweringContext(graph, batch, weights);
        Buffer input = cx.input(in);
        cx.boundary(input);
        Map<Node, Fusion> fused = new IdentityHashMap<>();
        for (Fusion f : Lowerings.fusions(graph, cx::isConstant)) {
            f.nodes().forEach(n -> fused.put(n, f));
        }
        for (Node node : graph.nodes()) {
            if (node.op().equals("Constant")) {
                continue;
            }
            cx.setCurrent(node);
            Fusion fusion = fused.get(node);
            if (fusion != null) {
                // The group's last node lowers all of it; the others emit nothing.
                if (fusion.nodes().get(fusion.nodes().size() - 1) == node) {
                    fusion.lower(cx);
                }
                continue;
            }
            OpLowering lowering = Lowerings.forOp(node.op()).orElseThrow(() -> cx.error(
                    "op " + node.op() + " is not supported by the JVM backend"));
            lowering.lower(node, cx);
        }
        cx.setCurrent(null);
        Buffer output = cx.in(out);
        cx.boundary(output);
        Map<Arena, IntExpr> sizes = MemoryPlanner.plan(cx.slots());
        IntExpr inCount = cx.count(in);
        IntExpr outCount = cx.count(out);
        boolean batched = batch != null;
        if (batched && (inCount.constant() != 0 || outCount.constant() != 0 || outCount.perBatch() == 0)) {
            throw new CodegenException("graph @" + graph.name() + ": input " + in.type().shape() + " and output "
                    + out.type().shape() + " must both hold the batch " + batch + " once");
        }
        return new LoweredModel(List.copyOf(cx.steps()), sizes, input, output,
                Math.toIntExact(batched ? inCount.perBatch() : inCount.constant()),
                Math.toIntExact(batched ? outCount.perBatch() : outCount.constant()),
                shape(in), shape(out), batched, weights);
    }

    /** Static sizes, -1 for the batch. */
    private static long[] shape(Value v) {
        return v.type().shape().dims().stream().mapToLong(d -> d.isFixed() ? d.size() : -1).toArray();
    }
}
