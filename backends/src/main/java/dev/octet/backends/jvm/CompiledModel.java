package dev.octet.backends.jvm;

import dev.octet.runtime.OctetModel;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.invoke.MethodHandles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;

/**
 * The output of the JVM backend: the model class, its weight resource and (for SIMD targets) the kernel class it
 * defines as a hidden class at load time. Written as a jar for ahead-of-time use, or defined in-process as a hidden
 * class whose resources come as class data.
 */
public record CompiledModel(String className, byte[] classBytes, byte[] weights, byte[] simdClass,
        Metadata metadata) {

    /**
     * What the manifest records about the model. The model name comes from the model's content, so it is kept as
     * data: control characters become '?' and it is cut to 200 characters (a manifest line and a class-file
     * constant must stay well-formed).
     */
    public record Metadata(String modelName, String precision, Target target, String sourceSha256) {
        public Metadata {
            StringBuilder sb = new StringBuilder();
            modelName.codePoints().limit(200).forEach(c -> sb.appendCodePoint(Character.isISOControl(c) ? '?' : c));
            modelName = sb.toString();
        }
    }

    public String simpleName() {
        return className.substring(className.lastIndexOf('.') + 1);
    }

    private String resourceBase() {
        return className.replace('.', '/');
    }

    /** A runnable jar: {@code java --add-modules=jdk.incubator.vector -jar model.jar input.npy}. */
    public void writeJar(Path jar) throws IOException {
        writeJar(jar, Map.of());
    }

    /**
     * As {@link #writeJar(Path)}, with extra entries (path in the jar to bytes, e.g. reports under
     * {@code META-INF/octet/}). Entries carry a fixed time and come in a fixed order, so the same inputs give a
     * byte-identical jar.
     */
    public void writeJar(Path jar, Map<String, byte[]> extraEntries) throws IOException {
        Manifest mf = new Manifest();
        Attributes main = mf.getMainAttributes();
        main.put(Attributes.Name.MANIFEST_VERSION, "1.0");
        main.put(Attributes.Name.MAIN_CLASS, className);
        main.putValue("Created-By", "Octet");
        // java -jar model.jar may then install the run-time machine-code kernels (kernels/ExecutableMemory).
        main.putValue("Enable-Native-Access", "ALL-UNNAMED");
        main.putValue("Octet-Model", metadata.modelName());
        main.putValue("Octet-Precision", metadata.precision());
        main.putValue("Octet-Target", metadata.target().id());
        main.putValue("Octet-Source-SHA-256", metadata.sourceSha256());
        if (jar.getParent() != null) {
            Files.createDirectories(jar.getParent());
        }
        try (OutputStream os = Files.newOutputStream(jar); JarOutputStream out = new JarOutputStream(os)) {
            java.io.ByteArrayOutputStream manifest = new java.io.ByteArrayOutputStream();
            mf.write(manifest);
            entry(out, "META-INF/", null);
            entry(out, JarFile.MANIFEST_NAME, manifest.toByteArray());
            List<String> dirs = new ArrayList<>();
            String base = resourceBase();
            for (int i = base.indexOf('/'); i >= 0; i = base.indexOf('/', i + 1)) {
                dirs.add(base.substring(0, i + 1));
            }
            for (String d : dirs) {
                entry(out, d, null);
            }
            entry(out, base + ".class", classBytes);
            for (String d : List.of("dev/", "dev/octet/", "dev/octet/runtime/")) {
                if (!dirs.contains(d)) {
                    entry(out, d, null);
                }
            }
            entry(out, INTERFACE_ENTRY, interfaceClassBytes());
            entry(out, base + ".weights", weights);
            if (simdClass.length > 0) {
                entry(out, base + ".simd", simdClass);
            }
            for (Map.Entry<String, byte[]> e : new TreeMap<>(extraEntries).entrySet()) {
                entry(out, e.getKey(), e.getValue());
            }
        }
    }

    /** The class file of {@link OctetModel}: every jar carries it, so the model class needs nothing but the JDK. */
    static final String INTERFACE_ENTRY = OctetModel.class.getName().replace('.', '/') + ".class";

    private static byte[] interfaceClassBytes() throws IOException {
        try (var in = OctetModel.class.getResourceAsStream("/" + INTERFACE_ENTRY)) {
            if (in == null) {
                throw new IOException("cannot read " + INTERFACE_ENTRY + " from the octet-runtime jar");
            }
            return in.readAllBytes();
        }
    }

    /**
     * Writes the class, its resources and the {@link OctetModel} interface into a classes directory (as a build
     * tool's {@code target/classes}), plus {@code extraFiles} (relative path to bytes). Returns the files written.
     */
    public List<Path> writeClasses(Path dir, Map<String, byte[]> extraFiles) throws IOException {
        Map<String, byte[]> files = new TreeMap<>(extraFiles);
        String base = resourceBase();
        files.put(base + ".class", classBytes);
        files.put(base + ".weights", weights);
        if (simdClass.length > 0) {
            files.put(base + ".simd", simdClass);
        }
        files.put(INTERFACE_ENTRY, interfaceClassBytes());
        List<Path> written = new ArrayList<>();
        for (Map.Entry<String, byte[]> e : files.entrySet()) {
            Path file = dir.resolve(e.getKey()).normalize();
            if (!file.startsWith(dir.normalize())) {
                throw new IOException("refusing to write " + e.getKey() + " outside " + dir);
            }
            Files.createDirectories(file.getParent());
            Files.write(file, e.getValue());
            written.add(file);
        }
        return written;
    }

    /** A fixed entry time (1980-02-01, the zip epoch) keeps jars reproducible. */
    private static final long ENTRY_TIME = 315_532_800_000L + 31L * 86_400_000L;

    private static void entry(JarOutputStream out, String name, byte[] bytes) throws IOException {
        JarEntry e = new JarEntry(name);
        e.setTime(ENTRY_TIME);
        out.putNextEntry(e);
        if (bytes != null) {
            out.write(bytes);
        }
        out.closeEntry();
    }

    /**
     * Defines the model as a hidden class in the package of {@code lookup}'s class (the class name must be in that
     * package), with the weights and SIMD kernels as class data.
     */
    public Class<?> defineHidden(MethodHandles.Lookup lookup) {
        try {
            return lookup.defineHiddenClassWithClassData(classBytes, List.of(weights, simdClass), true)
                    .lookupClass();
        } catch (IllegalAccessException e) {
            throw new IllegalStateException("cannot define " + className + ": " + e.getMessage(), e);
        }
    }
}
