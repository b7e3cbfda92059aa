package dev.octet.ir;

import java.util.Locale;
import java.util.Optional;

/** Element types of tensors. The text name is what the IR text form prints ({@code f32}, {@code i8}, ...). */
public enum ElementType {
    F32("f32", 4, 1),
    F16("f16", 2, 10),
    I8("i8", 1, 3),
    U8("u8", 1, 2),
    I16("i16", 2, 5),
    I32("i32", 4, 6),
    I64("i64", 8, 7),
    BOOL("bool", 1, 9);

    private final String textName;
    private final int byteSize;
    private final int onnxCode;

    ElementType(String textName, int byteSize, int onnxCode) {
        this.textName = textName;
        this.byteSize = byteSize;
        this.onnxCode = onnxCode;
    }

    /** The ONNX {@code TensorProto.DataType} number of this type. */
    public int onnxCode() {
        return onnxCode;
    }

    /** The element type with ONNX data type number {@code code}, if Octet has it. */
    public static Optional<ElementType> fromOnnxCode(long code) {
        for (ElementType t : values()) {
            if (t.onnxCode == code) {
                return Optional.of(t);
            }
        }
        return Optional.empty();
    }

    public String textName() {
        return textName;
    }

    public int byteSize() {
        return byteSize;
    }

    public boolean isFloat() {
        return this == F32 || this == F16;
    }

    public boolean isInteger() {
        return !isFloat() && this != BOOL;
    }

    /** Smallest representable value of an integer (or bool) type. */
    public long minValue() {
        return switch (this) {
            case I8 -> Byte.MIN_VALUE;
            case U8, BOOL -> 0;
            case I16 -> Short.MIN_VALUE;
            case I32 -> Integer.MIN_VALUE;
            case I64 -> Long.MIN_VALUE;
            case F32, F16 -> throw new IllegalStateException(this + " has no integer range");
        };
    }

    /** Largest representable value of an integer (or bool) type. */
    public long maxValue() {
        return switch (this) {
            case I8 -> Byte.MAX_VALUE;
            case U8 -> 255;
            case BOOL -> 1;
            case I16 -> Short.MAX_VALUE;
            case I32 -> Integer.MAX_VALUE;
            case I64 -> Long.MAX_VALUE;
            case F32, F16 -> throw new IllegalStateException(this + " has no integer range");
        };
    }

    /** Clamps {@code v} into this integer type's range. */
    public long saturate(long v) {
        return Math.max(minValue(), Math.min(maxValue(), v));
    }

    public static Optional<ElementType> fromTextName(String name) {
        for (ElementType t : values()) {
            if (t.textName.equals(name)) {
                return Optional.of(t);
            }
        }
        return Optional.empty();
    }

    @Override
    public String toString() {
        return textName.toLowerCase(Locale.ROOT);
    }
}
