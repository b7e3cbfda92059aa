package dev.octet.api;

import dev.octet.ir.Dim;
import dev.octet.ir.Node;
import dev.octet.ir.Value;

/** Multiply-accumulates per sample of a layer: what "share of MACs in int8" counts. */
public final class Macs {
    private Macs() {
    }

    /** MACs per sample of a Conv/Gemm/MatMul (float, fused or integer form); 0 for other ops. */
    public static long perSample(Node n) {
        long out = perSampleElements(n.output(0));
        return switch (n.op()) {
            case "Conv", "FusedConv", "ConvInteger" -> {
                long[] w = n.input(1).type().shape().sizes();
                long k = 1;
                for (int i = 1; i < w.length; i++) {
                    k *= w[i];
                }
                yield out * k;
            }
            case "Gemm", "FusedGemm" -> out * n.input(0).type().shape().size(
                    n.attributes().getInt("transA", 0) == 0 ? 1 : 0);
            case "MatMul", "MatMulInteger" -> {
                var a = n.input(0).type().shape();
                yield out * a.size(a.rank() - 1);
            }
            default -> 0;
        };
    }

    /** Elements of one sample: symbolic dimensions (the batch) count as 1. */
    private static long perSampleElements(Value v) {
        long p = 1;
        for (Dim d : v.type().shape().dims()) {
            p *= d.isFixed() ? d.size() : 1;
        }
        return p;
    }
}
