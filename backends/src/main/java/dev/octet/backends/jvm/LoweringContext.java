package dev.octet.backends.jvm;

import dev.octet.ir.Dim;
import dev.octet.ir.ElementType;
import dev.octet.ir.Graph;
import dev.octet.ir.Node;
import dev.octet.ir.Tensor;
import dev.octet.ir.Value;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * What an {@link OpLowering} works with: operand buffers (workspace slots or weights), shapes as
 * {@link IntExpr}s of the batch, new slots for results and scratch, and the steps being emitted. Tracks each slot's
 * live range for the memory planner.
 */
public final class LoweringContext {
    private final String batchSymbol;
    private final Map<Value, Tensor> constants = new HashMap<>();
    private final Map<Value, Buffer> buffers = new IdentityHashMap<>();
    private final Map<Object, WeightPack.Ref> derivedWeights = new HashMap<>();
    private final WeightPack weights;
    private final List<Slot> slots = new ArrayList<>();
    private List<Step> steps = new ArrayList<>();
    private int stepIndex;
    private boolean inLoop;
    private Node current;

    LoweringContext(Graph graph, String batchSymbol, WeightPack weights) {
        this.batchSymbol = batchSymbol;
        this.weights = weights;
        for (Node n : graph.nodes()) {
            if (n.op().equals("Constant")) {
                constants.put(n.output(0), n.attributes().getTensor("value"));
            }
        }
    }

    void setCurrent(Node node) {
        current = node;
    }

    /** "node 'name' (Op)": the prefix of every message about the node being lowered. */
    public String where() {
        return current == null ? "graph" : "node '" + current.name() + "' (" + current.op() + ")";
    }

    public CodegenException error(String message) {
        return new CodegenException(where() + ": " + message);
    }

    // ---------------------------------------------------------------- shapes

    public IntExpr[] dims(Value v) {
        List<Dim> ds = v.type().shape().dims();
        IntExpr[] out = new IntExpr[ds.size()];
        for (int i = 0; i < out.length; i++) {
            Dim d = ds.get(i);
            if (d.isFixed()) {
                out[i] = IntExpr.of(d.size());
            } else if (d.toString().equals(batchSymbol)) {
                out[i] = IntExpr.BATCH;
            } else {
                throw error("dimension " + d + " of " + v.name() + " is symbolic and not the batch " + batchSymbol);
            }
        }
        return out;
    }

    public static IntExpr product(IntExpr[] dims, int from, int to) {
        IntExpr p = IntExpr.ONE;
        for (int i = from; i < to; i++) {
            p = p.times(dims[i]);
        }
        return p;
    }

    public IntExpr count(Value v) {
        IntExpr[] d = dims(v);
        return product(d, 0, d.length);
    }

    /** A dimension that must be static for the kernel. */
    public int fixed(IntExpr e, String what) {
        if (!e.isConstant()) {
            throw error(what + " must not depend on the batch");
        }
        return Math.toIntExact(e.constant());
    }

    // ---------------------------------------------------------------- operands

    public boolean isConstant(Value v) {
        return constants.containsKey(v);
    }

    public Tensor constant(Value v) {
        Tensor t = constants.get(v);
        if (t == null) {
            throw error(v.name() + " must be a constant");
        }
        return t;
    }

    /** The buffer holding an operand: weights for constants, else the producer's slot. */
    public Buffer in(Value v) {
        Tensor t = constants.get(v);
        if (t != null) {
            return Buffer.of(weightOf(t, v.name()));
        }
        Buffer b = buffers.get(v);
        if (b == null) {
            throw error("operand " + v.name() + " has no buffer (produced by an unsupported op?)");
        }
        return b;
    }

    private WeightPack.Ref weightOf(Tensor t, String name) {
        return switch (Arena.of(t.elementType() == ElementType.I64 ? ElementType.I32 : t.elementType(), name)) {
            case F32 -> weights.add(t.floats());
            case I8 -> weights.add(t.bytes());
            case I32 -> weights.add(t.elementType() == ElementType.I64 ? narrow(t.longs(), name) : t.ints());
        };
    }

