package dev.octet.maven;

import dev.octet.api.CompileOptions;
import dev.octet.api.MixedPrecision;
import dev.octet.api.ModelCompilation;
import dev.octet.api.Octet;
import dev.octet.api.Precision;
import dev.octet.api.SampleFiles;
import dev.octet.api.Validation;
import dev.octet.backends.jvm.Target;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.maven.plugin.AbstractMojo;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugins.annotations.LifecyclePhase;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;

/**
 * Compiles the project's models into classes in {@code target/classes} (class, weights, and the OctetModel
 * interface), before {@code compile}, so the project's code can call the generated classes directly. Models are the
 * configured {@code <models>}, or else every {@code .onnx}/{@code .oir} under {@code src/main/models}. A model whose
 * file, data files and options are unchanged since the last build is skipped. {@code target/octet/build-report.txt}
 * says what each model's compile did.
 */
@Mojo(name = "compile", defaultPhase = LifecyclePhase.GENERATE_RESOURCES, threadSafe = true)
public class CompileMojo extends AbstractMojo {
    @Parameter
    List<ModelConfig> models;

    /** Scanned for models when {@code <models>} is not configured. */
    @Parameter(defaultValue = "${project.basedir}/src/main/models")
    File modelsDirectory;

    /** Package of the classes of scanned models (and of configured ones without a className). */
    @Parameter(defaultValue = "dev.octet.models")
    String packageName;

    @Parameter(defaultValue = "${project.build.outputDirectory}")
    File outputDirectory;

    @Parameter(defaultValue = "${project.build.directory}/octet")
    File stateDirectory;

    /** Defaults for every model. */
    @Parameter(defaultValue = "int8")
    String precision;

    @Parameter
    File calibration;

    @Parameter(defaultValue = "minmax")
    String method;

    @Parameter(defaultValue = "u8")
    String activations;

    @Parameter(defaultValue = "false")
    boolean perTensor;

    @Parameter(defaultValue = "auto")
    String target;

    /** Whether the classes may install their int8 machine-code kernels at run time (AVX-512 VNNI, AVX2). */
    @Parameter(defaultValue = "true")
    boolean nativeKernels;

    /** Whether static int8 folds each layer's measured mean output error into its bias. */
    @Parameter(defaultValue = "true")
    boolean biasCorrection;

    @Parameter(property = "octet.skip", defaultValue = "false")
    boolean skip;

