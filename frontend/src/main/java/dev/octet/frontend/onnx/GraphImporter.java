package dev.octet.frontend.onnx;

import dev.octet.frontend.onnx.proto.Onnx.AttributeProto;
import dev.octet.frontend.onnx.proto.Onnx.GraphProto;
import dev.octet.frontend.onnx.proto.Onnx.NodeProto;
import dev.octet.frontend.onnx.proto.Onnx.TensorProto;
import dev.octet.frontend.onnx.proto.Onnx.TensorShapeProto;
import dev.octet.frontend.onnx.proto.Onnx.ValueInfoProto;
import dev.octet.ir.Attribute;
import dev.octet.ir.Attributes;
import dev.octet.ir.Dim;
import dev.octet.ir.ElementType;
import dev.octet.ir.Graph;
import dev.octet.ir.Node;
import dev.octet.ir.OpException;
import dev.octet.ir.Shape;
import dev.octet.ir.Tensor;
import dev.octet.ir.TensorType;
import dev.octet.ir.Value;
import dev.octet.ir.ops.OpContext;
import dev.octet.ir.ops.OpRegistry;
import dev.octet.ir.ops.OpSchema;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Builds the IR graph of one ONNX GraphProto: initializers become Constant nodes, nodes are put in dependency
 * order, each node is brought to the canonical (latest-opset) form of its op by {@link OpsetAdapter}, and result
 * types come from Octet's own type inference.
 */
final class GraphImporter {
    private final String file;
    private final TensorDecoder decoder;
    private final OpsetAdapter adapter;
    private final OpRegistry registry = OpRegistry.standard();
    private final Map<String, Value> values = new HashMap<>();
    private final Set<String> names = new HashSet<>();
    private final Map<Value, Tensor> constants = new IdentityHashMap<>();
    private final Map<Value, ShapeValue> shapeValues = new IdentityHashMap<>();
    private final List<Node> nodes = new ArrayList<>();
    private int unnamedDims;

    GraphImporter(String file, int opset, TensorDecoder decoder) {
        this.file = file;
        this.decoder = decoder;
        this.adapter = new OpsetAdapter(opset, this);
    }

    Graph importGraph(GraphProto g) {
        // Names the importer makes up must not collide with any the model uses, wherever they are defined.
        g.getInitializerList().forEach(t -> names.add(t.getName()));
        g.getInputList().forEach(vi -> names.add(vi.getName()));
        g.getNodeList().forEach(n -> names.addAll(n.getOutputList()));
        Set<String> initializerNames = new HashSet<>();
        for (TensorProto t : g.getInitializerList()) {
            initializerNames.add(t.getName());
            addConstant(t.getName(), decoder.decode(t, file + ": initializer '" + t.getName() + "'"), null);
        }
        List<Value> inputs = new ArrayList<>();
        for (ValueInfoProto vi : g.getInputList()) {
            if (!initializerNames.contains(vi.getName())) {
                Value v = define(vi.getName(), typeOf(vi, "input"));
                inputs.add(v);
            }
        }
        for (NodeProto n : dependencyOrder(g)) {
            importNode(n);
        }
        List<Value> outputs = new ArrayList<>();
        for (ValueInfoProto vi : g.getOutputList()) {
            Value v = values.get(vi.getName());
            if (v == null) {
                throw new OnnxException(file + ": graph output '" + vi.getName() + "' is not produced by any node");
            }
            checkDeclaredOutput(vi, v);
            outputs.add(v);
        }
        String name = g.getName().isEmpty() ? "model" : g.getName();
        return new Graph(name, inputs, nodes, outputs);
    }

    static String describe(NodeProto n) {
        String who = !n.getName().isEmpty() ? n.getName() : n.getOutputCount() > 0 ? n.getOutput(0) : "?";
        return "node '" + who + "' (" + n.getOpType() + ")";
    }

    OnnxException error(NodeProto n, String message) {
        return new OnnxException(file + ": " + describe(n) + ": " + message);
    }

    // ---- values -------------------------------------------------------------------------------------------

    private Value define(String name, TensorType type) {
        if (name.isEmpty()) {
            throw new OnnxException(file + ": a value has an empty name");
        }
        if (values.containsKey(name)) {
            throw new OnnxException(file + ": value '" + name + "' is defined more than once");
        }
        Value v = new Value(name, type);
        values.put(name, v);
        names.add(name);
        return v;
    }

