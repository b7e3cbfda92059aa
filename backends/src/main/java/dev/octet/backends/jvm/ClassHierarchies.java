package dev.octet.backends.jvm;

import java.io.IOException;
import java.io.InputStream;
import java.lang.classfile.ClassHierarchyResolver;
import java.lang.constant.ClassDesc;
import java.lang.constant.ConstantDescs;
import java.net.URI;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Class hierarchies for generating stack maps and verifying generated classes. JDK classes come from the running
 * JVM and, for modules it has not loaded (a Maven or application JVM started without
 * {@code --add-modules=jdk.incubator.vector}), from the runtime image itself (the {@code jrt:} file system), so
 * code that uses the Vector API can be compiled in any JDK 25 process.
 */
final class ClassHierarchies {
    private static final ClassHierarchyResolver RUNTIME_IMAGE = ClassHierarchyResolver.ofResourceParsing(
            ClassHierarchies::openFromImage).cached();

    private ClassHierarchies() {
    }

    /** The JDK's classes, plus {@code generated} classes (which extend Object). */
    static ClassHierarchyResolver resolver(ClassDesc... generated) {
        Map<ClassDesc, ClassDesc> own = new java.util.HashMap<>();
        for (ClassDesc c : generated) {
            own.put(c, ConstantDescs.CD_Object);
        }
        return ClassHierarchyResolver.defaultResolver().orElse(RUNTIME_IMAGE)
                .orElse(ClassHierarchyResolver.of(Set.of(), own));
    }

    private static InputStream openFromImage(ClassDesc desc) {
        String name = desc.descriptorString();
        if (!name.startsWith("L")) {
            return null;
        }
        String internal = name.substring(1, name.length() - 1);
        int slash = internal.lastIndexOf('/');
        if (slash < 0) {
            return null;
        }
        try {
            FileSystem jrt = FileSystems.getFileSystem(URI.create("jrt:/"));
            Path pkg = jrt.getPath("/packages", internal.substring(0, slash).replace('/', '.'));
            if (!Files.isDirectory(pkg)) {
                return null;
            }
            try (Stream<Path> modules = Files.list(pkg)) {
                for (Path m : (Iterable<Path>) modules::iterator) {
                    Path file = jrt.getPath("/modules", m.getFileName().toString(), internal + ".class");
                    if (Files.isRegularFile(file)) {
                        return Files.newInputStream(file);
                    }
                }
            }
            return null;
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }
}
