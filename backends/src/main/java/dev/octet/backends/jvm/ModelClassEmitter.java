package dev.octet.backends.jvm;

import static java.lang.constant.ConstantDescs.CD_Object;
import static java.lang.constant.ConstantDescs.CD_String;
import static java.lang.constant.ConstantDescs.CD_boolean;
import static java.lang.constant.ConstantDescs.CD_float;
import static java.lang.constant.ConstantDescs.CD_int;
import static java.lang.constant.ConstantDescs.CD_long;
import static java.lang.constant.ConstantDescs.CD_void;

import java.lang.classfile.ClassFile;
import java.lang.classfile.CodeBuilder;
import java.lang.classfile.Label;
import java.lang.classfile.TypeKind;
import java.lang.constant.ClassDesc;
import java.lang.constant.ConstantDescs;
import java.lang.constant.MethodTypeDesc;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Emits a model's class: the forward pass as straight-line kernel calls with shapes and offsets as constants, the
 * copied scalar kernels, dispatchers to the SIMD kernels (method handles into a hidden class defined at load time,
 * null when the Vector API is missing), weight loading, the predict methods, shape metadata and {@code main}.
 */
final class ModelClassEmitter {
    private static final ClassDesc CD_FLOATS = CD_float.arrayType();
    private static final ClassDesc CD_INTS = CD_int.arrayType();
    private static final ClassDesc CD_BYTES = ConstantDescs.CD_byte.arrayType();
    private static final ClassDesc CD_LOOKUP = ClassDesc.of("java.lang.invoke.MethodHandles$Lookup");
    private static final ClassDesc CD_HANDLES = ClassDesc.of("java.lang.invoke.MethodHandles");
    private static final ClassDesc CD_HANDLE = ConstantDescs.CD_MethodHandle;
    private static final ClassDesc CD_THREAD_LOCAL = ClassDesc.of("java.lang.ThreadLocal");
    /** The interface the class implements; its class file travels in every jar (see CompiledModel). */
    static final ClassDesc CD_OCTET_MODEL = ClassDesc.of(dev.octet.runtime.OctetModel.class.getName());
    private static final MethodTypeDesc MT_FORWARD = MethodTypeDesc.of(CD_void, CD_FLOATS, CD_FLOATS, CD_int);

    // Local variable slots of forward().
    private static final int IN = 1;
    private static final int OUT = 2;
    private static final int BATCH = 3;
    private static final int WS = 4;
    private static final int FIRST_ARRAY = 5;   // F, I, B workspace arrays, then wF, wI, wB
    private static final int INDEX = 11;

    private final ClassDesc self;
    private final String simpleName;
    private final LoweredModel model;
    private final Target target;
    private final CompiledModel.Metadata meta;
    private final long modelHash;
    private final Set<String> dispatched = new LinkedHashSet<>();
    /** The SIMD class's description of its binding (VectorKernels.binding). */
    private static final String BINDING = "binding";

    ModelClassEmitter(ClassDesc self, LoweredModel model, Target target, CompiledModel.Metadata meta,
            long modelHash) {
        this.self = self;
        this.simpleName = self.displayName();
        this.model = model;
        this.target = target;
        this.meta = meta;
        this.modelHash = modelHash;
        if (target.isSimd()) {
            collectDispatched(model.steps());
        }
    }

    private void collectDispatched(List<Step> steps) {
        for (Step s : steps) {
            switch (s) {
                case Step.Call c -> {
                    if (KernelTemplates.hasSimd(c.kernel())) {
                        dispatched.add(c.kernel());
                    }
                }
                case Step.Loop l -> collectDispatched(l.body());
            }
        }
    }

    /** Whether the SIMD class's run-time int8 machine code serves a kernel this model calls. */
    boolean usesMachineCodeKernels() {
        return dispatched.contains("gemmU8S8") || dispatched.contains("dynamicMatMul")
                || dispatched.contains("convInteger") || dispatched.contains("convIntegerMaxPool");
    }

    /**
     * The kernels called through the SIMD class, "name(descriptor)" joined by spaces (descriptors hold ;), then
     * the SIMD class's {@code binding()} (what it runs on, for {@code kernels()}).
     */
    String simdSignatures() {
        List<String> sigs = new ArrayList<>();
        for (String k : dispatched) {
            sigs.add(k + KernelTemplates.scalarKernel(k).descriptorString());
        }
        if (!sigs.isEmpty()) {
            sigs.add(BINDING + MethodTypeDesc.of(CD_String).descriptorString());
        }
        return String.join(" ", sigs);
    }

