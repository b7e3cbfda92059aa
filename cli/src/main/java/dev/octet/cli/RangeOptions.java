package dev.octet.cli;

import dev.octet.api.ModelCompilation;
import dev.octet.passes.quant.InsertQdqPass;
import picocli.CommandLine.Option;

/** How static int8 chooses ranges and types: the flags compile and sensitivity share. */
final class RangeOptions {
    @Option(names = "--calibrate", defaultValue = "minmax", paramLabel = "METHOD",
            description = "Range method: minmax, percentile:99.99, entropy or mse. Default: ${DEFAULT-VALUE}.")
    String method;

    @Option(names = "--activations", defaultValue = "u8", paramLabel = "TYPE",
            description = "Activation type: u8 (asymmetric), i8 (asymmetric) or i8-symmetric. Default: ${DEFAULT-VALUE}.")
    String activations;

    @Option(names = "--per-tensor", description = "One weight scale per tensor instead of per output channel.")
    boolean perTensor;

    @Option(names = "--no-bias-correction", description = "Leave each layer's mean quantization error in its "
            + "output (by default it is measured on the calibration samples and folded into the bias).")
    boolean noBiasCorrection;

    /** The static quantization configuration these flags describe. */
    InsertQdqPass.Config config() {
        try {
            return ModelCompilation.staticConfig(method, activations, perTensor, !noBiasCorrection);
        } catch (ModelCompilation.OptionException e) {
            throw new Main.UserError(e.getMessage(), true, e.hint());
        }
    }
}