    /** A name no ONNX value uses, for values the importer adds. */
    String freshName(String hint) {
        String base = hint.isEmpty() ? "v" : hint;
        String name = base;
        for (int i = 0; names.contains(name); i++) {
            name = base + "_" + i;
        }
        names.add(name);
        return name;
    }

    /** Appends a Constant node defining {@code name} (a fresh name if null is given as hint). */
    Value addConstant(String name, Tensor value, String nodeName) {
        Value v = name != null ? define(name, value.type()) : new Value(freshName("const"), value.type());
        nodes.add(new Node("Constant", List.of(), List.of(v), Attributes.builder().put("value", value).build(),
                nodeName, null));
        constants.put(v, value);
        if (value.elementType() == ElementType.I64 || value.elementType() == ElementType.I32) {
            if (value.shape().rank() <= 1) {
                List<Dim> dims = new ArrayList<>();
                for (long d : value.toLongs()) {
                    dims.add(Dim.of(Math.max(d, 0)));
                }
                // Negative entries (-1 in a reshape target) are data, not dimensions: track only all-natural ones.
                if (java.util.Arrays.stream(value.toLongs()).allMatch(d -> d >= 0)) {
                    shapeValues.put(v, new ShapeValue(dims, value.shape().rank() == 0));
                }
            }
        }
        return v;
    }

    Tensor constantOf(Value v) {
        return v == null ? null : constants.get(v);
    }

    ShapeValue shapeValueOf(Value v) {
        return v == null ? null : shapeValues.get(v);
    }

    private TensorType typeOf(ValueInfoProto vi, String what) {
        String label = file + ": " + what + " '" + vi.getName() + "'";
        if (!vi.hasType() || !vi.getType().hasTensorType()) {
            throw new OnnxException(label + " is not a tensor (sequences, maps and optionals are not supported)");
        }
        var tt = vi.getType().getTensorType();
        ElementType et = TensorDecoder.elementType(tt.getElemType(), label);
        if (!tt.hasShape()) {
            throw new OnnxException(label + " has no shape; Octet needs at least the rank");
        }
        List<Dim> dims = new ArrayList<>();
        long product = 1;
        for (int i = 0; i < tt.getShape().getDimCount(); i++) {
            TensorShapeProto.Dimension d = tt.getShape().getDim(i);
            if (d.hasDimValue()) {
                if (d.getDimValue() < 0) {
                    throw new OnnxException(label + " has negative dimension " + d.getDimValue());
                }
                product = product > 0 && d.getDimValue() > Long.MAX_VALUE / product ? Long.MAX_VALUE
                        : product * d.getDimValue();
                if (product > decoder.limits().maxTensorElements()) {
                    throw new OnnxException(label + " declares a shape of more than "
                            + decoder.limits().maxTensorElements() + " elements (the limit)");
                }
                dims.add(Dim.of(d.getDimValue()));
            } else if (d.hasDimParam() && !d.getDimParam().isEmpty()) {
                dims.add(Dim.symbol(symbolName(d.getDimParam())));
            } else {
                dims.add(Dim.symbol(i == 0 ? "N" : "unk" + unnamedDims++));
            }
        }
        return TensorType.of(et, new Shape(dims));
    }

    /** Symbol names become identifiers of the text form. */
    private static String symbolName(String param) {
        String s = param.replaceAll("[^A-Za-z0-9_]", "_");
        return Character.isDigit(s.charAt(0)) ? "d" + s : s;
    }

    private void checkDeclaredOutput(ValueInfoProto vi, Value v) {
        if (!vi.hasType() || !vi.getType().hasTensorType()) {
            return;
        }
        var tt = vi.getType().getTensorType();
        if (tt.getElemType() != 0 && tt.getElemType() != v.type().elementType().onnxCode()) {
            throw new OnnxException(file + ": graph output '" + vi.getName() + "' is declared "
                    + TensorDecoder.dataTypeName(tt.getElemType()) + " but computes " + v.type());
        }
        if (tt.hasShape()) {
            List<TensorShapeProto.Dimension> dims = tt.getShape().getDimList();
            boolean rankOk = dims.size() == v.type().rank();
            for (int i = 0; rankOk && i < dims.size(); i++) {
                Dim inferred = v.type().shape().dim(i);
                if (dims.get(i).hasDimValue() && inferred.isFixed() && inferred.size() != dims.get(i).getDimValue()) {
                    rankOk = false;
                }
            }
            if (!rankOk) {
                throw new OnnxException(file + ": graph output '" + vi.getName() + "' is declared with shape "
                        + dims.stream().map(d -> d.hasDimValue() ? Long.toString(d.getDimValue()) : d.getDimParam())
                        .toList() + " but computes " + v.type());
            }
        }
    }