    /** The kernels the model class calls through the SIMD class. */
    Set<String> dispatchedKernels() {
        return Collections.unmodifiableSet(dispatched);
    }

    /** The model class, without the template kernels it does not call. */
    byte[] emit() {
        return UnusedMethodPruner.prune(emitAll(), self, Set.of());
    }

    private byte[] emitAll() {
        ClassFile cf = ClassFile.of(ClassFile.ClassHierarchyResolverOption.of(ClassHierarchies.resolver(self)));
        return cf.build(self, cb -> {
            cb.withVersion(ClassFile.JAVA_25_VERSION, 0);
            cb.withFlags(ClassFile.ACC_PUBLIC | ClassFile.ACC_FINAL | ClassFile.ACC_SUPER);
            cb.withSuperclass(CD_Object);
            cb.withInterfaceSymbols(CD_OCTET_MODEL);
            int priv = ClassFile.ACC_PRIVATE | ClassFile.ACC_FINAL;
            cb.withField("wF", CD_FLOATS, priv);
            cb.withField("wI", CD_INTS, priv);
            cb.withField("wB", CD_BYTES, priv);
            cb.withField("ws", CD_THREAD_LOCAL, priv);
            for (String k : dispatched) {
                cb.withField("SIMD$" + k, CD_HANDLE, priv | ClassFile.ACC_STATIC);
            }
            if (!dispatched.isEmpty()) {
                cb.withField("SIMD$" + BINDING, CD_HANDLE, priv | ClassFile.ACC_STATIC);
            }
            cb.withMethodBody("<clinit>", MethodTypeDesc.of(CD_void), ClassFile.ACC_STATIC, this::emitClinit);
            cb.withMethodBody("<init>", MethodTypeDesc.of(CD_void), ClassFile.ACC_PUBLIC, this::emitDefaultInit);
            cb.withMethodBody("<init>", MethodTypeDesc.of(CD_void, CD_BYTES), ClassFile.ACC_PUBLIC, this::emitInit);
            cb.withMethodBody("predict", MethodTypeDesc.of(CD_void, CD_FLOATS, CD_int, CD_FLOATS),
                    ClassFile.ACC_PUBLIC, this::emitBatchedPredict);
            cb.withMethodBody("predict", MethodTypeDesc.of(CD_FLOATS, CD_FLOATS), ClassFile.ACC_PUBLIC,
                    this::emitPredict);
            cb.withMethodBody("apply", MethodTypeDesc.of(CD_Object, CD_Object), ClassFile.ACC_PUBLIC, code -> {
                code.aload(0).aload(1).checkcast(CD_FLOATS)
                        .invokevirtual(self, "predict", MethodTypeDesc.of(CD_FLOATS, CD_FLOATS)).areturn();
            });
            cb.withMethodBody("main", MethodTypeDesc.of(CD_void, CD_String.arrayType()),
                    ClassFile.ACC_PUBLIC | ClassFile.ACC_STATIC, code -> {
                        code.aload(0).new_(self).dup().invokespecial(self, "<init>", MethodTypeDesc.of(CD_void))
                                .loadConstant(model.inPerSample()).loadConstant(simpleName)
                                .invokestatic(self, "runMain", KernelTemplates.scalarKernel("runMain")).return_();
                    });
            shapeMethod(cb, "inputShape", model.inputShape());
            shapeMethod(cb, "outputShape", model.outputShape());
            // What the kernels run on: "scalar", or the SIMD binding ("256->256", plus " avx2-gemm" where the
            // run-time int8 micro-kernels are installed).
            cb.withMethodBody("kernels", MethodTypeDesc.of(CD_String), ClassFile.ACC_PUBLIC, code -> {
                Label scalar = code.newLabel();
                if (!dispatched.isEmpty()) {
                    code.getstatic(self, "SIMD$" + BINDING, CD_HANDLE).ifnull(scalar)
                            .getstatic(self, "SIMD$" + BINDING, CD_HANDLE)
                            .invokevirtual(CD_HANDLE, "invokeExact", MethodTypeDesc.of(CD_String)).areturn();
                }
                code.labelBinding(scalar).loadConstant("scalar").areturn();
            });
            stringMethod(cb, "modelName", meta.modelName());
            stringMethod(cb, "precision", meta.precision());
            stringMethod(cb, "target", target.id());
            stringMethod(cb, "sourceSha256", meta.sourceSha256());
            cb.withMethodBody("simd", MethodTypeDesc.of(CD_boolean), ClassFile.ACC_PUBLIC,
                    code -> {
                        if (dispatched.isEmpty()) {
                            code.loadConstant(0).ireturn();
                        } else {
                            Label no = code.newLabel();
                            code.getstatic(self, "SIMD$" + dispatched.iterator().next(), CD_HANDLE).ifnull(no)
                                    .loadConstant(1).ireturn().labelBinding(no).loadConstant(0).ireturn();
                        }
                    });
            cb.withMethodBody("forward", MT_FORWARD, ClassFile.ACC_PRIVATE, this::emitForward);
            for (String k : dispatched) {
                emitDispatcher(cb, k);
            }
            KernelTemplates.copyInto(cb, KernelTemplates.MODEL_CLASS, self, null);
        });
    }

