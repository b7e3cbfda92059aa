package dev.octet.backends.jvm;

import dev.octet.backends.jvm.kernels.Avx2Gemm;
import dev.octet.backends.jvm.kernels.ConvKernels;
import dev.octet.backends.jvm.kernels.ExecutableMemory;
import dev.octet.backends.jvm.kernels.ScalarKernels;
import dev.octet.backends.jvm.kernels.X86Encoder;
import dev.octet.backends.jvm.kernels.ScalarMath;
import dev.octet.backends.jvm.kernels.StridedCopies;
import dev.octet.backends.jvm.kernels.VectorKernels;
import dev.octet.backends.jvm.kernels.VnniGemm;
import dev.octet.ir.ops.ActivationMath;
import dev.octet.ir.ops.FixedPoint;
import java.io.IOException;
import java.io.InputStream;
import java.lang.classfile.ClassBuilder;
import java.lang.classfile.ClassFile;
import java.lang.classfile.ClassModel;
import java.lang.classfile.CodeTransform;
import java.lang.classfile.FieldModel;
import java.lang.classfile.FieldTransform;
import java.lang.classfile.MethodModel;
import java.lang.classfile.instruction.FieldInstruction;
import java.lang.classfile.instruction.InvokeInstruction;
import java.lang.constant.ClassDesc;
import java.lang.constant.MethodTypeDesc;
import java.lang.reflect.AccessFlag;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The kernel templates ({@link ScalarKernels}, {@link VectorKernels}) as class-file models, and their copying into
 * generated classes: every reference to the template class is redirected to the generated one, the methods become
 * private, and the SIMD template's species initializer is bound to the target.
 */
final class KernelTemplates {
    static final ClassModel SCALAR = parse(ScalarKernels.class);
    static final ClassModel VECTOR = parse(VectorKernels.class);
    /** Kernels both classes hold; in the SIMD class their calls to scalar kernels go to the SIMD ones. */
    private static final ClassModel CONV = parse(ConvKernels.class);
    /** The run-time machine-code kernels the SIMD class installs where the CPU allows. */
    private static final ClassModel AVX2_GEMM = parse(Avx2Gemm.class);
    private static final ClassModel VNNI_GEMM = parse(VnniGemm.class);
    private static final ClassModel EXECUTABLE_MEMORY = parse(ExecutableMemory.class);
    private static final ClassModel X86_ENCODER = parse(X86Encoder.class);
    private static final ClassModel SCALAR_MATH = parse(ScalarMath.class);
    /** The layout ops' strided copies, which both classes hold. */
    private static final ClassModel STRIDED_COPIES = parse(StridedCopies.class);
    private static final ClassModel ACTIVATION_MATH = parse(ActivationMath.class);
    /** What the model class holds: the scalar kernels and the IR's scalar math they share with the evaluator. */
    private static final ClassModel FIXED_POINT = parse(FixedPoint.class);
    static final List<ClassModel> MODEL_CLASS = List.of(SCALAR, CONV, STRIDED_COPIES, SCALAR_MATH, ACTIVATION_MATH,
            FIXED_POINT);
    /** The SIMD kernels, with the scalar math their vector loops fall back to where they do not apply. */
    static final List<ClassModel> SIMD_CLASS = List.of(VECTOR, CONV, STRIDED_COPIES, AVX2_GEMM, VNNI_GEMM,
            EXECUTABLE_MEMORY, X86_ENCODER, SCALAR_MATH, ACTIVATION_MATH, FIXED_POINT);
    private static final ClassDesc FLOAT_VECTOR = ClassDesc.of("jdk.incubator.vector.FloatVector");
    /** The kernels a lowering may call: the model class's public template methods. */
    private static final Map<String, MethodTypeDesc> PUBLIC_SCALAR = publicMethods(List.of(SCALAR, CONV));
    private static final Map<String, MethodTypeDesc> PUBLIC_VECTOR = publicMethods(List.of(VECTOR));

    private KernelTemplates() {
    }

    private static ClassModel parse(Class<?> template) {
        try (InputStream in = template.getResourceAsStream(template.getSimpleName() + ".class")) {
            return ClassFile.of().parse(in.readAllBytes());
        } catch (IOException | NullPointerException e) {
            throw new IllegalStateException("kernel template " + template.getName() + " is not readable", e);
        }
    }

