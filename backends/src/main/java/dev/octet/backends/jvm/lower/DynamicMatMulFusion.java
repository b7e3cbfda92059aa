package dev.octet.backends.jvm.lower;

import dev.octet.backends.jvm.Arena;
import dev.octet.backends.jvm.IntExpr;
import dev.octet.backends.jvm.LoweringContext;
import dev.octet.backends.jvm.lower.LinearLowering.IntegerProduct;
import dev.octet.ir.ElementType;
import dev.octet.ir.Graph;
import dev.octet.ir.Node;
import dev.octet.ir.Value;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * A dynamically quantized MatMul as quantize-dynamic writes it,
 * <pre>
 *   xq, rowScale, rowZp = DynamicQuantizeRows(x); acc = MatMulInteger(xq, W); y = epilogue(acc, rowZp, rowScale)
 * </pre>
 * with constant int8 W and the dequantizing epilogue of {@link DynamicDequantizeFusion}, becomes one
 * {@code dynamicMatMul} call: with the VNNI kernels the products are dequantized where they land in native memory,
 * not copied to an int32 tensor and read back. The arithmetic is the three ops', so the result is bit-identical.
 */
final class DynamicMatMulFusion implements Fusion {
    private final Node quantize;
    private final Node matMul;
    private final DynamicDequantizeFusion epilogue;
    private final List<Node> nodes;

    private DynamicMatMulFusion(Node quantize, Node matMul, DynamicDequantizeFusion epilogue) {
        this.quantize = quantize;
        this.matMul = matMul;
        this.epilogue = epilogue;
        List<Node> all = new ArrayList<>(List.of(quantize, matMul));
        all.addAll(epilogue.nodes());
        this.nodes = List.copyOf(all);
    }

    /**
     * {@code epilogues} (DynamicDequantizeFusion.find's), each extended by its quantization and product where the
     * pattern holds: xq, rowScale and rowZp used only inside the group, W a constant int8 matrix, no zero points.
     */
    static List<Fusion> extend(Graph g, List<Fusion> epilogues, Predicate<Value> constants) {
        Map<Value, Node> producers = g.producers();
        Map<Value, Node> onlyUser = Fusion.onlyUsers(g);
        List<Fusion> out = new ArrayList<>();
        for (Fusion f : epilogues) {
            DynamicDequantizeFusion e = (DynamicDequantizeFusion) f;
            Node mm = onlyUser.containsKey(e.acc()) ? producers.get(e.acc()) : null;
            Node dq = mm != null && mm.op().equals("MatMulInteger") && mm.inputs().size() == 2
                    ? producers.get(mm.input(0)) : null;
            boolean fits = dq != null && dq.op().equals("DynamicQuantizeRows") && onlyUser.get(dq.output(0)) == mm
                    && dq.output(0).type().elementType() == ElementType.U8
                    && dq.output(1) == e.rowScale() && onlyUser.containsKey(dq.output(1))
                    && dq.output(2) == e.rowZp() && onlyUser.containsKey(dq.output(2))
                    && constants.test(mm.input(1)) && mm.input(1).type().elementType() == ElementType.I8
                    && mm.input(1).type().rank() == 2;
            out.add(fits ? new DynamicMatMulFusion(dq, mm, e) : e);
        }
        return out;
    }

    @Override
    public List<Node> nodes() {
        return nodes;
    }

    @Override
    public void lower(LoweringContext cx) {
        Value x = quantize.input(0);
        IntExpr[] d = cx.dims(x);
        int k = cx.fixed(d[d.length - 1], "K");
        int n = epilogue.columns();
        IntExpr rows = LoweringContext.product(d, 0, d.length - 1);
        List<Object> args = new ArrayList<>(List.of(cx.in(x), cx.scratch(Arena.I8, rows.times(k)),
                cx.scratch(Arena.F32, rows), cx.scratch(Arena.I32, rows)));
        IntegerProduct p = IntegerProduct.of(matMul, cx, null, rows, k, n);
        args.addAll(List.of(p.weights(), p.corr(), cx.scratch(Arena.I32, rows.times(n))));
        args.addAll(epilogue.columnOperands(cx));
        args.addAll(List.of(cx.out(epilogue.result()), rows, IntExpr.of(n), IntExpr.of(k), p.narrow(), p.scratch(),
                p.ints()));
        cx.call("dynamicMatMul", args.toArray());
    }
}