    private static void shapeMethod(java.lang.classfile.ClassBuilder cb, String name, long[] shape) {
        cb.withMethodBody(name, MethodTypeDesc.of(CD_long.arrayType()), ClassFile.ACC_PUBLIC,
                code -> {
                    code.loadConstant(shape.length).newarray(TypeKind.LONG);
                    for (int i = 0; i < shape.length; i++) {
                        code.dup().loadConstant(i).loadConstant(shape[i]).lastore();
                    }
                    code.areturn();
                });
    }

    private static void stringMethod(java.lang.classfile.ClassBuilder cb, String name, String value) {
        cb.withMethodBody(name, MethodTypeDesc.of(CD_String), ClassFile.ACC_PUBLIC,
                code -> code.loadConstant(value).areturn());
    }

    private void emitClinit(CodeBuilder code) {
        if (!dispatched.isEmpty()) {
            int lookup = code.allocateLocal(TypeKind.REFERENCE);
            int handles = code.allocateLocal(TypeKind.REFERENCE);
            code.invokestatic(CD_HANDLES, "lookup", MethodTypeDesc.of(CD_LOOKUP)).astore(lookup);
            code.aload(lookup).aload(lookup).loadConstant(simpleName + ".simd").loadConstant(1)
                    .invokestatic(self, "data", KernelTemplates.scalarKernel("data"))
                    .loadConstant(simdSignatures()).loadConstant(target.id())
                    .invokestatic(self, "linkSimd", KernelTemplates.scalarKernel("linkSimd")).astore(handles);
            Label done = code.newLabel();
            code.aload(handles).ifnull(done);
            int i = 0;
            for (String k : dispatched) {
                code.aload(handles).loadConstant(i++).aaload().putstatic(self, "SIMD$" + k, CD_HANDLE);
            }
            code.aload(handles).loadConstant(i).aaload().putstatic(self, "SIMD$" + BINDING, CD_HANDLE);
            code.labelBinding(done);
        }
        code.return_();
    }

    private void emitDefaultInit(CodeBuilder code) {
        code.aload(0).invokestatic(CD_HANDLES, "lookup", MethodTypeDesc.of(CD_LOOKUP))
                .loadConstant(simpleName + ".weights").loadConstant(0)
                .invokestatic(self, "data", KernelTemplates.scalarKernel("data"))
                .invokespecial(self, "<init>", MethodTypeDesc.of(CD_void, CD_BYTES)).return_();
    }

    private void emitInit(CodeBuilder code) {
        WeightPack w = model.weights();
        code.aload(0).invokespecial(CD_Object, "<init>", MethodTypeDesc.of(CD_void));
        code.aload(1).loadConstant(simpleName + ".weights").loadConstant(w.count(Arena.F32))
                .loadConstant(w.count(Arena.I32)).loadConstant(w.count(Arena.I8)).loadConstant(modelHash)
                .invokestatic(self, "readWeights", KernelTemplates.scalarKernel("readWeights")).astore(2);
        String[] fields = {"wF", "wI", "wB"};
        ClassDesc[] types = {CD_FLOATS, CD_INTS, CD_BYTES};
        for (int i = 0; i < 3; i++) {
            code.aload(0).aload(2).loadConstant(i).aaload().checkcast(types[i]).putfield(self, fields[i], types[i]);
        }
        code.aload(0).new_(CD_THREAD_LOCAL).dup().invokespecial(CD_THREAD_LOCAL, "<init>",
                MethodTypeDesc.of(CD_void)).putfield(self, "ws", CD_THREAD_LOCAL);
        code.return_();
    }