    private int[] narrow(long[] v, String name) {
        int[] r = new int[v.length];
        for (int i = 0; i < v.length; i++) {
            if (v[i] != (int) v[i]) {
                throw error("constant " + name + " holds " + v[i] + ", outside int32");
            }
            r[i] = (int) v[i];
        }
        return r;
    }

    /** Weights computed by a lowering (packed layouts, zero-point corrections), keyed to be shared. */
    public Buffer weight(Object key, float[] values) {
        return Buffer.of(derivedWeights.computeIfAbsent(key, k -> weights.add(values)));
    }

    public Buffer weight(Object key, int[] values) {
        return Buffer.of(derivedWeights.computeIfAbsent(key, k -> weights.add(values)));
    }

    public Buffer weight(Object key, byte[] values) {
        return Buffer.of(derivedWeights.computeIfAbsent(key, k -> weights.add(values)));
    }

    // ---------------------------------------------------------------- results

    /** The graph input, read where the caller passed it (kernels only write their results: Buffer.callerInput). */
    public Buffer input(Value v) {
        Buffer b = Buffer.callerInput();
        buffers.put(v, b);
        return b;
    }

    /** A new slot for a result value. */
    public Buffer out(Value v) {
        Slot s = newSlot(v.name(), Arena.of(v.type().elementType(), where() + " result " + v.name()), count(v));
        Buffer b = Buffer.of(s);
        buffers.put(v, b);
        return b;
    }

    /** The result shares its operand's memory (Reshape, Flatten, Identity, ...). */
    public void alias(Value result, Value operand) {
        if (isConstant(operand)) {
            constants.put(result, constant(operand).withType(
                    constant(operand).type().withShape(result.type().shape())));
            return;
        }
        buffers.put(result, in(operand));
    }

    /** Scratch memory live during the current step only. */
    public Buffer scratch(Arena arena, IntExpr size) {
        return Buffer.of(newSlot("scratch", arena, size));
    }

    private Slot newSlot(String name, Arena arena, IntExpr size) {
        Slot s = new Slot(name, arena, size, stepIndex);
        slots.add(s);
        return s;
    }

    // ---------------------------------------------------------------- steps

    /** Emits a kernel call. */
    public void call(String kernel, Object... args) {
        for (Object a : args) {
            if (a instanceof Buffer b && b.slot() != null) {
                b.slot().touch(stepIndex);
            }
        }
        steps.add(new Step.Call(kernel, Arrays.asList(args), where()));
        if (!inLoop) {
            stepIndex++;
        }
    }

    /**
     * A step that emits nothing: the copy of the input into its slot, or of the output out of it, which the class
     * emitter writes; it keeps {@code live} alive up to here.
     */
    public void boundary(Buffer... live) {
        for (Buffer b : live) {
            if (b.slot() != null) {
                b.slot().touch(stepIndex);
            }
        }
        stepIndex++;
    }

    /** Emits {@code body} inside a loop over {@code count} iterations (IntExprs may use the index). */
    public void loop(IntExpr count, Runnable body) {
        List<Step> outer = steps;
        steps = new ArrayList<>();
        inLoop = true;
        try {
            body.run();
        } finally {
            inLoop = false;
        }
        outer.add(new Step.Loop(count, steps));
        steps = outer;
        stepIndex++;
    }

    /** The offset step of the loop index: {@code IntExpr(0, stride, 0)}. */
    public static IntExpr perIndex(IntExpr stride) {
        if (!stride.isConstant()) {
            throw new CodegenException("per-image stride " + stride + " depends on the batch");
        }
        return new IntExpr(0, stride.constant(), 0);
    }

    List<Step> steps() {
        return steps;
    }

    List<Slot> slots() {
        return slots;
    }
}
