package dev.octet.cli;

import dev.octet.cli.inspect.ModelSummary;
import dev.octet.api.ModelCompilation;
import dev.octet.cli.model.ModelFileException;
import dev.octet.cli.model.ModelOpener;
import dev.octet.ir.Graph;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.jar.Attributes;
import java.util.jar.JarFile;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code octet inspect}: what a model is made of, and for a compiled jar what was compiled. */
@Command(name = "inspect", mixinStandardHelpOptions = true,
        description = "Show a model's ops, parameters per precision, int8/float layers and quantization parameters.")
final class InspectCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "MODEL", description = "A model (.onnx/.oir) or a jar from octet compile.")
    Path model;

    @Option(names = "--json", description = "Print the summary as JSON.")
    boolean json;

    @Mixin
    CommonOptions common;

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        ModelSummary summary;
        if (ModelOpener.isJar(model)) {
            Commands.requireFile(model, "model");
            summary = fromJar(model, out);
        } else {
            Graph g = Commands.loadModel(model);
            summary = ModelSummary.of(model.getFileName().toString(), ModelCompilation.precisionOf(g), g);
        }
        if (json) {
            out.println(summary.toJson());
        } else {
            summary.print(out);
        }
        out.flush();
        return 0;
    }

    private ModelSummary fromJar(Path jar, PrintWriter out) throws IOException {
        try (JarFile jf = new JarFile(jar.toFile())) {
            Attributes main = jf.getManifest() == null ? null : jf.getManifest().getMainAttributes();
            var entry = jf.getJarEntry(CompileCommand.SUMMARY_ENTRY);
            if (main == null || main.getValue("Octet-Model") == null || entry == null) {
                throw new ModelFileException(jar + ": not a jar written by octet compile");
            }
            if (!json) {
                out.printf("jar %s: class %s, target %s, source SHA-256 %s%n", jar.getFileName(),
                        main.getValue("Main-Class"), main.getValue("Octet-Target"),
                        main.getValue("Octet-Source-SHA-256"));
            }
            try (InputStream in = jf.getInputStream(entry)) {
                return ModelSummary.fromJson(new String(in.readAllBytes(), StandardCharsets.UTF_8));
            }
        } catch (java.util.zip.ZipException e) {
            throw new ModelFileException(jar + ": not a jar (" + e.getMessage() + ")");
        }
    }
}