    private int fixedBatch() {
        return model.batched() ? 0 : 1;
    }

    /** The largest batch whose workspace offsets fit an int. */
    private int maxBatch() {
        long max = Integer.MAX_VALUE - 8;
        for (IntExpr size : model.arenaSizes().values()) {
            if (size.perBatch() > 0) {
                max = Math.min(max, (Integer.MAX_VALUE - 8 - size.constant()) / size.perBatch());
            }
        }
        long io = Math.max(model.inPerSample(), model.outPerSample());
        return (int) Math.min(max, (Integer.MAX_VALUE - 8) / Math.max(1, io));
    }

    private void emitBatchedPredict(CodeBuilder code) {
        code.aload(1).iload(2).aload(3).loadConstant(model.inPerSample()).loadConstant(model.outPerSample())
                .loadConstant(fixedBatch()).loadConstant(maxBatch()).loadConstant(shapeText(model.inputShape()))
                .invokestatic(self, "checkBatch", KernelTemplates.scalarKernel("checkBatch"));
        code.aload(0).aload(1).aload(3).iload(2).invokevirtual(self, "forward", MT_FORWARD).return_();
    }

    private void emitPredict(CodeBuilder code) {
        code.aload(1).loadConstant(model.inPerSample()).loadConstant(fixedBatch())
                .loadConstant(shapeText(model.inputShape()))
                .invokestatic(self, "batchOf", KernelTemplates.scalarKernel("batchOf")).istore(2);
        code.iload(2).loadConstant(model.outPerSample()).imul().newarray(TypeKind.FLOAT).astore(3);
        code.aload(0).aload(1).iload(2).aload(3)
                .invokevirtual(self, "predict", MethodTypeDesc.of(CD_void, CD_FLOATS, CD_int, CD_FLOATS));
        code.aload(3).areturn();
    }

