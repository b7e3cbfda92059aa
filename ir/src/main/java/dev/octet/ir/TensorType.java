package dev.octet.ir;

import java.util.Map;

/**
 * The type of a value: element type, shape and, for quantized tensors, the quantization parameters.
 * Printed as {@code f32[N,784]}, {@code i8<0.05:-3>[N,128]} or {@code i8<axis=0, {0.1:0, 0.2:0}>[2,16]}.
 */
public record TensorType(ElementType elementType, Shape shape, Quantization quantization) {

    public TensorType {
        if (quantization != null) {
            if (!elementType.isInteger()) {
                throw new IllegalArgumentException("only integer types can carry quantization, not " + elementType);
            }
            if (quantization instanceof Quantization.PerAxis p) {
                if (p.axis() >= shape.rank()) {
                    throw new IllegalArgumentException(
                            "quantization axis " + p.axis() + " is out of range for shape " + shape);
                }
                Dim d = shape.dim(p.axis());
                if (d.isFixed() && d.size() != p.channels()) {
                    throw new IllegalArgumentException("per-axis quantization has " + p.channels()
                            + " scales but axis " + p.axis() + " has size " + d.size());
                }
            }
        }
    }

    public static TensorType of(ElementType elementType, Shape shape) {
        return new TensorType(elementType, shape, null);
    }

    public static TensorType of(ElementType elementType, long... sizes) {
        return new TensorType(elementType, Shape.of(sizes), null);
    }

    public int rank() {
        return shape.rank();
    }

    public boolean isQuantized() {
        return quantization != null;
    }

    public TensorType withShape(Shape newShape) {
        return new TensorType(elementType, newShape, quantization);
    }

    public TensorType withElementType(ElementType newElementType) {
        return new TensorType(newElementType, shape, null);
    }

    public TensorType withQuantization(Quantization q) {
        return new TensorType(elementType, shape, q);
    }

    public TensorType withoutQuantization() {
        return new TensorType(elementType, shape, null);
    }

    public TensorType bind(Map<String, Long> bindings) {
        return new TensorType(elementType, shape.bind(bindings), quantization);
    }

    @Override
    public String toString() {
        String q = quantization == null ? "" : "<" + quantization + ">";
        return elementType.textName() + q + shape;
    }
}
