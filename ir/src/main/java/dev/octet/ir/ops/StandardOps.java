package dev.octet.ir.ops;

import java.util.List;

/** The operators built into Octet, with ONNX semantics (names, operands, attributes and defaults). */
final class StandardOps implements OpLibrary {
    @Override
    public List<OpSchema> ops() {
        List<OpSchema> ops = new java.util.ArrayList<>(Activations.all());
        ops.addAll(List.of(
                new ConstantOp(),
                new IdentityOp(),
                new DropoutOp(),
                new ElementwiseBinaryOp("Add", (a, b) -> a + b, (a, b) -> a + b),
                new ElementwiseBinaryOp("Sub", (a, b) -> a - b, (a, b) -> a - b),
                new ElementwiseBinaryOp("Mul", (a, b) -> a * b, (a, b) -> a * b),
                new ElementwiseBinaryOp("Div", (a, b) -> a / b, ElementwiseBinaryOp::divide),
                new ElementwiseBinaryOp("Pow", Math::pow, (a, b) -> (long) Math.pow(a, b), true),
                new VariadicOp("Max", VariadicOp.Kind.MAX),
                new VariadicOp("Min", VariadicOp.Kind.MIN),
                new VariadicOp("Sum", VariadicOp.Kind.SUM),
                new VariadicOp("Mean", VariadicOp.Kind.MEAN),
                new ClipOp(),
                new CastOp(),
                new MatMulOp(),
                new GemmOp(false),
                new GemmOp(true),
                new ConvOp(false),
                new ConvOp(true),
                new PoolOp(true),
                new PoolOp(false),
                new GlobalPoolOp(true),
                new GlobalPoolOp(false),
                new BatchNormalizationOp(),
                new LayerNormalizationOp(),
                new SoftmaxOp(false),
                new SoftmaxOp(true),
                new ReduceOp("ReduceMean", ReduceOp.Kind.MEAN),
                new ReduceOp("ReduceSum", ReduceOp.Kind.SUM),
                new ReduceOp("ReduceMax", ReduceOp.Kind.MAX),
                new ReduceOp("ReduceMin", ReduceOp.Kind.MIN),
                new ReshapeOp(),
                new FlattenOp(),
                new TransposeOp(),
                new SqueezeOp(true),
                new SqueezeOp(false),
                new ConcatOp(),
                new SplitOp(),
                new SliceOp(),
                new GatherOp(),
                new ShapeOp(),
                new ConstantOfShapeOp(),
                new ExpandOp(),
                new QuantizeLinearOp(),
                new DequantizeLinearOp(),
                new DynamicQuantizeLinearOp(),
                new MatMulIntegerOp(),
                new RequantizeOp(),
                new DynamicQuantizeRowsOp(),
                new QLinearMatMulOp(),
                new ConvIntegerOp(false),
                new ConvIntegerOp(true)));
        return ops;
    }
}