    // ---- node order ---------------------------------------------------------------------------------------

    /** The nodes in an order where every value is produced before use (Kahn's algorithm, stable). */
    private List<NodeProto> dependencyOrder(GraphProto g) {
        List<NodeProto> all = g.getNodeList();
        Map<String, Integer> producer = new HashMap<>();
        for (int i = 0; i < all.size(); i++) {
            for (String out : all.get(i).getOutputList()) {
                if (!out.isEmpty() && (producer.putIfAbsent(out, i) != null || values.containsKey(out))) {
                    throw error(all.get(i), "value '" + out + "' is defined more than once");
                }
            }
        }
        int[] pending = new int[all.size()];
        List<List<Integer>> consumers = new ArrayList<>();
        for (int i = 0; i < all.size(); i++) {
            consumers.add(new ArrayList<>());
        }
        for (int i = 0; i < all.size(); i++) {
            for (String in : all.get(i).getInputList()) {
                if (in.isEmpty() || values.containsKey(in)) {
                    continue;
                }
                Integer p = producer.get(in);
                if (p == null) {
                    throw error(all.get(i), "reads '" + in + "', which no input, initializer or node defines");
                }
                pending[i]++;
                consumers.get(p).add(i);
            }
        }
        Deque<Integer> ready = new ArrayDeque<>();
        for (int i = 0; i < all.size(); i++) {
            if (pending[i] == 0) {
                ready.add(i);
            }
        }
        List<NodeProto> order = new ArrayList<>();
        while (!ready.isEmpty()) {
            int i = ready.poll();
            order.add(all.get(i));
            for (int c : consumers.get(i)) {
                if (--pending[c] == 0) {
                    ready.add(c);
                }
            }
        }
        if (order.size() != all.size()) {
            List<String> stuck = new ArrayList<>();
            for (int i = 0; i < all.size() && stuck.size() < 5; i++) {
                if (pending[i] > 0) {
                    stuck.add(describe(all.get(i)));
                }
            }
            throw new OnnxException(file + ": the graph has a cycle through " + String.join(", ", stuck));
        }
        return order;
    }

    // ---- nodes --------------------------------------------------------------------------------------------

    /**
     * Imports one node. Attribute accessors, the opset adapter and shape inference report a bad node with
     * OpException, IllegalArgumentException or ArithmeticException; each becomes one error naming the node.
     */
    private void importNode(NodeProto n) {
        try {
            importNodeUnchecked(n);
        } catch (OpException | IllegalArgumentException | ArithmeticException e) {
            throw error(n, e.getMessage());
        }
    }

    private void importNodeUnchecked(NodeProto n) {
        Attributes attrs = attributes(n);
        List<Value> inputs = new ArrayList<>();
        for (String in : n.getInputList()) {
            inputs.add(in.isEmpty() ? null : values.get(in));
        }
        while (!inputs.isEmpty() && inputs.getLast() == null) {
            inputs.removeLast();
        }
        List<String> outputNames = new ArrayList<>(n.getOutputList());
        while (!outputNames.isEmpty() && outputNames.getLast().isEmpty()) {
            outputNames.removeLast();
        }
        if (n.getOpType().equals("Constant")) {
            importConstant(n, attrs, outputNames);
            return;
        }
        OpsetAdapter.Canonical c = adapter.canonicalize(n, inputs, attrs, outputNames.size());
        if (c.lowered()) {
            return;
        }
        List<Value> operands = materializeShapeOperands(c.op(), c.inputs());
        List<Value> results = emit(n, c.op(), operands, c.attributes(), outputNames);
        trackShapeValue(c.op(), operands, c.attributes(), results);
    }

