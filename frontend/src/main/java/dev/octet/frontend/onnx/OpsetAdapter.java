package dev.octet.frontend.onnx;

import dev.octet.frontend.onnx.proto.Onnx.NodeProto;
import dev.octet.ir.Attribute;
import dev.octet.ir.Attributes;
import dev.octet.ir.Dim;
import dev.octet.ir.Shape;
import dev.octet.ir.Tensor;
import dev.octet.ir.Value;
import java.util.ArrayList;
import java.util.List;

/**
 * Brings a node of an older opset into the form Octet's ops take, which is the latest one: axes and split sizes
 * move from attributes to constant operands (Squeeze, Unsqueeze, Split at opset < 13, ReduceSum < 13, the other
 * reductions < 18), and Softmax/LogSoftmax before opset 13, which flatten to 2-D around the axis, become
 * Flatten -> Softmax -> Reshape unless the axis is already the last.
 */
final class OpsetAdapter {
    /** The node as Octet's op takes it; {@code lowered} when the adapter emitted replacement nodes itself. */
    record Canonical(String op, List<Value> inputs, Attributes attributes, boolean lowered) {
    }

    private final int opset;
    private final GraphImporter importer;

    OpsetAdapter(int opset, GraphImporter importer) {
        this.opset = opset;
        this.importer = importer;
    }

    Canonical canonicalize(NodeProto n, List<Value> inputs, Attributes attrs, int outputs) {
        String op = n.getOpType();
        List<Value> in = new ArrayList<>(inputs);
        Attributes a = attrs;
        switch (op) {
            case "Squeeze", "Unsqueeze", "ReduceSum", "ReduceMean", "ReduceMax", "ReduceMin" ->
                    a = moveToOperand(a, "axes", in, 1);
            case "Split" -> a = moveToOperand(a, "split", in, 1);
            case "Softmax", "LogSoftmax" -> {
                if (opset < 13) {
                    return legacySoftmax(n, in, a);
                }
            }
            case "Dropout" -> a = a.without("ratio");
            case "BatchNormalization" -> {
                if (outputs > 1) {
                    throw importer.error(n, "training outputs (running mean and variance) are not supported");
                }
                a = a.without("spatial");
            }
            case "MaxPool" -> {
                if (outputs > 1) {
                    throw importer.error(n, "the Indices output is not supported");
                }
            }
            default -> { }
        }
        return new Canonical(op, in, a, false);
    }

    /** Replaces an ints attribute by a constant i64 operand at {@code index}. */
    private Attributes moveToOperand(Attributes attrs, String name, List<Value> in, int index) {
        if (!attrs.has(name)) {
            return attrs;
        }
        long[] values = attrs.getInts(name);
        Value v = importer.addConstant(null, Tensor.ofLongs(Shape.of(values.length), values), null);
        while (in.size() < index) {
            in.add(null);
        }
        in.add(index, v);
        return attrs.without(name);
    }

    private Canonical legacySoftmax(NodeProto n, List<Value> in, Attributes attrs) {
        if (in.size() != 1 || in.getFirst() == null || n.getOutputCount() != 1) {
            throw importer.error(n, "takes one operand and gives one result");
        }
        Value x = in.getFirst();
        Shape shape = x.type().shape();
        long axisAttr = attrs.getInt("axis", 1);
        if (axisAttr < -shape.rank() || axisAttr >= Math.max(shape.rank(), 1)) {
            throw importer.error(n, "axis " + axisAttr + " is out of range for " + x.type());
        }
        int axis = (int) (axisAttr < 0 ? axisAttr + shape.rank() : axisAttr);
        if (axis == shape.rank() - 1) {
            return new Canonical(n.getOpType(), in, attrs.with("axis", new Attribute.IntAttr(-1)), false);
        }
        long[] target = new long[shape.rank()];
        for (int d = 0; d < target.length; d++) {
            Dim dim = shape.dim(d);
            if (dim.isFixed()) {
                target[d] = dim.size();
            } else if (d == 0 && axis == 1) {
                target[d] = 0; // the flattened tensor keeps the batch symbol in front
            } else {
                throw importer.error(n, "softmax over flattened axes " + axis + ".. of " + x.type()
                        + " with a symbolic dimension is not supported");
            }
        }
        String base = importer.freshName(n.getOutput(0) + "_legacy");
        Value flat = importer.emit(n, "Flatten", List.of(x), Attributes.builder().put("axis", (long) axis).build(),
                List.of(base + "_flat")).getFirst();
        Value soft = importer.emit(n, n.getOpType(), List.of(flat), Attributes.builder().put("axis", -1L).build(),
                List.of(base + "_2d")).getFirst();
        Value shapeConst = importer.addConstant(null, Tensor.ofLongs(Shape.of(target.length), target), null);
        importer.emit(n, "Reshape", List.of(soft, shapeConst), Attributes.EMPTY, List.of(n.getOutput(0)));
        return new Canonical(n.getOpType(), in, attrs, true);
    }
}
