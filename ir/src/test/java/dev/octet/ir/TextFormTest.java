package dev.octet.ir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.octet.ir.text.IrPrinter;
import dev.octet.ir.text.IrTextParser;
import dev.octet.ir.verify.Verifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TextFormTest {

    @Test
    void everyAttributeKindRoundTrips() {
        Value x = new Value("x", TensorType.of(ElementType.F32, 2));
        Value y = new Value("y", TensorType.of(ElementType.F32, 2));
        Attributes attrs = Attributes.builder()
                .put("i", -3L).put("f", 1.0e-5f).put("s", "tab\tquote\"")
                .put("ints", new long[] {1, -2}).put("floats", new Attribute.FloatsAttr(0.5f, Float.NaN))
                .put("strings", new Attribute.StringsAttr(List.of("a", "b c")))
                .put("t", Tensor.ofFloats(Shape.of(2), 1, 2)).build();
        Graph g = new Graph("custom", List.of(x), List.of(Node.of("Custom", List.of(x), List.of(y), attrs)), List.of(y));
        String printed = IrPrinter.print(g);
        Graph again = IrTextParser.parse(printed, "<printed>");
        assertEquals(printed, IrPrinter.print(again));
        assertEquals(attrs, again.nodes().getFirst().attributes());
    }

    @Test
    void largeConstantsMoveToASideFileAndComeBack(@TempDir Path dir) throws Exception {
        Graph g = Graphs.parse("""
                graph @g(%x: f32[N,300]) {
                  %w = Constant() {value = random<f32[300,300], 4>} : f32[300,300]
                  %y = MatMul(%x, %w) : f32[N,300]
                  return %y
                }""");
        // A folded (plain) constant has no fill literal; give it one that must be written out.
        Node w = g.nodes().getFirst();
        Tensor plain = w.attributes().getTensor("value").withLiteral(null);
        g.replace(w, List.of(w.withAttributes(Attributes.builder().put("value", plain).build())));
        Path file = dir.resolve("model.oir");
        IrPrinter.toFile(g, file, 1024);
        assertTrue(Files.readString(file).contains("file<f32[300,300], \"model.oir.bin\", 0>"));
        assertEquals(300 * 300 * 4, Files.size(dir.resolve("model.oir.bin")));
        Graph back = IrTextParser.parseFile(file);
        Verifier.verify(back);
        assertEquals(plain, back.nodes().getFirst().attributes().getTensor("value"));
    }

    @Test
    void truncatedSideFileIsAClearError(@TempDir Path dir) throws Exception {
        Files.write(dir.resolve("w.bin"), new byte[10]);
        Path file = dir.resolve("m.oir");
        Files.writeString(file, """
                graph @g() {
                  %w = Constant() {value = file<f32[4], "w.bin", 0>} : f32[4]
                  return %w
                }""");
        IrException e = assertThrows(IrException.class, () -> IrTextParser.parseFile(file));
        assertEquals(file + ":2:41: side file \"w.bin\" has 10 bytes; f32[4] at offset 0 needs 16", e.getMessage());
    }

    @Test
    void errorsAreOneLineWithFileLineColumn() {
        String[] bad = {
            "graph @g(%x: f32[2]) {\n  %y = Relu(%x) : f32[2]\n",            // unexpected end
            "graph @g(%x: f32[2]) {\n  return %x\n} trailing",
            "graph @g(%x: f32[2]) {\n  %y = Relu(%x) : f32[2] loc(3)\n  return %y\n}",
            "grap @g() {\n  return\n}",
            "graph @g() {\n  %c = Constant() {value = dense<f32[2], 1.0>} : f32[2]\n  return %c\n}",
            "graph @g() {\n  %c = Constant() {value = random<f32[2], 1.5>} : f32[2]\n  return %c\n}",
            "graph @g() {\n  %c = Constant() {value = dense<f32[1], [1e999]>} : f32[1]\n  return %c\n}",
            "graph @g(%x: i8<axis=3, {0.1:0}>[2]) {\n  return %x\n}",
            "",
        };
        for (String text : bad) {
            IrException e = assertThrows(IrException.class, () -> IrTextParser.parse(text, "bad.oir"), text);
            assertTrue(e.getMessage().matches("bad\\.oir:\\d+:\\d+: .*"), e.getMessage());
            assertFalse(e.getMessage().contains("\n"), e.getMessage());
        }
    }

    @Test
    void quantizedTypesPrintTheirParameters() {
        TensorType t = new TensorType(ElementType.I8, Shape.of(2, 2),
                new Quantization.PerAxis(1, new float[] {0.5f, 0.25f}, new long[] {0, -1}));
        assertEquals("i8<axis=1, {0.5:0, 0.25:-1}>[2,2]", t.toString());
        assertEquals("u8<0.1:128>[N,3]", new TensorType(ElementType.U8,
                new Shape(List.of(Dim.symbol("N"), Dim.of(3))), new Quantization.PerTensor(0.1f, 128)).toString());
    }
}
