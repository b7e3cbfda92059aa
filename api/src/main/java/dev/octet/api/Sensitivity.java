package dev.octet.api;

import dev.octet.backends.jvm.Target;
import dev.octet.ir.Node;
import dev.octet.passes.quant.InsertQdqPass;
import dev.octet.passes.quant.QuantizationProgress;
import dev.octet.passes.quant.StaticQuantizer;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;

/**
 * Per-layer sensitivity to int8: for each quantizable layer, the model with only that layer in int8 (the rest
 * float) and the model with everything in int8 but that layer, each measured on labelled data by output SQNR
 * against float and top-1 accuracy. Layers are ranked by how much accuracy comes back when the layer alone stays
 * in float (ties: by the SQNR it costs alone, lowest first). Calibration runs once; the sweep leaves bias
 * correction off, so every variant differs from full int8 only in the one layer.
 */
public final class Sensitivity {
    /** One layer's measurements; accuracy deltas in points against float (negative: lost). */
    public record Layer(String name, String op, long macs, double aloneSqnrDb, double aloneAccuracyDelta,
                        double allButSqnrDb, double allButAccuracyDelta) {
        /** Points of accuracy that keeping this layer in float gives back, against all-int8. */
        public double recovery(double int8Delta) {
            return allButAccuracyDelta - int8Delta;
        }
    }

    /** The sweep: float and all-int8 figures, and the layers, most sensitive first. */
    public record Report(int samples, double floatAccuracy, double int8Accuracy, double int8SqnrDb,
                         List<Layer> ranking) {
        public double int8Delta() {
            return 100 * (int8Accuracy - floatAccuracy);
        }
    }

    private Sensitivity() {
    }

    public static Report analyze(StaticQuantizer.Calibrated calibrated, InsertQdqPass.Config config,
                                 LabeledSamples data, Target target, QuantizationProgress progress) {
        return analyze(calibrated, config, data, data.run(calibrated.prepared(), target), target, progress);
    }

    /** As above, with the float graph's outputs on {@code data} already measured. */
    public static Report analyze(StaticQuantizer.Calibrated calibrated, InsertQdqPass.Config config,
                                 LabeledSamples data, LabeledSamples.Outputs reference, Target target,
                                 QuantizationProgress progress) {
        InsertQdqPass.Config sweep = config.withBiasCorrection(false);
        List<Node> layers = ModelCompilation.quantizableLayers(calibrated.prepared());
        long steps = 2L * layers.size() + 2;
        long done = 0;
        progress.advance("sensitivity", ++done, steps);
        double floatAcc = reference.accuracy(data.labels());
        LabeledSamples.Outputs int8 = data.run(StaticQuantizer.quantize(calibrated, sweep, n -> false,
                QuantizationProgress.NONE).graph(), target);
        progress.advance("sensitivity", ++done, steps);
        List<Layer> result = new ArrayList<>();
        for (Node layer : layers) {
            String name = ModelCompilation.layerName(layer);
            LabeledSamples.Outputs alone = data.run(StaticQuantizer.quantize(calibrated, sweep,
                    n -> !ModelCompilation.layerName(n).equals(name), QuantizationProgress.NONE).graph(), target);
            progress.advance("sensitivity", ++done, steps);
            LabeledSamples.Outputs allBut = data.run(StaticQuantizer.quantize(calibrated, sweep,
                    n -> ModelCompilation.layerName(n).equals(name), QuantizationProgress.NONE).graph(), target);
            progress.advance("sensitivity", ++done, steps);
            result.add(new Layer(name, layer.op(), Macs.perSample(layer),
                    alone.sqnrDb(reference), 100 * (alone.accuracy(data.labels()) - floatAcc),
                    allBut.sqnrDb(reference), 100 * (allBut.accuracy(data.labels()) - floatAcc)));
        }
        double int8Delta = 100 * (int8.accuracy(data.labels()) - floatAcc);
        result.sort(Comparator.comparingDouble((Layer l) -> -l.recovery(int8Delta))
                .thenComparingDouble(Layer::aloneSqnrDb));
        return new Report(data.size(), floatAcc, int8.accuracy(data.labels()), int8.sqnrDb(reference),
                List.copyOf(result));
    }

    /** The names of the first {@code k} layers of the ranking. */
    public static Set<String> mostSensitive(Report r, int k) {
        return Set.copyOf(r.ranking().subList(0, k).stream().map(Layer::name).toList());
    }
}
