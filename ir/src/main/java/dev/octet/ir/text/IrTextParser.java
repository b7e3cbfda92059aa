package dev.octet.ir.text;

import dev.octet.ir.Attribute;
import dev.octet.ir.Attributes;
import dev.octet.ir.Dim;
import dev.octet.ir.ElementType;
import dev.octet.ir.Floats;
import dev.octet.ir.Graph;
import dev.octet.ir.IrException;
import dev.octet.ir.Node;
import dev.octet.ir.Quantization;
import dev.octet.ir.Shape;
import dev.octet.ir.SourceLocation;
import dev.octet.ir.Tensor;
import dev.octet.ir.TensorBytes;
import dev.octet.ir.TensorType;
import dev.octet.ir.Value;
import dev.octet.ir.ops.OpRegistry;
import dev.octet.ir.ops.OpSchema;
import dev.octet.ir.ops.Signature;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.antlr.v4.runtime.BaseErrorListener;
import org.antlr.v4.runtime.CharStreams;
import org.antlr.v4.runtime.CommonTokenStream;
import org.antlr.v4.runtime.ParserRuleContext;
import org.antlr.v4.runtime.RecognitionException;
import org.antlr.v4.runtime.Recognizer;
import org.antlr.v4.runtime.Token;
import org.antlr.v4.runtime.tree.TerminalNode;

/**
 * Reads IR text into a {@link Graph}. Every error is an {@link IrException} at {@code file:line:column}.
 * The graph is not verified here; run the verifier next. Operands may refer to values defined further down
 * (so that the verifier, not the parser, reports cycles), but never to values defined nowhere.
 */
public final class IrTextParser {
    /**
     * The most bytes the constants of one file may take ({@code random}, {@code splat}, {@code dense} and
     * {@code file} literals together): a few lines of text must not ask for gigabytes. 1 GiB unless the system
     * property {@code octet.ir.maxLiteralBytes} says otherwise.
     */
    public static final long MAX_LITERAL_BYTES = Long.getLong("octet.ir.maxLiteralBytes", 1L << 30);

    private long literalBytes;

    private final String source;
    private final Path baseDir;
    private final Map<String, Value> scope = new HashMap<>();

    private IrTextParser(String source, Path baseDir) {
        this.source = source;
        this.baseDir = baseDir;
    }

