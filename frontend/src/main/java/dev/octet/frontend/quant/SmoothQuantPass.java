package dev.octet.frontend.quant;

import dev.octet.ir.Graph;
import dev.octet.ir.Tensor;
import dev.octet.passes.Pass;
import dev.octet.passes.PassContext;
import dev.octet.passes.PassInfo;
import dev.octet.passes.PassOption;
import dev.octet.passes.PipelineException;
import dev.octet.passes.quant.SmoothQuant;
import java.util.List;

/**
 * {@link SmoothQuant} as a pass, with the calibration samples read from a file:
 * {@code smooth-quant{calibration=calib.npy,alpha=0.5}}. Run it after the fusions (it needs LayerNormalization as
 * one op) and before quantize-static.
 */
public final class SmoothQuantPass implements Pass {
    public static final PassInfo INFO = new PassInfo("smooth-quant",
            "Migrate activation outliers into the weights (SmoothQuant)",
            "Divides each channel of a LayerNormalization's result by s_j = max|X_j|^alpha / max|W_j|^(1-alpha) "
                    + "(folded into its scale and bias) and multiplies the matching weight rows of the MatMul/Gemm "
                    + "layers it feeds by s_j. Float results are unchanged.",
            List.of(new PassOption("calibration", "samples file: .npy [N, ...] or IDX images", ""),
                    new PassOption("alpha", "migration strength in [0, 1]", "0.5")),
            options -> new SmoothQuantPass(options.getString("calibration"), alpha(options.getString("alpha"))));

    private final String calibration;
    private final double alpha;

    public SmoothQuantPass(String calibration, double alpha) {
        this.calibration = calibration;
        this.alpha = alpha;
    }

    private static double alpha(String text) {
        try {
            double a = Double.parseDouble(text);
            if (a < 0 || a > 1) {
                throw new NumberFormatException();
            }
            return a;
        } catch (NumberFormatException e) {
            throw new PipelineException("smooth-quant alpha must be a number in [0, 1], got '" + text + "'");
        }
    }

    @Override
    public boolean run(Graph graph, PassContext context) {
        Tensor samples = CalibrationFiles.read(calibration, "smooth-quant");
        int smoothed = SmoothQuant.apply(graph, samples, alpha);
        context.count("layernorms-smoothed", smoothed);
        return smoothed > 0;
    }
}