    @Override
    public void execute() throws MojoExecutionException, MojoFailureException {
        if (skip) {
            getLog().info("octet: skipped (octet.skip)");
            return;
        }
        List<ModelConfig> work = models != null && !models.isEmpty() ? models : scan();
        if (work.isEmpty()) {
            getLog().info("octet: no models (configure <models> or put them in " + modelsDirectory + ")");
            return;
        }
        List<String> report = new ArrayList<>();
        for (ModelConfig m : work) {
            report.add(compileOne(m));
        }
        try {
            Files.createDirectories(stateDirectory.toPath());
            Files.write(stateDirectory.toPath().resolve("build-report.txt"), report, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new MojoExecutionException("octet: cannot write " + stateDirectory + ": " + e.getMessage(), e);
        }
    }

    private List<ModelConfig> scan() throws MojoExecutionException {
        if (!modelsDirectory.isDirectory()) {
            return List.of();
        }
        try (Stream<Path> files = Files.walk(modelsDirectory.toPath())) {
            return files.filter(p -> p.toString().endsWith(".onnx") || p.toString().endsWith(".oir")).sorted()
                    .map(p -> {
                        ModelConfig c = new ModelConfig();
                        c.file = p.toFile();
                        return c;
                    }).toList();
        } catch (IOException e) {
            throw new MojoExecutionException("octet: cannot list " + modelsDirectory + ": " + e.getMessage(), e);
        }
    }

    /** Compiles one model unless it is up to date; returns its line of the build report. */
    private String compileOne(ModelConfig m) throws MojoExecutionException, MojoFailureException {
        if (m.file == null) {
            throw new MojoFailureException("octet: a <model> has no <file>");
        }
        Path model = m.file.toPath();
        if (!Files.isRegularFile(model)) {
            throw new MojoFailureException("octet: " + model + ": model file does not exist");
        }
        CompileOptions options = options(m);
        String className = options.className();
        Path stamp = stateDirectory.toPath().resolve(className + ".sha256");
        Path classFile = outputDirectory.toPath().resolve(className.replace('.', '/') + ".class");
        List<Path> otherInputs = Arrays.asList(options.calibration(), path(m.validation), path(m.labels));
        String optionsText = options + "|" + getClass().getPackage().getImplementationVersion();
        BuildStamp previous = BuildStamp.read(stamp);
        try {
            if (Files.isRegularFile(classFile) && previous != null
                    && previous.matches(model, otherInputs, optionsText)) {
                getLog().info("octet: " + className + " is up to date");
                return className + " up-to-date " + model.getFileName();
            }
        } catch (IOException e) {
            throw new MojoExecutionException("octet: cannot read the inputs of " + model + ": " + e.getMessage(), e);
        }
        ModelCompilation.Result result;
        try {
            result = Octet.compile(model, options);
        } catch (RuntimeException e) {
            throw new MojoFailureException("octet: " + model + ": " + e.getMessage(), e);
        }
        try {
            result.artifact().writeClasses(outputDirectory.toPath(), Map.of());
        } catch (IOException e) {
            throw new MojoExecutionException("octet: cannot write " + className + ": " + e.getMessage(), e);
        }
        if (m.maxAccuracyDrop != null) {
            checkBudget(m, model, result);
        }
        try {
            List<Path> data = Octet.sourceFiles(model).stream().skip(1).toList();
            BuildStamp.of(model, data, otherInputs, optionsText).write(stamp);
        } catch (IOException e) {
            throw new MojoExecutionException("octet: cannot write " + stamp + ": " + e.getMessage(), e);
        }
        getLog().info(String.format(Locale.ROOT, "octet: %s -> %s (%s, %d KiB of weights)", model.getFileName(),
                className, options.precision().id(), result.artifact().weights().length / 1024));
        return className + " compiled " + model.getFileName();
    }

    private void checkBudget(ModelConfig m, Path model, ModelCompilation.Result result) throws MojoFailureException {
        if (m.validation == null || m.labels == null) {
            throw new MojoFailureException("octet: " + model + ": <maxAccuracyDrop> needs <validation> and <labels>");
        }
        try {
            Validation.Outcome o = Validation.compare(result, m.validation.toPath(), m.labels.toPath());
            getLog().info(String.format(Locale.ROOT, "octet: %s top-1 %.2f%% (float %.2f%%) on %s",
                    options(m).className(), 100 * o.compiled(), 100 * o.reference(), m.validation.getName()));
            if (100 * (o.reference() - o.compiled()) > m.maxAccuracyDrop) {
                throw new MojoFailureException(String.format(Locale.ROOT,
                        "octet: %s: accuracy dropped %.2f points (%.2f%% -> %.2f%%), more than maxAccuracyDrop %.2f",
                        model, 100 * (o.reference() - o.compiled()), 100 * o.reference(), 100 * o.compiled(),
                        m.maxAccuracyDrop));
            }
        } catch (SampleFiles.DataException | IllegalArgumentException e) {
            throw new MojoFailureException("octet: " + model + ": " + e.getMessage(), e);
        }
    }

    private CompileOptions options(ModelConfig m) throws MojoFailureException {
        try {
            String base = m.file.getName().replaceFirst("\\.[^.]+$", "");
            return CompileOptions.builder()
                    .precision(Precision.valueOf(or(m.precision, precision).toUpperCase(Locale.ROOT)))
                    .calibration(m.calibration != null ? m.calibration.toPath()
                            : calibration != null ? calibration.toPath() : null)
                    .method(or(m.method, method))
                    .activations(or(m.activations, activations))
                    .perTensor(m.perTensor != null ? m.perTensor : perTensor)
                    .target(Target.fromId(or(m.target, target)))
                    .keepFp32(m.keepFp32 != null ? m.keepFp32 : List.of())
                    .className(m.className != null ? m.className
                            : packageName + "." + dev.octet.backends.jvm.ClassNames.javaIdentifier(base))
                    .smoothQuant(m.smoothQuant)
                    .nativeKernels(m.nativeKernels != null ? m.nativeKernels : nativeKernels)
                    .biasCorrection(m.biasCorrection != null ? m.biasCorrection : biasCorrection)
                    .budget(m.maxAccuracyDrop == null ? null : new MixedPrecision.Budget(m.maxAccuracyDrop,
                            m.maxClassDrop, m.minInt8Macs != null ? m.minInt8Macs : 0.5),
                            m.validation == null ? null : m.validation.toPath(),
                            m.labels == null ? null : m.labels.toPath())
                    .build();
        } catch (IllegalArgumentException e) {
            throw new MojoFailureException("octet: " + m.file + ": " + e.getMessage(), e);
        }
    }

    private static Path path(File f) {
        return f == null ? null : f.toPath();
    }

    private static String or(String a, String b) {
        return a != null ? a : b;
    }
}
