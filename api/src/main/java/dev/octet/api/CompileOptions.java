package dev.octet.api;

import dev.octet.backends.jvm.Target;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * What to compile a model to; the same choices as {@code octet compile}. Build with {@link #builder()}:
 * {@code CompileOptions.builder().precision(Precision.INT8).calibration(Path.of("calib.npy")).build()}.
 *
 * @param precision   fp32, static int8, dynamic int8, or mixed (int8 with {@code keepFp32} layers in float)
 * @param calibration samples for static int8 ({@code .npy} float32 or IDX images); not needed for fp32, dynamic,
 *                    or a model that already carries Q/DQ pairs
 * @param method      range method: {@code minmax}, {@code percentile:99.99}, {@code entropy} or {@code mse}
 * @param activations activation type: {@code u8}, {@code i8} or {@code i8-symmetric}
 * @param perTensor   one weight scale per tensor instead of per output channel
 * @param target      code-generation target
 * @param keepFp32    layers to leave in float, by source name or glob
 * @param className   binary name of the generated class; null for {@code dev.octet.models.<ModelFileName>}
 * @param smoothQuant SmoothQuant migration strength before static int8, or null for none
 * @param budget      for {@link Precision#MIXED} without {@code keepFp32}: the accuracy budget the automatic choice
 *                    must meet on {@code validation}/{@code labels}
 * @param validation  labelled samples for the budget (.npy or IDX)
 * @param labels      their labels
 * @param nativeKernels whether the class may install its int8 machine-code kernels (AVX-512 VNNI, AVX2) at run
 *                    time; false: the Java kernels only, as {@code octet compile --no-native}
 * @param biasCorrection whether static int8 folds each layer's mean output error, measured on the calibration
 *                    samples, into its bias (default true; false as {@code octet compile --no-bias-correction})
 */
public record CompileOptions(Precision precision, Path calibration, String method, String activations,
                             boolean perTensor, Target target, List<String> keepFp32, String className,
                             Double smoothQuant, MixedPrecision.Budget budget, Path validation, Path labels,
                             boolean nativeKernels, boolean biasCorrection) {
    public CompileOptions {
        Objects.requireNonNull(precision, "precision");
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(activations, "activations");
        Objects.requireNonNull(target, "target");
        keepFp32 = List.copyOf(keepFp32);
    }

    /** With bias correction (the components before {@code biasCorrection}). */
    public CompileOptions(Precision precision, Path calibration, String method, String activations,
                          boolean perTensor, Target target, List<String> keepFp32, String className,
                          Double smoothQuant, MixedPrecision.Budget budget, Path validation, Path labels,
                          boolean nativeKernels) {
        this(precision, calibration, method, activations, perTensor, target, keepFp32, className, smoothQuant,
                budget, validation, labels, nativeKernels, true);
    }

    /** With the run-time machine code allowed (the components before {@code nativeKernels}). */
    public CompileOptions(Precision precision, Path calibration, String method, String activations,
                          boolean perTensor, Target target, List<String> keepFp32, String className,
                          Double smoothQuant, MixedPrecision.Budget budget, Path validation, Path labels) {
        this(precision, calibration, method, activations, perTensor, target, keepFp32, className, smoothQuant,
                budget, validation, labels, true);
    }

    /** These options with another class name. */
    public CompileOptions withClassName(String name) {
        return new CompileOptions(precision, calibration, method, activations, perTensor, target, keepFp32, name,
                smoothQuant, budget, validation, labels, nativeKernels, biasCorrection);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A builder with the CLI's defaults: int8, minmax, u8 activations, per-channel weights, target auto. */
    public static final class Builder {
        private Precision precision = Precision.INT8;
        private Path calibration;
        private String method = "minmax";
        private String activations = "u8";
        private boolean perTensor;
        private Target target = Target.AUTO;
        private List<String> keepFp32 = List.of();
        private String className;
        private Double smoothQuant;
        private MixedPrecision.Budget budget;
        private Path validation;
        private Path labels;
        private boolean nativeKernels = true;
        private boolean biasCorrection = true;

        /** Whether static int8 corrects each layer's measured mean output error (default true). */
        public Builder biasCorrection(boolean on) {
            this.biasCorrection = on;
            return this;
        }

        /** Whether the class may install its int8 machine-code kernels at run time (default true). */
        public Builder nativeKernels(boolean allowed) {
            this.nativeKernels = allowed;
            return this;
        }

        public Builder smoothQuant(Double alpha) {
            this.smoothQuant = alpha;
            return this;
        }

        /** The automatic mixed-precision budget and the labelled data it is verified on. */
        public Builder budget(MixedPrecision.Budget b, Path validationSamples, Path validationLabels) {
            this.budget = b;
            this.validation = validationSamples;
            this.labels = validationLabels;
            return this;
        }

        public Builder precision(Precision p) {
            this.precision = p;
            return this;
        }

        public Builder calibration(Path samples) {
            this.calibration = samples;
            return this;
        }

        public Builder method(String m) {
            this.method = m;
            return this;
        }

        public Builder activations(String type) {
            this.activations = type;
            return this;
        }

        public Builder perTensor(boolean on) {
            this.perTensor = on;
            return this;
        }

        public Builder target(Target t) {
            this.target = t;
            return this;
        }

        public Builder keepFp32(List<String> layers) {
            this.keepFp32 = layers;
            return this;
        }

        public Builder className(String name) {
            this.className = name;
            return this;
        }

        public CompileOptions build() {
            return new CompileOptions(precision, calibration, method, activations, perTensor, target, keepFp32,
                    className, smoothQuant, budget, validation, labels, nativeKernels, biasCorrection);
        }
    }
}
