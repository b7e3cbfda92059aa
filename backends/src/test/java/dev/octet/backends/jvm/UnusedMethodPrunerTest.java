package dev.octet.backends.jvm;

import static java.lang.constant.ConstantDescs.CD_Object;
import static java.lang.constant.ConstantDescs.CD_int;
import static java.lang.constant.ConstantDescs.CD_void;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.classfile.ClassFile;
import java.lang.classfile.MethodModel;
import java.lang.constant.ClassDesc;
import java.lang.constant.DirectMethodHandleDesc;
import java.lang.constant.MethodHandleDesc;
import java.lang.constant.MethodTypeDesc;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** What the pruner keeps: the API, what it calls (also through method handles), and what is looked up by name. */
class UnusedMethodPrunerTest {
    private static final ClassDesc SELF = ClassDesc.of("demo.Pruned");
    private static final MethodTypeDesc INT_TO_INT = MethodTypeDesc.of(CD_int, CD_int);

    @Test
    void keepsWhatIsReachableAndDropsTheRest() {
        byte[] bytes = ClassFile.of().build(SELF, cb -> {
            cb.withFlags(ClassFile.ACC_PUBLIC | ClassFile.ACC_FINAL);
            cb.withMethodBody("<init>", MethodTypeDesc.of(CD_void), ClassFile.ACC_PUBLIC,
                    code -> code.aload(0).invokespecial(CD_Object, "<init>", MethodTypeDesc.of(CD_void)).return_());
            // api -> calls -> callsFurther; api also loads a handle to viaHandle.
            cb.withMethodBody("api", INT_TO_INT, ClassFile.ACC_PUBLIC | ClassFile.ACC_STATIC, code -> code
                    .loadConstant(MethodHandleDesc.ofMethod(DirectMethodHandleDesc.Kind.STATIC, SELF, "viaHandle",
                            INT_TO_INT)).pop()
                    .iload(0).invokestatic(SELF, "calls", INT_TO_INT).ireturn());
            privateStatic(cb, "calls", code -> code.iload(0).invokestatic(SELF, "callsFurther", INT_TO_INT).ireturn());
            privateStatic(cb, "callsFurther", code -> code.iload(0).ireturn());
            privateStatic(cb, "viaHandle", code -> code.iload(0).ireturn());
            privateStatic(cb, "lookedUp", code -> code.iload(0).invokestatic(SELF, "callsFurther", INT_TO_INT)
                    .ireturn());
            privateStatic(cb, "unused", code -> code.iload(0).invokestatic(SELF, "unusedToo", INT_TO_INT).ireturn());
            privateStatic(cb, "unusedToo", code -> code.iload(0).ireturn());
            cb.withMethodBody("instanceHelper", MethodTypeDesc.of(CD_void), ClassFile.ACC_PRIVATE,
                    code -> code.return_());
        });

        byte[] pruned = UnusedMethodPruner.prune(bytes, SELF, Set.of("lookedUp"));
        assertEquals(new TreeSet<>(Set.of("<init>", "api", "calls", "callsFurther", "viaHandle", "lookedUp",
                "instanceHelper")), methodNames(pruned));
        assertTrue(ClassFile.of().verify(pruned).isEmpty(), "the pruned class verifies");
        assertTrue(pruned.length < bytes.length);

        byte[] unchanged = UnusedMethodPruner.prune(pruned, SELF, Set.of("lookedUp"));
        assertSame(pruned, unchanged, "nothing to drop: the same bytes");
    }

    @Test
    void anMlpCarriesNoConvolutionKernels() {
        CompiledModel m = JvmCompiler.compile(TestModels.get("mlp-static"),
                JvmCompiler.Options.of("demo.Mlp", Target.AUTO));
        Set<String> model = methodNames(m.classBytes());
        Set<String> simd = methodNames(m.simdClass());
        assertTrue(model.contains("gemmU8S8") && simd.contains("gemmU8S8"), model + " / " + simd);
        assertFalse(model.stream().anyMatch(n -> n.startsWith("conv")), model.toString());
        assertFalse(simd.stream().anyMatch(n -> n.startsWith("conv")), simd.toString());
        assertFalse(simd.contains("softmaxF32") || simd.contains("layerNormF32"), simd.toString());
    }

    private static void privateStatic(java.lang.classfile.ClassBuilder cb, String name,
            java.util.function.Consumer<java.lang.classfile.CodeBuilder> body) {
        cb.withMethodBody(name, INT_TO_INT, ClassFile.ACC_PRIVATE | ClassFile.ACC_STATIC, body);
    }

    private static Set<String> methodNames(byte[] classBytes) {
        Set<String> names = new TreeSet<>();
        for (MethodModel m : ClassFile.of().parse(classBytes).methods()) {
            names.add(m.methodName().stringValue());
        }
        return names;
    }
}