    /** Infers result types, defines the results under their ONNX names and appends the node. */
    List<Value> emit(NodeProto n, String op, List<Value> inputs, Attributes attrs, List<String> outputNames) {
        OpSchema schema = registry.find(op);
        var sig = schema.signature();
        if (outputNames.size() < sig.minOutputs() || outputNames.size() > sig.maxOutputs()) {
            throw error(n, "has " + outputNames.size() + " results; Octet supports " + sig.minOutputs()
                    + (sig.maxOutputs() == sig.minOutputs() ? "" : " to " + sig.maxOutputs()));
        }
        if (inputs.size() > sig.maxInputs()) {
            throw error(n, "has " + inputs.size() + " operands; " + op + " takes at most " + sig.maxInputs());
        }
        // anyMatch, not contains(null): immutable lists (List.of) throw on a null query.
        if (inputs.size() < sig.minInputs()
                || inputs.subList(0, sig.minInputs()).stream().anyMatch(java.util.Objects::isNull)) {
            throw error(n, "needs " + sig.minInputs() + " operands (" + op + "), has "
                    + inputs.stream().filter(java.util.Objects::nonNull).count());
        }
        // Shape inference trusts the signature: check what it declares before running it.
        for (var spec : sig.attributes().values()) {
            if (spec.required() && !attrs.has(spec.name())) {
                throw error(n, "attribute '" + spec.name() + "' is required");
            }
            if (attrs.has(spec.name()) && attrs.get(spec.name()).kind() != spec.kind()) {
                throw error(n, "attribute '" + spec.name() + "' must be " + spec.kind().name().toLowerCase()
                        + ", got " + attrs.get(spec.name()).kind().name().toLowerCase());
            }
        }
        List<TensorType> types = new ArrayList<>();
        List<Tensor> known = new ArrayList<>();
        for (Value v : inputs) {
            types.add(v == null ? null : v.type());
            known.add(constantOf(v));
        }
        List<TensorType> inferred = schema.inferTypes(new OpContext(types, known, attrs, outputNames.size()));
        List<Value> results = new ArrayList<>();
        for (int i = 0; i < outputNames.size(); i++) {
            String name = outputNames.get(i);
            results.add(name.isEmpty() ? new Value(freshName(describe(n).replaceAll("\\W", "_")), inferred.get(i))
                    : define(name, inferred.get(i)));
        }
        nodes.add(new Node(op, inputs, results, attrs, n.getName().isEmpty() ? null : n.getName(), null));
        return results;
    }

    private void importConstant(NodeProto n, Attributes attrs, List<String> outputNames) {
        if (outputNames.size() != 1 || attrs.names().size() != 1) {
            throw error(n, "needs one result and exactly one value attribute");
        }
        String attr = attrs.names().iterator().next();
        Attribute a = attrs.get(attr);
        Tensor value = switch (attr) {
            case "value" -> ((Attribute.TensorAttr) a).value();
            case "value_float" -> Tensor.scalarFloat(((Attribute.FloatAttr) a).value());
            case "value_floats" -> {
                float[] f = ((Attribute.FloatsAttr) a).values();
                yield Tensor.ofFloats(Shape.of(f.length), f);
            }
            case "value_int" -> Tensor.ofLongs(Shape.SCALAR, ((Attribute.IntAttr) a).value());
            case "value_ints" -> {
                long[] l = ((Attribute.IntsAttr) a).values();
                yield Tensor.ofLongs(Shape.of(l.length), l);
            }
            default -> throw error(n, "constant attribute '" + attr + "' is not supported");
        };
        addConstant(outputNames.getFirst(), value, n.getName().isEmpty() ? null : n.getName());
    }

