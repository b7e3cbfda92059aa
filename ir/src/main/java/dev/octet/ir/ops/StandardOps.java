package dev.octet.ir.ops;

import java.util.List;

/** The operators built into Octet, with ONNX semantics (names, operands, attributes and defaults). */
final class StandardOps implements OpLibrary {
    @Override
    public List<OpSchema> ops() {
        return List.of(
                new ConstantOp(),
                new IdentityOp(),
                new DropoutOp(),
                new ElementwiseBinaryOp("Add", (a, b) -> a + b, (a, b) -> a + b),
                new ElementwiseBinaryOp("Sub", (a, b) -> a - b, (a, b) -> a - b),
                new ElementwiseBinaryOp("Mul", (a, b) -> a * b, (a, b) -> a * b),
                new ElementwiseBinaryOp("Div", (a, b) -> a / b, ElementwiseBinaryOp::divide),
                new ElementwiseUnaryOp("Relu", ElementwiseUnaryOp::relu),
                new ElementwiseUnaryOp("Sigmoid", ElementwiseUnaryOp::sigmoid),
                new ElementwiseUnaryOp("Tanh", Math::tanh),
                new ElementwiseUnaryOp("Neg", x -> -x),
                new ElementwiseUnaryOp("Abs", Math::abs),
                new ElementwiseUnaryOp("Exp", Math::exp),
                new ElementwiseUnaryOp("Log", Math::log),
                new ElementwiseUnaryOp("Sqrt", Math::sqrt),
                new MatMulOp(),
                new GemmOp(),
                new MatMulIntegerOp(),
                new ReshapeOp(),
                new FlattenOp(),
                new TransposeOp(),
                new SoftmaxOp(),
                new QuantizeLinearOp(),
                new DequantizeLinearOp());
    }
}
