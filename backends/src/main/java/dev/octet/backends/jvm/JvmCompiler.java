package dev.octet.backends.jvm;

import dev.octet.ir.Graph;
import dev.octet.ir.verify.Verifier;
import dev.octet.passes.PassManager;
import dev.octet.runtime.OctetModel;
import java.lang.classfile.ClassFile;
import java.lang.constant.ClassDesc;
import java.lang.invoke.MethodHandles;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;

/**
 * The JVM backend: a verified graph to a {@link CompiledModel} whose class runs the whole forward pass. Every
 * emitted class passes {@code ClassFile.verify}; set {@code -Doctet.dumpClasses=DIR} to write them out.
 */
public final class JvmCompiler {
    /**
     * Options: the class's binary name, target, what the manifest says about the source, and whether the class may
     * install the run-time int8 machine code (AVX2, AVX-512 VNNI) where the host allows; without it, the int8
     * products stay on the bytecode (Vector API) kernels.
     */
    public record Options(String className, Target target, String modelName, String precision,
            String sourceSha256, boolean nativeKernels) {
        public Options {
            String problem = ClassNames.problemWith(className);
            if (problem != null) {
                throw new IllegalArgumentException(problem);
            }
        }

        public Options(String className, Target target, String modelName, String precision, String sourceSha256) {
            this(className, target, modelName, precision, sourceSha256, true);
        }

        public static Options of(String className, Target target) {
            return new Options(className, target, className.substring(className.lastIndexOf('.') + 1), "unknown",
                    "");
        }
    }

    private JvmCompiler() {
    }

    /**
     * Graph rewrites for this backend only, bit-exact, that leave forms standard ONNX cannot hold (and so stay out
     * of the shared lowering that the QDQ export also reads): max pools move onto int32 accumulators, before their
     * requantization.
     */
    static final String BACKEND_PIPELINE = "pool-before-requantize";

    static Graph forBackend(Graph graph) {
        Graph g = graph.copy();
        PassManager.of(BACKEND_PIPELINE).run(g);
        return g;
    }

    public static CompiledModel compile(Graph graph, Options options) {
        Verifier.verify(graph);
        LoweredModel lowered = LoweredModel.lower(forBackend(graph));
        ClassDesc self = ClassDesc.of(options.className());
        long hash = hash(lowered.weights().serialize(0), options.className());
        CompiledModel.Metadata meta = new CompiledModel.Metadata(options.modelName(), options.precision(),
                options.target(), options.sourceSha256());
        ModelClassEmitter emitter = new ModelClassEmitter(self, lowered, options.target(), meta, hash);
        byte[] classBytes = emitter.emit();
        byte[] simd = emitter.simdSignatures().isEmpty() ? new byte[0]
                : SimdClassEmitter.emit(ClassDesc.of(options.className() + "$Simd"), options.target(),
                        emitter.dispatchedKernels(), emitter.usesMachineCodeKernels() && options.nativeKernels());
        verify(classBytes, options.className());
        if (simd.length > 0) {
            verify(simd, options.className() + "$Simd");
        }
        CompiledModel compiled = new CompiledModel(options.className(), classBytes,
                lowered.weights().serialize(hash), simd, meta);
        Dump.maybe(compiled);
        return compiled;
    }

    /** Compiles and defines the model as a hidden class beside {@code JvmCompiler}; returns a new instance. */
    public static OctetModel load(Graph graph, Target target) {
        return instantiate(compile(graph, Options.of(hiddenClassName(graph.name()), target)));
    }

    /** A class name under which {@link #instantiate} can define a compiled model as a hidden class. */
    public static String hiddenClassName(String modelName) {
        return JvmCompiler.class.getPackageName() + "." + ClassNames.javaIdentifier(modelName);
    }

    /**
     * Defines a model compiled under a {@link #hiddenClassName} as a hidden class (weights and kernels as class
     * data, so no files are involved) and returns a new instance.
     */
    public static OctetModel instantiate(CompiledModel m) {
        try {
            return (OctetModel) m.defineHidden(MethodHandles.lookup()).getConstructor().newInstance();
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot instantiate " + m.className() + ": " + e, e);
        }
    }

    private static void verify(byte[] bytes, String name) {
        List<VerifyError> errors = ClassFile.of(ClassFile.ClassHierarchyResolverOption.of(
                ClassHierarchies.resolver(ClassDesc.of(name), ClassDesc.of(name + "$Simd")))).verify(bytes);
        if (!errors.isEmpty()) {
            throw new IllegalStateException("generated class " + name + " fails verification: " + errors);
        }
    }

    private static long hash(byte[] weights, String className) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            md.update(weights);
            md.update(className.getBytes(StandardCharsets.UTF_8));
            return ByteBuffer.wrap(md.digest()).getLong();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