    private Attributes attributes(NodeProto n) {
        Attributes.Builder b = Attributes.builder();
        for (AttributeProto a : n.getAttributeList()) {
            String what = "attribute '" + a.getName() + "'";
            long size = Math.max(a.getIntsCount(), Math.max(a.getFloatsCount(), a.getStringsCount()));
            if (size > decoder.limits().maxAttributeElements()) {
                throw error(n, what + " holds " + size + " values, more than the limit "
                        + decoder.limits().maxAttributeElements());
            }
            if (!a.getRefAttrName().isEmpty()) {
                throw error(n, what + " refers to a function attribute; functions are not supported");
            }
            AttributeProto.AttributeType type = a.getType() != AttributeProto.AttributeType.UNDEFINED ? a.getType()
                    : guessType(a);
            b.put(a.getName(), switch (type) {
                case FLOAT -> new Attribute.FloatAttr(a.getF());
                case INT -> new Attribute.IntAttr(a.getI());
                case STRING -> new Attribute.StringAttr(a.getS().toString(StandardCharsets.UTF_8));
                case TENSOR -> new Attribute.TensorAttr(decoder.decode(a.getT(), file + ": " + describe(n) + " " + what));
                case FLOATS -> {
                    float[] f = new float[a.getFloatsCount()];
                    for (int i = 0; i < f.length; i++) {
                        f[i] = a.getFloats(i);
                    }
                    yield new Attribute.FloatsAttr(f);
                }
                case INTS -> new Attribute.IntsAttr(a.getIntsList().stream().mapToLong(Long::longValue).toArray());
                case STRINGS -> new Attribute.StringsAttr(a.getStringsList().stream()
                        .map(s -> s.toString(StandardCharsets.UTF_8)).toList());
                default -> throw error(n, what + " has type " + type + ", which is not supported");
            });
        }
        return b.build();
    }

    /** Very old exporters leave out the attribute type; tell it from the field that is set. */
    private static AttributeProto.AttributeType guessType(AttributeProto a) {
        if (a.getIntsCount() > 0) {
            return AttributeProto.AttributeType.INTS;
        } else if (a.getFloatsCount() > 0) {
            return AttributeProto.AttributeType.FLOATS;
        } else if (a.getStringsCount() > 0) {
            return AttributeProto.AttributeType.STRINGS;
        } else if (a.hasT()) {
            return AttributeProto.AttributeType.TENSOR;
        } else if (a.hasG()) {
            return AttributeProto.AttributeType.GRAPH;
        } else if (a.hasS()) {
            return AttributeProto.AttributeType.STRING;
        } else if (a.hasF()) {
            return AttributeProto.AttributeType.FLOAT;
        }
        return AttributeProto.AttributeType.INT;
    }

    // ---- symbolic shape values ----------------------------------------------------------------------------

    /**
     * Operands that hold dimensions computed at run time (Shape -> ... chains) are replaced by constants where the
     * importer knows them: fully when all dimensions are fixed, and for Reshape targets with a symbolic dimension by
     * 0 (copy the input's dimension at the same position) or -1 (infer it).
     */
    private List<Value> materializeShapeOperands(String op, List<Value> inputs) {
        List<Value> out = new ArrayList<>(inputs);
        for (int i = 0; i < out.size(); i++) {
            Value v = out.get(i);
            ShapeValue sv = shapeValueOf(v);
            if (sv == null || constants.containsKey(v)) {
                continue;
            }
            if (sv.isFixed()) {
                out.set(i, addConstant(null, shapeTensor(sv, sv.dims().stream().mapToLong(Dim::size).toArray()), null));
            } else if (op.equals("Reshape") && i == 1 && !sv.scalar()) {
                long[] target = reshapeTarget(sv, out.get(0).type().shape());
                if (target != null) {
                    out.set(i, addConstant(null, shapeTensor(sv, target), null));
                }
            }
        }
        return out;
    }

    /** The target with symbols spelled 0 (same symbol at the same position of data) or -1 (once); else null. */
    private static long[] reshapeTarget(ShapeValue sv, Shape data) {
        long[] target = new long[sv.dims().size()];
        boolean inferred = false;
        for (int d = 0; d < target.length; d++) {
            Dim dim = sv.dims().get(d);
            if (dim.isFixed()) {
                target[d] = dim.size();
            } else if (d < data.rank() && data.dim(d).equals(dim)) {
                target[d] = 0;
            } else if (!inferred) {
                target[d] = -1;
                inferred = true;
            } else {
                return null;
            }
        }
        return target;
    }

    private static Tensor shapeTensor(ShapeValue sv, long[] values) {
        return Tensor.ofLongs(sv.scalar() ? Shape.SCALAR : Shape.of(values.length), values);
    }

    /** Records what the results of shape arithmetic hold, for {@link #materializeShapeOperands}. */
    private void trackShapeValue(String op, List<Value> in, Attributes attrs, List<Value> results) {
        if (results.size() != 1 || results.getFirst().type().elementType() != ElementType.I64) {
            return;
        }
        ShapeValue sv = SymbolicShapes.evaluate(op, in, attrs, this::shapeValueOf, this::constantOf);
        if (sv != null) {
            shapeValues.put(results.getFirst(), sv);
        }
    }
}
