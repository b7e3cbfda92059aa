package dev.octet.backends.jvm.lower;

import dev.octet.backends.jvm.OpLowering;
import dev.octet.ir.Graph;
import dev.octet.ir.Node;
import dev.octet.ir.Value;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;

/** The ops the JVM backend compiles, and how. */
public final class Lowerings {
    private static final Map<String, OpLowering> BY_OP = new HashMap<>();

    static {
        BY_OP.put("Gemm", LinearLowering::gemm);
        BY_OP.put("FusedGemm", LinearLowering::gemm);
        BY_OP.put("MatMul", LinearLowering::matMul);
        BY_OP.put("MatMulInteger", LinearLowering::matMulInteger);
        for (String op : Set.of("Conv", "FusedConv", "ConvInteger")) {
            BY_OP.put(op, ConvLowering::conv);
        }
        ElementwiseLowering.BINARY.keySet().forEach(op -> BY_OP.put(op, ElementwiseLowering::binary));
        ElementwiseLowering.UNARY.keySet().forEach(op -> BY_OP.put(op, ElementwiseLowering::unary));
        for (String op : Set.of("LeakyRelu", "Clip", "Gelu")) {
            BY_OP.put(op, ElementwiseLowering::unary);
        }
        BY_OP.put("Cast", ElementwiseLowering::cast);
        BY_OP.put("QuantizeLinear", QuantLowering::quantize);
        BY_OP.put("DequantizeLinear", QuantLowering::dequantize);
        BY_OP.put("Requantize", QuantLowering::requantize);
        BY_OP.put("DynamicQuantizeRows", QuantLowering::dynamicQuantizeRows);
        for (String op : Set.of("Reshape", "Flatten", "Squeeze", "Unsqueeze", "Identity", "Dropout")) {
            BY_OP.put(op, LayoutLowering::view);
        }
        BY_OP.put("Transpose", LayoutLowering::transpose);
        BY_OP.put("Split", LayoutLowering::split);
        BY_OP.put("Concat", LayoutLowering::concat);
        BY_OP.put("Softmax", NormLowering::softmax);
        BY_OP.put("LayerNormalization", NormLowering::layerNorm);
        for (String op : Set.of("ReduceMean", "ReduceSum", "ReduceMax", "ReduceMin")) {
            BY_OP.put(op, NormLowering::reduce);
        }
        for (String op : Set.of("MaxPool", "AveragePool", "GlobalAveragePool", "GlobalMaxPool")) {
            BY_OP.put(op, PoolLowering::pool);
        }
    }

    private Lowerings() {
    }

    public static Optional<OpLowering> forOp(String op) {
        return Optional.ofNullable(BY_OP.get(op));
    }

    /** The groups of nodes {@code g} lowers as one call each (see {@link Fusion}). */
    public static List<Fusion> fusions(Graph g, Predicate<Value> isConstant) {
        List<Fusion> all = new ArrayList<>(DynamicMatMulFusion.extend(g, DynamicDequantizeFusion.find(g, isConstant),
                isConstant));
        all.addAll(ConvPoolFusion.find(g, isConstant));
        // After ConvPoolFusion: a convolution whose sums are pooled takes its bias after the pooling.
        all.addAll(ConvBiasFusion.find(g, isConstant));
        all.addAll(MatMulBiasFusion.find(g, isConstant));
        all.addAll(ResidualAddFusion.find(g, isConstant));
        all.addAll(HeadMatMulFusion.find(g, isConstant));
        // A node lowers in at most one group: a later group overlapping an earlier one is dropped.
        Set<Node> claimed = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        List<Fusion> disjoint = new ArrayList<>();
        for (Fusion f : all) {
            if (f.nodes().stream().noneMatch(claimed::contains)) {
                claimed.addAll(f.nodes());
                disjoint.add(f);
            }
        }
        return disjoint;
    }

    public static Set<String> supportedOps() {
        return Set.copyOf(BY_OP.keySet());
    }
}
