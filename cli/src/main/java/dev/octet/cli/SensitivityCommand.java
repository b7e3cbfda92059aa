package dev.octet.cli;

import com.google.gson.FieldNamingPolicy;
import com.google.gson.GsonBuilder;
import dev.octet.api.LabeledSamples;
import dev.octet.api.SampleFiles;
import dev.octet.api.Sensitivity;
import dev.octet.cli.data.LabeledData;
import dev.octet.cli.report.HtmlReport;
import dev.octet.ir.Graph;
import dev.octet.ir.Tensor;
import dev.octet.passes.quant.InsertQdqPass;
import dev.octet.passes.quant.StaticQuantizer;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code octet sensitivity}: which layers lose accuracy under int8, ranked. */
@Command(name = "sensitivity", mixinStandardHelpOptions = true,
        description = "Rank the layers by how much accuracy and SQNR they lose when quantized to int8.")
final class SensitivityCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "MODEL", description = "A float model (.onnx or .oir).")
    Path model;

    @Option(names = "--calibration", required = true, paramLabel = "X.npy|IDX", description = "Calibration samples.")
    Path calibration;

    @Option(names = "--data", required = true, paramLabel = "X.npy|IDX", description = "Validation samples.")
    Path data;

    @Option(names = "--labels", required = true, paramLabel = "Y.npy|IDX", description = "Validation labels.")
    Path labels;

    @Mixin
    RangeOptions ranges;

    @Option(names = "--json", paramLabel = "F", description = "Write the ranking as JSON.")
    Path json;

    @Option(names = "--html", paramLabel = "F", description = "Write the ranking as a self-contained HTML page.")
    Path html;

    @Mixin
    CommonOptions common;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        Progress progress = common.progress(spec);
        Graph source = Commands.loadModel(model);
        Commands.requireFile(calibration, "calibration");
        Commands.requireFile(data, "data");
        Commands.requireFile(labels, "labels");
        long[] shape = Commands.sampleShape(source, model);
        Tensor calib = SampleFiles.read(calibration, shape);
        LabeledData valid = LabeledData.read(data, labels, shape, CompileCommand.outputClasses(source));
        InsertQdqPass.Config config = ranges.config();
        StaticQuantizer.Calibrated calibrated = StaticQuantizer.calibrate(source, calib, progress.quantization());
        Sensitivity.Report r = Sensitivity.analyze(calibrated, config,
                new LabeledSamples(valid.samples(), valid.labels()), dev.octet.backends.jvm.Target.AUTO,
                progress.quantization());
        out.printf(Locale.ROOT, "%s on %d samples: float %.2f%%, all int8 %.2f%% (%+.2f pt), output SQNR %.1f dB%n",
                model.getFileName(), r.samples(), 100 * r.floatAccuracy(), 100 * r.int8Accuracy(), r.int8Delta(),
                r.int8SqnrDb());
        out.printf("%4s  %-28s %-12s %12s  %15s  %15s  %9s%n", "rank", "layer", "op", "MACs", "int8 alone",
                "all but this", "recovery");
        out.printf("%4s  %-28s %-12s %12s  %15s  %15s  %9s%n", "", "", "", "", "dB / points", "dB / points",
                "points");
        int rank = 1;
        for (Sensitivity.Layer l : r.ranking()) {
            out.printf(Locale.ROOT, "%4d  %-28s %-12s %12d  %6.1f / %+6.2f  %6.1f / %+6.2f  %+9.2f%n", rank++,
                    l.name(), l.op(), l.macs(), l.aloneSqnrDb(), l.aloneAccuracyDelta(), l.allButSqnrDb(),
                    l.allButAccuracyDelta(), l.recovery(r.int8Delta()));
        }
        if (json != null) {
            Commands.writeText(json, new GsonBuilder().setPrettyPrinting().serializeSpecialFloatingPointValues()
                    .setFieldNamingPolicy(FieldNamingPolicy.LOWER_CASE_WITH_UNDERSCORES).create().toJson(r));
        }
        if (html != null) {
            Map<String, String> facts = new LinkedHashMap<>();
            facts.put("model", model.toString());
            facts.put("calibration", calibration + " (" + ranges.method + ", " + ranges.activations + ")");
            facts.put("validation", data + " (" + valid.size() + " samples)");
            Commands.writeText(html, HtmlReport.render("Octet sensitivity: " + model.getFileName(), facts, null,
                    null, r, null));
        }
        out.flush();
        return 0;
    }
}
