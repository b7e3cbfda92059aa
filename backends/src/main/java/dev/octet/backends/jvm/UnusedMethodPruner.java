package dev.octet.backends.jvm;

import java.lang.classfile.ClassFile;
import java.lang.classfile.ClassModel;
import java.lang.classfile.ClassTransform;
import java.lang.classfile.CodeElement;
import java.lang.classfile.MethodModel;
import java.lang.classfile.constantpool.MethodHandleEntry;
import java.lang.classfile.instruction.ConstantInstruction;
import java.lang.classfile.instruction.InvokeDynamicInstruction;
import java.lang.classfile.instruction.InvokeInstruction;
import java.lang.constant.ClassDesc;
import java.lang.constant.ConstantDesc;
import java.lang.constant.DirectMethodHandleDesc;
import java.lang.reflect.AccessFlag;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Drops the private static methods of a generated class that nothing kept calls. The kernel templates are copied
 * whole into every class, but a model calls a few of their kernels: an MLP has no use for convolutions, and
 * without pruning every jar carries every kernel.
 *
 * <p>Kept: every method that is not private and static (the class's API, constructors, its initializer, private
 * instance methods), the methods named in {@code lookedUpByName} (found by name at run time, whatever their
 * descriptor), and everything these reach through invocations, method-handle constants and bootstrap arguments
 * that name the class itself.
 */
final class UnusedMethodPruner {
    private UnusedMethodPruner() {
    }

    static byte[] prune(byte[] classBytes, ClassDesc self, Set<String> lookedUpByName) {
        // A new constant pool, so the dropped methods' constants go too; the kept code is rewritten.
        ClassFile cf = ClassFile.of(ClassFile.ClassHierarchyResolverOption.of(ClassHierarchies.resolver(self)),
                ClassFile.ConstantPoolSharingOption.NEW_POOL);
        ClassModel model = cf.parse(classBytes);
        Map<String, MethodModel> methods = new HashMap<>();
        Deque<String> work = new ArrayDeque<>();
        Set<String> kept = new HashSet<>();
        for (MethodModel m : model.methods()) {
            String key = key(m.methodName().stringValue(), m.methodTypeSymbol().descriptorString());
            methods.put(key, m);
            boolean privateStatic = m.flags().has(AccessFlag.PRIVATE) && m.flags().has(AccessFlag.STATIC);
            if ((!privateStatic || lookedUpByName.contains(m.methodName().stringValue())) && kept.add(key)) {
                work.add(key);
            }
        }
        while (!work.isEmpty()) {
            methods.get(work.pop()).code().ifPresent(code -> {
                for (CodeElement e : code) {
                    callees(e, self, callee -> {
                        if (methods.containsKey(callee) && kept.add(callee)) {
                            work.add(callee);
                        }
                    });
                }
            });
        }
        if (kept.size() == methods.size()) {
            return classBytes;
        }
        return cf.transformClass(model, ClassTransform.dropping(e -> e instanceof MethodModel m
                && !kept.contains(key(m.methodName().stringValue(), m.methodTypeSymbol().descriptorString()))));
    }

    /** Tells {@code out} the methods of {@code self} an instruction refers to. */
    private static void callees(CodeElement e, ClassDesc self, Consumer<String> out) {
        switch (e) {
            case InvokeInstruction i when i.owner().asSymbol().equals(self) ->
                    out.accept(key(i.name().stringValue(), i.typeSymbol().descriptorString()));
            case ConstantInstruction.LoadConstantInstruction c when c.constantEntry() instanceof MethodHandleEntry h ->
                    handle(h.asSymbol(), self, out);
            case InvokeDynamicInstruction indy -> {
                handle(indy.bootstrapMethod(), self, out);
                for (ConstantDesc arg : indy.bootstrapArgs()) {
                    handle(arg, self, out);
                }
            }
            default -> { }
        }
    }

    private static void handle(ConstantDesc c, ClassDesc self, Consumer<String> out) {
        if (c instanceof DirectMethodHandleDesc h && h.owner().equals(self)) {
            out.accept(key(h.methodName(), h.lookupDescriptor()));
        }
    }

    private static String key(String name, String descriptor) {
        return name + descriptor;
    }
}
