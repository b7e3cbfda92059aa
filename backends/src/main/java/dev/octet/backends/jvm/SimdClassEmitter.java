package dev.octet.backends.jvm;

import java.lang.classfile.ClassFile;
import java.lang.constant.ClassDesc;
import java.lang.constant.ConstantDescs;
import java.util.HashSet;
import java.util.Set;

/** The SIMD kernels of one target: the Vector API template copied with its species bound, pruned to what is used. */
final class SimdClassEmitter {
    private SimdClassEmitter() {
    }

    /** What {@code ScalarKernels.linkSimd} looks up by name besides the kernels: the binding and native report. */
    private static final Set<String> LOOKED_UP = Set.of("binding", "nativeReport");

    /**
     * The SIMD class holding {@code kernels} (the ones the model class dispatches to) and what they call;
     * {@code machineCode}: whether the model calls kernels that run on the run-time int8 machine code.
     */
    static byte[] emit(ClassDesc self, Target target, Set<String> kernels, boolean machineCode) {
        byte[] all = ClassFile.of(ClassFile.ClassHierarchyResolverOption.of(ClassHierarchies.resolver(self)))
                .build(self, cb -> {
            cb.withVersion(ClassFile.JAVA_25_VERSION, 0);
            cb.withFlags(ClassFile.ACC_FINAL | ClassFile.ACC_SUPER);
            cb.withSuperclass(ConstantDescs.CD_Object);
            KernelTemplates.copyInto(cb, KernelTemplates.SIMD_CLASS, self, target.floatSpecies(), machineCode);
        });
        Set<String> roots = new HashSet<>(kernels);
        roots.addAll(LOOKED_UP);
        return UnusedMethodPruner.prune(all, self, roots);
    }
}
