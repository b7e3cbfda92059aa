package dev.octet.cli.model;

import dev.octet.api.ModelCompilation;
import dev.octet.backends.jvm.JvmCompiler;
import dev.octet.backends.jvm.Target;
import dev.octet.frontend.ModelLoader;
import dev.octet.ir.Graph;
import dev.octet.passes.PassManager;
import dev.octet.passes.quant.StaticQuantizer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.jar.JarFile;

/**
 * Opens a model file as something runnable: a jar that {@code octet compile} wrote (its Main-Class is the model
 * class), or an ONNX / text-IR model, compiled in-process to an fp32 class (a QDQ model runs its Q/DQ ops as
 * written, in float), so a float baseline runs at compiled speed rather than in the reference evaluator.
 */
public final class ModelOpener {
    private ModelOpener() {
    }

    public static boolean isJar(Path file) {
        return file.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".jar");
    }

    public static RunnableModel open(Path file, Target target) {
        return isJar(file) ? openJar(file) : openGraph(file, ModelLoader.load(file), target);
    }

    /**
     * Compiles {@code graph} (read from {@code file}) as it is, after the float fusions (and u8 weights made s8, for
     * integer ONNX models), and loads it.
     */
    public static RunnableModel openGraph(Path file, Graph graph, Target target) {
        Graph prepared = graph.copy();
        PassManager.of(StaticQuantizer.PREPARE + ",signed-weights,dce").run(prepared);
        Object instance = JvmCompiler.load(prepared, target);
        return new GeneratedModel(instance, file.getFileName().toString(), size(file),
                ModelCompilation.precisionOf(graph));
    }

    public static RunnableModel openJar(Path jar) {
        String mainClass;
        try (JarFile jf = new JarFile(jar.toFile())) {
            var manifest = jf.getManifest();
            mainClass = manifest == null ? null : manifest.getMainAttributes().getValue("Main-Class");
            if (manifest == null || manifest.getMainAttributes().getValue("Octet-Model") == null) {
                throw new ModelFileException(jar + ": not a jar written by octet compile (no Octet-Model "
                        + "in its manifest)");
            }
        } catch (IOException e) {
            throw new ModelFileException(jar + ": cannot read jar: " + e.getMessage());
        }
        try {
            URLClassLoader loader = new URLClassLoader(new java.net.URL[] {jar.toUri().toURL()},
                    ModelOpener.class.getClassLoader());
            Object instance = loader.loadClass(mainClass).getConstructor().newInstance();
            return new GeneratedModel(instance, jar.getFileName().toString(), size(jar), null);
        } catch (ReflectiveOperationException | IOException | LinkageError e) {
            throw new ModelFileException(jar + ": cannot load model class " + mainClass + ": " + e);
        } catch (IllegalStateException e) {
            throw new ModelFileException(jar + ": " + e.getMessage());
        }
    }

    private static long size(Path file) {
        try {
            return Files.size(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