    private static Map<String, MethodTypeDesc> publicMethods(List<ClassModel> models) {
        Map<String, MethodTypeDesc> out = new HashMap<>();
        for (ClassModel model : models) {
            for (MethodModel m : model.methods()) {
                if (m.flags().has(AccessFlag.PUBLIC) && m.flags().has(AccessFlag.STATIC)) {
                    if (out.put(m.methodName().stringValue(), m.methodTypeSymbol()) != null) {
                        throw new IllegalStateException("kernel " + m.methodName() + " is overloaded");
                    }
                }
            }
        }
        return out;
    }

    /** The descriptor of a scalar kernel. */
    static MethodTypeDesc scalarKernel(String name) {
        MethodTypeDesc d = PUBLIC_SCALAR.get(name);
        if (d == null) {
            throw new IllegalStateException("no kernel " + name + " in " + ScalarKernels.class.getSimpleName());
        }
        return d;
    }

    /** Whether a SIMD variant with the same signature exists. */
    static boolean hasSimd(String name) {
        MethodTypeDesc d = PUBLIC_VECTOR.get(name);
        return d != null && d.equals(PUBLIC_SCALAR.get(name));
    }

    /**
     * Copies all methods of {@code templates} (and their non-public fields) into {@code cb}, owned by
     * {@code owner}: calls between them are redirected to the owner, so the names must be distinct.
     */
    static void copyInto(ClassBuilder cb, List<ClassModel> templates, ClassDesc owner, String floatSpecies) {
        copyInto(cb, templates, owner, floatSpecies, false);
    }

    /**
     * As {@link #copyInto(ClassBuilder, List, ClassDesc, String)}, binding {@code Avx2Gemm.unused} to
     * {@code !machineCode}: whether the model has no kernel that runs on the run-time machine code.
     */
    static void copyInto(ClassBuilder cb, List<ClassModel> templates, ClassDesc owner, String floatSpecies,
            boolean machineCode) {
        Set<ClassDesc> from = new HashSet<>();
        templates.forEach(t -> from.add(t.thisClass().asSymbol()));
        // The SIMD class has no scalar kernels: the shared templates' calls to them take the SIMD ones.
        from.add(SCALAR.thisClass().asSymbol());
        Set<String> called = new HashSet<>();
        CodeTransform remap = (b, e) -> {
            if (e instanceof FieldInstruction f && f.owner().asSymbol().equals(AVX2_GEMM.thisClass().asSymbol())
                    && f.name().equalsString("unused")) {
                b.loadConstant(machineCode ? 0 : 1);
            } else if (e instanceof InvokeInstruction i && from.contains(i.owner().asSymbol())) {
                called.add(i.name().stringValue() + i.typeSymbol().descriptorString());
                b.invoke(i.opcode(), owner, i.name().stringValue(), i.typeSymbol(), false);
            } else if (e instanceof FieldInstruction f && from.contains(f.owner().asSymbol())) {
                b.fieldAccess(f.opcode(), owner, f.name().stringValue(), f.typeSymbol());
            } else if (e instanceof FieldInstruction f && floatSpecies != null
                    && f.owner().asSymbol().equals(FLOAT_VECTOR) && f.name().equalsString("SPECIES_PREFERRED")) {
                b.fieldAccess(f.opcode(), FLOAT_VECTOR, floatSpecies, f.typeSymbol());
            } else {
                b.with(e);
            }
        };
        Set<String> names = new HashSet<>();
        for (ClassModel template : templates) {
            for (FieldModel f : template.fields()) {
                if (!f.flags().has(AccessFlag.PUBLIC)) {
                    cb.transformField(f, FieldTransform.ACCEPT_ALL);
                }
            }
            for (MethodModel m : template.methods()) {
                String name = m.methodName().stringValue();
                if (name.equals("<init>")) {
                    continue;
                }
                if (!names.add(name + m.methodTypeSymbol().descriptorString())) {
                    throw new IllegalStateException("kernel templates both define " + name);
                }
                int flags = name.equals("<clinit>") ? ClassFile.ACC_STATIC
                        : ClassFile.ACC_PRIVATE | ClassFile.ACC_STATIC;
                cb.withMethod(name, m.methodTypeSymbol(), flags, mb -> m.code().ifPresent(
                        code -> mb.transformCode(code, remap)));
            }
        }
        called.removeAll(names);
        if (!called.isEmpty()) {
            throw new IllegalStateException("kernel templates call " + called + ", which " + owner.displayName()
                    + " does not define");
        }
    }
}
