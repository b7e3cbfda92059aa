package dev.octet.backends.jvm;

import java.lang.classfile.ClassFile;
import java.lang.constant.ClassDesc;
import java.lang.constant.ConstantDescs;

/** The SIMD kernels of one target: the Vector API template copied with its species bound. */
final class SimdClassEmitter {
    private SimdClassEmitter() {
    }

    /** {@code machineCode}: whether the model calls kernels that run on the run-time int8 machine code. */
    static byte[] emit(ClassDesc self, Target target, boolean machineCode) {
        return ClassFile.of(ClassFile.ClassHierarchyResolverOption.of(ClassHierarchies.resolver(self)))
                .build(self, cb -> {
            cb.withVersion(ClassFile.JAVA_25_VERSION, 0);
            cb.withFlags(ClassFile.ACC_FINAL | ClassFile.ACC_SUPER);
            cb.withSuperclass(ConstantDescs.CD_Object);
            KernelTemplates.copyInto(cb, KernelTemplates.SIMD_CLASS, self, target.floatSpecies(), machineCode);
        });
    }
}