    /** Parses IR text read from {@code file}; side-file constants are resolved next to it. */
    public static Graph parseFile(Path file) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IrException(null, "cannot read " + file + ": " + e.getMessage(), e);
        }
        Path dir = file.toAbsolutePath().getParent();
        return new IrTextParser(file.toString(), dir).parseText(text);
    }

    /** Parses IR text; {@code sourceName} appears in error locations. Side files resolve against {@code baseDir}. */
    public static Graph parse(String text, String sourceName, Path baseDir) {
        return new IrTextParser(sourceName, baseDir).parseText(text);
    }

    public static Graph parse(String text, String sourceName) {
        return parse(text, sourceName, null);
    }

    private Graph parseText(String text) {
        OctetIRLexer lexer = new OctetIRLexer(CharStreams.fromString(text, source));
        OctetIRParser parser = new OctetIRParser(new CommonTokenStream(lexer));
        ThrowingErrorListener listener = new ThrowingErrorListener();
        lexer.removeErrorListeners();
        lexer.addErrorListener(listener);
        parser.removeErrorListeners();
        parser.addErrorListener(listener);
        return graph(parser.file().graph());
    }

    private final class ThrowingErrorListener extends BaseErrorListener {
        @Override
        public void syntaxError(Recognizer<?, ?> recognizer, Object offending, int line, int column,
                                String msg, RecognitionException e) {
            throw new IrException(new SourceLocation(source, line, column + 1), "syntax error: " + msg);
        }
    }

    private Graph graph(OctetIRParser.GraphContext g) {
        keyword(g.ident(), "graph");
        List<Value> inputs = new ArrayList<>();
        for (OctetIRParser.ParamContext p : g.param()) {
            inputs.add(define(p.VALUE_ID(), type(p.type())));
        }
        // First pass: define every result, so operands may refer forward.
        Map<OctetIRParser.NodeContext, List<Value>> results = new LinkedHashMap<>();
        for (OctetIRParser.NodeContext n : g.node()) {
            if (n.VALUE_ID().size() != n.type().size()) {
                throw error(n.start, n.VALUE_ID().size() + " results but " + n.type().size() + " result types");
            }
            List<Value> outs = new ArrayList<>();
            for (int i = 0; i < n.VALUE_ID().size(); i++) {
                outs.add(define(n.VALUE_ID(i), type(n.type(i))));
            }
            results.put(n, outs);
        }
        List<Node> nodes = new ArrayList<>();
        results.forEach((n, outs) -> nodes.add(node(n, outs)));
        keyword(g.ret().ident(), "return");
        List<Value> outputs = new ArrayList<>();
        for (TerminalNode id : g.ret().VALUE_ID()) {
            outputs.add(use(id));
        }
        return new Graph(Names.fromSigil(g.GLOBAL_ID().getText()), inputs, nodes, outputs);
    }

    private Node node(OctetIRParser.NodeContext n, List<Value> outputs) {
        String op = n.ident().getText();
        List<Value> inputs = new ArrayList<>();
        for (OctetIRParser.OperandContext o : n.operand()) {
            inputs.add(o.VALUE_ID() == null ? null : use(o.VALUE_ID()));
        }
        Attributes attrs = n.attrDict() == null ? Attributes.EMPTY : attributes(op, n.attrDict());
        String name = null;
        if (n.location() != null) {
            keyword(n.location().ident(), "loc");
            name = string(n.location().STRING());
        }
        return new Node(op, inputs, outputs, attrs, name, at(n.start));
    }

    private Value define(TerminalNode id, TensorType type) {
        String name = Names.fromSigil(id.getText());
        if (scope.containsKey(name)) {
            throw error(id.getSymbol(), "value %" + name + " is defined twice");
        }
        Value v = new Value(name, type);
        scope.put(name, v);
        return v;
    }

    private Value use(TerminalNode id) {
        Value v = scope.get(Names.fromSigil(id.getText()));
        if (v == null) {
            throw error(id.getSymbol(), "use of undefined value " + id.getText());
        }
        return v;
    }

    private TensorType type(OctetIRParser.TypeContext t) {
        String etName = t.ident().getText();
        ElementType et = ElementType.fromTextName(etName)
                .orElseThrow(() -> error(t.start, "unknown element type '" + etName + "'"));
        List<Dim> dims = new ArrayList<>();
        for (OctetIRParser.DimContext d : t.dim()) {
            if (d.INT() != null) {
                long size = parseLong(d.INT().getSymbol());
                if (size < 0) {
                    throw error(d.start, "negative dimension " + size);
                }
                dims.add(Dim.of(size));
            } else {
                dims.add(Dim.symbol(d.ident().getText()));
            }
        }
        Quantization q = t.quant() == null ? null : quantization(t.quant());
        try {
            return new TensorType(et, new Shape(dims), q);
        } catch (IllegalArgumentException e) {
            throw error(t.start, e.getMessage());
        }
    }

    private Quantization quantization(OctetIRParser.QuantContext q) {
        try {
            if (q instanceof OctetIRParser.PerTensorContext p) {
                return new Quantization.PerTensor(number(p.number()).floatValue(), parseLong(p.INT().getSymbol()));
            }
            OctetIRParser.PerAxisContext p = (OctetIRParser.PerAxisContext) q;
            keyword(p.ident(), "axis");
            int axis = Math.toIntExact(parseLong(p.INT().getSymbol()));
            float[] scales = new float[p.quantPair().size()];
            long[] zps = new long[scales.length];
            for (int i = 0; i < scales.length; i++) {
                scales[i] = number(p.quantPair(i).number()).floatValue();
                zps[i] = parseLong(p.quantPair(i).INT().getSymbol());
            }
            return new Quantization.PerAxis(axis, scales, zps);
        } catch (IllegalArgumentException | ArithmeticException e) {
            throw error(q.start, e.getMessage());
        }
    }

    private Attributes attributes(String op, OctetIRParser.AttrDictContext dict) {
        OpSchema schema = OpRegistry.standard().find(op);
        Attributes.Builder b = Attributes.builder();
        java.util.Set<String> seen = new java.util.HashSet<>();
        for (OctetIRParser.AttrContext a : dict.attr()) {
            String name = a.ident().getText();
            if (!seen.add(name)) {
                throw error(a.start, "attribute '" + name + "' is given twice");
            }
            Signature.AttrSpec spec = schema == null ? null : schema.signature().attributes().get(name);
            b.put(name, attributeValue(a.attrValue(), spec == null ? null : spec.kind()));
        }
        return b.build();
    }

    /** Converts an attribute literal; {@code hint} (from the op's schema) settles ints-vs-floats and empty lists. */
    private Attribute attributeValue(OctetIRParser.AttrValueContext v, Attribute.Kind hint) {
        switch (v) {
            case OctetIRParser.NumberAttrContext n -> {
                Number x = number(n.number());
                if (x instanceof Long l && hint != Attribute.Kind.FLOAT) {
                    return new Attribute.IntAttr(l);
                }
                return new Attribute.FloatAttr(x.floatValue());
            }
            case OctetIRParser.StringAttrContext s -> {
                return new Attribute.StringAttr(string(s.STRING()));
            }
            case OctetIRParser.TensorAttrContext t -> {
                return new Attribute.TensorAttr(tensor(t.tensorLiteral()));
            }
            case OctetIRParser.ListAttrContext l -> {
                return list(l, hint);
            }
            default -> throw error(v.start, "unexpected attribute value");
        }
    }

    private Attribute list(OctetIRParser.ListAttrContext l, Attribute.Kind hint) {
        List<OctetIRParser.ListItemContext> items = l.listItem();
        long strings = items.stream().filter(i -> i.STRING() != null).count();
        if (strings > 0 && strings < items.size()) {
            throw error(l.start, "a list attribute mixes strings and numbers");
        }
        if (strings > 0 || (items.isEmpty() && hint == Attribute.Kind.STRINGS)) {
            return new Attribute.StringsAttr(items.stream().map(i -> string(i.STRING())).toList());
        }
        List<Number> numbers = items.stream().map(i -> number(i.number())).toList();
        boolean floats = hint == Attribute.Kind.FLOATS || numbers.stream().anyMatch(x -> !(x instanceof Long));
        if (floats) {
            float[] f = new float[numbers.size()];
            for (int i = 0; i < f.length; i++) {
                f[i] = numbers.get(i).floatValue();
            }
            return new Attribute.FloatsAttr(f);
        }
        return new Attribute.IntsAttr(numbers.stream().mapToLong(Number::longValue).toArray());
    }

    private Tensor tensor(OctetIRParser.TensorLiteralContext t) {
        String kind = t.ident().getText();
        TensorType type = type(t.type());
        List<OctetIRParser.LiteralArgContext> args = t.literalArg();
        if (type.shape().isStatic() && !kind.equals("elided")) {
            long bytes;
            try {
                bytes = Math.multiplyExact(type.shape().elementCount(), Math.max(type.elementType().byteSize(), 1));
            } catch (ArithmeticException e) {
                throw error(t.start, "tensor " + type + " overflows a 64-bit element count");
            }
            literalBytes = bytes > MAX_LITERAL_BYTES ? bytes : literalBytes + bytes;
            if (literalBytes > MAX_LITERAL_BYTES) {
                throw error(t.start, "tensor " + type + ": the constants of this file need " + literalBytes
                        + " bytes, more than the limit " + MAX_LITERAL_BYTES + " (-Doctet.ir.maxLiteralBytes)");
            }
        }
        try {
            return switch (kind) {
                case "dense" -> {
                    expectArgs(t, args, 1);
                    yield dense(type, args.getFirst());
                }
                case "splat" -> {
                    expectArgs(t, args, 1);
                    yield Tensor.splat(type, numberArg(args.getFirst()).doubleValue());
                }
                case "random" -> {
                    expectArgs(t, args, 1);
                    Number seed = numberArg(args.getFirst());
                    if (!(seed instanceof Long s)) {
                        throw error(args.getFirst().start, "random seed must be an integer");
                    }
                    yield Tensor.random(type, s);
                }
                case "file" -> {
                    expectArgs(t, args, 2);
                    if (args.get(0).STRING() == null || !(numberArg(args.get(1)) instanceof Long offset)) {
                        throw error(t.start, "file<type, \"path\", offset> expects a path and an integer offset");
                    }
                    yield sideFile(type, string(args.get(0).STRING()), offset, args.get(0).start);
                }
                case "elided" -> throw error(t.start, "this constant was elided when the IR was printed for reading;"
                        + " write the IR to a file (octet opt -o) to keep its data");
                default -> throw error(t.start, "unknown tensor literal '" + kind
                        + "' (expected dense, splat, random or file)");
            };
        } catch (IllegalArgumentException e) {
            throw error(t.start, e.getMessage());
        }
    }

    private void expectArgs(OctetIRParser.TensorLiteralContext t, List<?> args, int n) {
        if (args.size() != n) {
            throw error(t.start, t.ident().getText() + "<...> takes a type and " + n + " argument(s), got "
                    + args.size());
        }
    }

    private Number numberArg(OctetIRParser.LiteralArgContext a) {
        if (a.number().isEmpty() || a.getChildCount() != 1) {
            throw error(a.start, "expected a number");
        }
        return number(a.number(0));
    }

    private Tensor dense(TensorType type, OctetIRParser.LiteralArgContext arg) {
        if (arg.getChildCount() == 1) {
            throw error(arg.start, "dense<...> expects a bracketed list of elements");
        }
        List<OctetIRParser.NumberContext> items = arg.number();
        int n = Tensor.checkedCount(type);
        if (items.size() != n) {
            throw error(arg.start, "dense literal of type " + type + " needs " + n + " elements, got " + items.size());
        }
        ElementType et = type.elementType();
        if (et.isFloat()) {
            double[] values = new double[n];
            for (int i = 0; i < n; i++) {
                values[i] = number(items.get(i)).floatValue();
            }
            return Tensor.fromDoubles(type, values);
        }
        long[] values = new long[n];
        for (int i = 0; i < n; i++) {
            Number x = number(items.get(i));
            if (!(x instanceof Long l) || l < et.minValue() || l > et.maxValue()) {
                throw error(items.get(i).start, "element " + items.get(i).getText() + " is not a valid " + et);
            }
            values[i] = l;
        }
        return Tensor.fromLongsWrapping(type, values);
    }

    private Tensor sideFile(TensorType type, String relative, long offset, Token at) {
        if (baseDir == null) {
            throw error(at, "file<...> constants need the IR to be read from a file");
        }
        Path rel = Path.of(relative);
        Path file = baseDir.resolve(rel).normalize();
        if (rel.isAbsolute() || !file.startsWith(baseDir.normalize())) {
            throw error(at, "side file \"" + relative + "\" is outside the IR file's directory");
        }
        long needed = (long) Tensor.checkedCount(type) * type.elementType().byteSize();
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            if (offset < 0 || offset > size || size - offset < needed) {
                throw error(at, "side file \"" + relative + "\" has " + size + " bytes; " + type + " at offset "
                        + offset + " needs " + needed);
            }
            ByteBuffer buf = ByteBuffer.allocate((int) needed);
            while (buf.hasRemaining() && ch.read(buf, offset + buf.position()) > 0) {
                // keep reading until the tensor is complete
            }
            buf.flip();
            return TensorBytes.read(type, buf).withLiteral(new Tensor.External(relative, offset));
        } catch (IOException e) {
            throw error(at, "cannot read side file \"" + relative + "\": " + e.getMessage());
        }
    }

    /** An INT token as Long, FLOAT as Float, nan/inf/-inf as Float. */
    private Number number(OctetIRParser.NumberContext n) {
        if (n.INT() != null) {
            return parseLong(n.INT().getSymbol());
        }
        String text = n.getText();
        if (n.FLOAT() == null && !text.equals("nan") && !text.equals("inf") && !text.equals("-inf")) {
            throw error(n.start, "expected a number, got '" + text + "'");
        }
        float f = Floats.parse(text);
        if (n.FLOAT() != null && Float.isInfinite(f)) {
            throw error(n.start, "number " + text + " is out of the float32 range");
        }
        return f;
    }

    private long parseLong(Token t) {
        try {
            return Long.parseLong(t.getText());
        } catch (NumberFormatException e) {
            throw error(t, "integer " + t.getText() + " is out of the 64-bit range");
        }
    }

    private String string(TerminalNode s) {
        try {
            return Names.unquote(s.getText());
        } catch (IllegalArgumentException | StringIndexOutOfBoundsException e) {
            throw error(s.getSymbol(), "bad escape in string " + s.getText());
        }
    }

    private void keyword(ParserRuleContext ident, String expected) {
        if (!ident.getText().equals(expected)) {
            throw error(ident.start, "expected '" + expected + "', got '" + ident.getText() + "'");
        }
    }

    private SourceLocation at(Token t) {
        return new SourceLocation(source, t.getLine(), t.getCharPositionInLine() + 1);
    }

    private IrException error(Token t, String message) {
        return new IrException(at(t), message);
    }
}
