package dev.octet.ir;

import dev.octet.ir.eval.ReferenceEvaluator;
import dev.octet.ir.text.IrTextParser;
import java.util.List;

/** Test helpers: parse a graph from text and run it. */
final class Graphs {
    private Graphs() {
    }

    static Graph parse(String text) {
        return IrTextParser.parse(text, "<test>");
    }

    static List<Tensor> run(String text, Tensor... inputs) {
        return new ReferenceEvaluator(parse(text)).run(List.of(inputs));
    }

    static float[] runFloats(String text, Tensor... inputs) {
        return run(text, inputs).getFirst().floats();
    }
}
