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
                    for (String callee : callees(e, self)) {
                        if (methods.containsKey(callee) && kept.add(callee)) {
                            work.add(callee);
                        }
                    }
                }
            });
        }
        if (kept.size() == methods.size()) {
            return classBytes;
        }
        return cf.transformClass(model, ClassTransform.dropping(e -> e instanceof MethodModel m
                && !kept.contains(key(m.methodName().stringValue(), m.methodTypeSymbol().descriptorString()))));
    }

    /** The methods of {@code self} an instruction refers to. */
    private static Set<String> callees(CodeElement e, ClassDesc self) {
        Set<String> out = new HashSet<>();
        switch (e) {
            case InvokeInstruction i when i.owner().asSymbol().equals(self) ->
                    out.add(key(i.name().stringValue(), i.typeSymbol().descriptorString()));
            case ConstantInstruction.LoadConstantInstruction c when c.constantEntry() instanceof MethodHandleEntry h ->
                    addHandle(out, h.asSymbol(), self);
            case InvokeDynamicInstruction indy -> {
                addHandle(out, indy.bootstrapMethod(), self);
                for (ConstantDesc arg : indy.bootstrapArgs()) {
                    addHandle(out, arg, self);
                }
            }
            default -> { }
        }
        return out;
    }

    private static void addHandle(Set<String> out, ConstantDesc c, ClassDesc self) {
        if (c instanceof DirectMethodHandleDesc h && h.owner().equals(self)) {
            out.add(key(h.methodName(), h.lookupDescriptor()));
        }
    }

    private static String key(String name, String descriptor) {
        return name + descriptor;
    }
}