    /** "[N, 1, 28, 28]": the input shape as error messages name it. */
    private static String shapeText(long[] shape) {
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < shape.length; i++) {
            sb.append(i > 0 ? ", " : "").append(shape[i] < 0 ? "N" : String.valueOf(shape[i]));
        }
        return sb.append(']').toString();
    }

    private void emitForward(CodeBuilder code) {
        Map<Arena, IntExpr> sizes = model.arenaSizes();
        code.aload(0).getfield(self, "ws", CD_THREAD_LOCAL);
        emitInt(code, sizes.get(Arena.F32));
        emitInt(code, sizes.get(Arena.I32));
        emitInt(code, sizes.get(Arena.I8));
        code.invokestatic(self, "workspace", KernelTemplates.scalarKernel("workspace")).astore(WS);
        Arena[] arenas = Arena.values();
        String[] weightFields = {"wF", "wI", "wB"};
        for (int i = 0; i < 3; i++) {
            code.aload(WS).loadConstant(i).aaload().checkcast(arenas[i].arrayType()).astore(FIRST_ARRAY + i);
            code.aload(0).getfield(self, weightFields[i], arenas[i].arrayType()).astore(FIRST_ARRAY + 3 + i);
        }
        MethodTypeDesc arraycopy = MethodTypeDesc.of(CD_void, CD_Object, CD_int, CD_Object, CD_int, CD_int);
        ClassDesc system = ClassDesc.of("java.lang.System");
        // The kernels read the input where the caller passed it (Buffer.callerInput): no copy in.
        emitSteps(code, model.steps());
        emitBuffer(code, model.output());
        code.aload(OUT).loadConstant(0).loadConstant(model.outPerSample()).iload(BATCH).imul()
                .invokestatic(system, "arraycopy", arraycopy);
        code.return_();
    }

    private void emitSteps(CodeBuilder code, List<Step> steps) {
        for (Step s : steps) {
            switch (s) {
                case Step.Call c -> emitCall(code, c);
                case Step.Loop l -> {
                    Label top = code.newLabel();
                    Label end = code.newLabel();
                    code.loadConstant(0).istore(INDEX).labelBinding(top).iload(INDEX);
                    emitInt(code, l.count());
                    code.if_icmpge(end);
                    emitSteps(code, l.body());
                    code.iinc(INDEX, 1).goto_(top).labelBinding(end);
                }
            }
        }
    }

    private void emitCall(CodeBuilder code, Step.Call c) {
        MethodTypeDesc desc = KernelTemplates.scalarKernel(c.kernel());
        int p = 0;
        for (Object a : c.args()) {
            ClassDesc want = p < desc.parameterCount() ? desc.parameterType(p) : null;
            switch (a) {
                case Buffer b -> {
                    check(c, want != null && (want.isArray() || want.equals(CD_Object))
                            && p + 1 < desc.parameterCount() && desc.parameterType(p + 1).equals(CD_int), p);
                    emitBuffer(code, b);
                    p += 2;
                    continue;
                }
                case IntExpr e -> {
                    check(c, CD_int.equals(want), p);
                    emitInt(code, e);
                }
                case Integer i -> {
                    check(c, CD_int.equals(want), p);
                    code.loadConstant(i);
                }
                case Float f -> {
                    check(c, CD_float.equals(want), p);
                    code.loadConstant(f);
                }
                case Boolean z -> {
                    check(c, CD_boolean.equals(want), p);
                    code.loadConstant(z ? 1 : 0);
                }
                default -> throw new IllegalStateException(c.origin() + ": argument " + a + " of " + c.kernel());
            }
            p++;
        }
        check(c, p == desc.parameterCount(), p);
        String callee = dispatched.contains(c.kernel()) ? "$" + c.kernel() : c.kernel();
        code.invokestatic(self, callee, desc);
    }

    private static void check(Step.Call c, boolean ok, int param) {
        if (!ok) {
            throw new IllegalStateException(c.origin() + ": arguments of kernel " + c.kernel()
                    + " do not match its parameters at " + param + ": " + c.args());
        }
    }

    private void emitBuffer(CodeBuilder code, Buffer b) {
        int arena = b.arena().ordinal();
        if (b.isInput()) {
            code.aload(IN);
            emitInt(code, b.offset());
        } else if (b.slot() != null) {
            code.aload(FIRST_ARRAY + arena);
            emitInt(code, b.slot().offset().plus(b.offset()));
        } else {
            code.aload(FIRST_ARRAY + 3 + arena);
            emitInt(code, IntExpr.of(b.weight().offset()).plus(b.offset()));
        }
    }

    private void emitInt(CodeBuilder code, IntExpr e) {
        code.loadConstant(Math.toIntExact(e.constant()));
        if (e.perBatch() != 0) {
            code.iload(BATCH);
            if (e.perBatch() != 1) {
                code.loadConstant(Math.toIntExact(e.perBatch())).imul();
            }
            code.iadd();
        }
        if (e.perIndex() != 0) {
            code.iload(INDEX);
            if (e.perIndex() != 1) {
                code.loadConstant(Math.toIntExact(e.perIndex())).imul();
            }
            code.iadd();
        }
    }

    /** {@code $k(args)}: the SIMD kernel through its handle when linked, else the copied scalar kernel. */
    private void emitDispatcher(java.lang.classfile.ClassBuilder cb, String kernel) {
        MethodTypeDesc desc = KernelTemplates.scalarKernel(kernel);
        cb.withMethodBody("$" + kernel, desc, ClassFile.ACC_PRIVATE | ClassFile.ACC_STATIC, code -> {
            Label scalar = code.newLabel();
            code.getstatic(self, "SIMD$" + kernel, CD_HANDLE).dup().ifnull(scalar);
            loadParameters(code, desc);
            code.invokevirtual(CD_HANDLE, "invokeExact", desc).return_();
            code.labelBinding(scalar).pop();
            loadParameters(code, desc);
            code.invokestatic(self, kernel, desc).return_();
        });
    }

    private static void loadParameters(CodeBuilder code, MethodTypeDesc desc) {
        for (int i = 0; i < desc.parameterCount(); i++) {
            code.loadLocal(TypeKind.from(desc.parameterType(i)), code.parameterSlot(i));
        }
    }


}
