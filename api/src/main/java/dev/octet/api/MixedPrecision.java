package dev.octet.api;

import dev.octet.backends.jvm.Target;
import dev.octet.ir.Node;
import dev.octet.passes.quant.InsertQdqPass;
import dev.octet.passes.quant.QuantizationProgress;
import dev.octet.passes.quant.StaticQuantizer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Automatic mixed precision: keep the fewest layers in float that bring the accuracy drop on validation data under
 * a budget. Layers are tried in order of {@link Sensitivity} (most sensitive first); each candidate is quantized
 * with the full configuration (bias correction included) and verified on the data. An optional segment guard
 * bounds every class's own drop. Int8 must keep at least a given share of the MACs, otherwise the budget is
 * declared unreachable with the classes that still miss it.
 */
public final class MixedPrecision {
    /** Budgets in accuracy points; {@code maxClassDrop} may be null (no segment guard). */
    public record Budget(double maxAccuracyDrop, Double maxClassDrop, double minInt8MacShare) {
    }

    /** One layer's decision and why. */
    public record LayerChoice(String name, String op, long macs, double macShare, String precision, String reason) {
    }

    /** The chosen configuration, its verified figures, and the quantization to compile. */
    public record Selection(List<String> keepFloat, double floatAccuracy, double accuracy, double[] perClassDrop,
                            double int8MacShare, List<LayerChoice> layers, Sensitivity.Report sensitivity,
                            StaticQuantizer.Result result) {
    }

    /** The budget cannot be met with enough MACs in int8; the message carries the table of offending classes. */
    public static final class BudgetException extends RuntimeException {
        public BudgetException(String message) {
            super(message);
        }
    }

    private MixedPrecision() {
    }

    public static Selection select(StaticQuantizer.Calibrated c, InsertQdqPass.Config config, LabeledSamples data,
                                   Budget budget, Target target, QuantizationProgress progress) {
        LabeledSamples.Outputs reference = data.run(c.prepared(), target);
        Sensitivity.Report report = Sensitivity.analyze(c, config, data, reference, target, progress);
        List<Node> layers = ModelCompilation.quantizableLayers(c.prepared());
        Map<String, Long> macs = new HashMap<>();
        long quantizable = 0;
        for (Node n : layers) {
            macs.put(ModelCompilation.layerName(n), Macs.perSample(n));
            quantizable += Macs.perSample(n);
        }
        // The share counts every layer's MACs: those static int8 cannot take (activation x activation products
        // such as attention scores) stay float whatever is chosen.
        long total = c.prepared().nodes().stream().mapToLong(Macs::perSample).sum();
        double floatAcc = reference.accuracy(data.labels());
        double[] floatPerClass = reference.perClass(data.labels());
        Set<String> keep = new HashSet<>();
        double[] lastDrops = null;
        double lastDrop = 0;
        for (int k = 0; k <= report.ranking().size(); k++) {
            if (k > 0) {
                keep.add(report.ranking().get(k - 1).name());
            }
            long floatMacs = keep.stream().mapToLong(macs::get).sum();
            double int8Share = total == 0 ? 0 : (double) (quantizable - floatMacs) / total;
            if (int8Share < budget.minInt8MacShare()) {
                throw new BudgetException(unreachable(budget, lastDrop, lastDrops, k - 1));
            }
            progress.advance("mixed precision", k, report.ranking().size() + 1);
            StaticQuantizer.Result r = StaticQuantizer.quantize(c, config,
                    n -> keep.contains(ModelCompilation.layerName(n)), QuantizationProgress.NONE);
            LabeledSamples.Outputs out = data.run(r.graph(), target);
            double drop = 100 * (floatAcc - out.accuracy(data.labels()));
            double[] perClass = out.perClass(data.labels());
            double[] drops = new double[perClass.length];
            boolean classesOk = true;
            for (int cl = 0; cl < drops.length; cl++) {
                drops[cl] = Double.isNaN(perClass[cl]) ? 0 : 100 * (floatPerClass[cl] - perClass[cl]);
                classesOk &= budget.maxClassDrop() == null || drops[cl] <= budget.maxClassDrop();
            }
            lastDrop = drop;
            lastDrops = drops;
            if (drop <= budget.maxAccuracyDrop() && classesOk) {
                progress.advance("mixed precision", report.ranking().size() + 1, report.ranking().size() + 1);
                return new Selection(List.copyOf(keep), floatAcc, out.accuracy(data.labels()), drops, int8Share,
                        choices(layers, macs, total, keep, report), report, r);
            }
        }
        throw new IllegalStateException("all layers in float cannot miss the budget");
    }

    private static List<LayerChoice> choices(List<Node> layers, Map<String, Long> macs, long total, Set<String> keep,
                                             Sensitivity.Report report) {
        Map<String, Integer> rank = new HashMap<>();
        Map<String, Sensitivity.Layer> byName = new HashMap<>();
        for (int i = 0; i < report.ranking().size(); i++) {
            rank.put(report.ranking().get(i).name(), i + 1);
            byName.put(report.ranking().get(i).name(), report.ranking().get(i));
        }
        List<LayerChoice> out = new ArrayList<>();
        for (Node n : layers) {
            String name = ModelCompilation.layerName(n);
            Sensitivity.Layer s = byName.get(name);
            boolean f = keep.contains(name);
            String reason = String.format(Locale.ROOT, "sensitivity rank %d of %d: float alone gives back %+.2f pt, "
                    + "int8 alone costs %.1f dB SQNR", rank.get(name), rank.size(), s.recovery(report.int8Delta()),
                    s.aloneSqnrDb());
            out.add(new LayerChoice(name, n.op(), macs.get(name), total == 0 ? 0 : (double) macs.get(name) / total,
                    f ? "float" : "int8", (f ? "kept in float; " : "int8 within the budget; ") + reason));
        }
        return out;
    }

    private static String unreachable(Budget b, double drop, double[] drops, int floatLayers) {
        StringBuilder sb = new StringBuilder(String.format(Locale.ROOT,
                "the accuracy budget (%.2f pt overall%s) cannot be met with at least %.0f%% of MACs in int8; with %d "
                        + "layer(s) in float the drop is %.2f pt", b.maxAccuracyDrop(),
                b.maxClassDrop() == null ? "" : String.format(Locale.ROOT, ", %.2f pt per class", b.maxClassDrop()),
                100 * b.minInt8MacShare(), Math.max(floatLayers, 0), drop));
        if (drops != null && b.maxClassDrop() != null) {
            sb.append("; classes over the limit:");
            for (int c = 0; c < drops.length; c++) {
                if (drops[c] > b.maxClassDrop()) {
                    sb.append(String.format(Locale.ROOT, " class %d -%.2f pt;", c, drops[c]));
                }
            }
        }
        return sb.toString();
    }
}
