package dev.octet.backends.jvm;

import dev.octet.ir.ElementType;
import java.lang.constant.ClassDesc;
import java.lang.constant.ConstantDescs;

/** The three typed memories of generated code; every tensor lives in one (int8 and uint8 share bytes). */
public enum Arena {
    F32(ConstantDescs.CD_float.arrayType()),
    I32(ConstantDescs.CD_int.arrayType()),
    I8(ConstantDescs.CD_byte.arrayType());

    private final ClassDesc arrayType;

    Arena(ClassDesc arrayType) {
        this.arrayType = arrayType;
    }

    public ClassDesc arrayType() {
        return arrayType;
    }

    public static Arena of(ElementType et, String where) {
        return switch (et) {
            case F32 -> F32;
            case I32 -> I32;
            case I8, U8 -> I8;
            default -> throw new CodegenException(where + ": element type " + et
                    + " is not supported by the JVM backend (f32, i32, i8, u8)");
        };
    }
}
