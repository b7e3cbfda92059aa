package dev.octet.cli;

import com.google.gson.JsonElement;
import com.google.gson.JsonParser;
import dev.octet.backends.jvm.Target;
import dev.octet.cli.data.LabeledData;
import dev.octet.cli.eval.BeforeAfterTable;
import dev.octet.cli.eval.EvalReport;
import dev.octet.cli.eval.HeapPeak;
import dev.octet.cli.model.ModelOpener;
import dev.octet.cli.model.RunnableModel;
import dev.octet.cli.report.HtmlReport;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.jar.JarFile;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code octet eval}: top-1 accuracy overall and per class, latency and throughput, size; against a baseline also
 * agreement, flip rate, per-class deltas and confusion-matrix changes. Exit 1 when {@code --max-accuracy-drop} or
 * {@code --max-class-drop} is exceeded.
 */
@Command(name = "eval", mixinStandardHelpOptions = true,
        description = "Measure a classifier's accuracy (overall and per class), latency, throughput and size.")
final class EvalCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "MODEL", description = "A jar from octet compile, or a model (.onnx/.oir), "
            + "compiled in-process to fp32.")
    Path model;

    @Option(names = "--data", required = true, paramLabel = "X.npy|IDX", description = "Samples [N, ...].")
    Path data;

    @Option(names = "--labels", required = true, paramLabel = "Y.npy|IDX", description = "Class labels [N].")
    Path labels;

    @Option(names = "--baseline", paramLabel = "MODEL2", description = "Compare against this model (e.g. the float one).")
    Path baseline;

    @Option(names = "--batch", defaultValue = "64", paramLabel = "N",
            description = "Batch size for evaluation and the throughput figure. Default: ${DEFAULT-VALUE}.")
    int batch;

    @Option(names = "--json", paramLabel = "F", description = "Write the report as JSON.")
    Path json;

    @Option(names = "--html", paramLabel = "F", description = "Write the report as a self-contained HTML page.")
    Path html;

    @Option(names = "--max-accuracy-drop", paramLabel = "POINTS",
            description = "Fail (exit 1) when accuracy is more than this many points below the baseline's.")
    Double maxDrop;

    @Option(names = "--max-class-drop", paramLabel = "POINTS",
            description = "Fail (exit 1) when any class loses more than this many points against the baseline.")
    Double maxClassDrop;

    @Mixin
    CommonOptions common;

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        Progress progress = common.progress(spec);
        if (batch < 1) {
            throw new Main.UserError("--batch must be at least 1, got " + batch, true);
        }
        if ((maxDrop != null || maxClassDrop != null) && baseline == null) {
            throw new Main.UserError("--max-accuracy-drop and --max-class-drop need --baseline", true);
        }
        Commands.requireFile(model, "model");
        Commands.requireFile(data, "data");
        Commands.requireFile(labels, "labels");
        if (baseline != null) {
            Commands.requireFile(baseline, "baseline");
        }
        RunnableModel m = ModelOpener.open(model, Target.AUTO);
        RunnableModel base = baseline == null ? null : ModelOpener.open(baseline, Target.AUTO);
        if (base != null && (base.inputSize() != m.inputSize() || base.outputSize() != m.outputSize())) {
            throw new Main.UserError("baseline " + baseline + " takes " + base.inputSize() + " values and gives "
                    + base.outputSize() + ", but " + model + " takes " + m.inputSize() + " and gives "
                    + m.outputSize(), false);
        }
        LabeledData d = LabeledData.read(data, labels, m.sampleShape(), m.outputSize());
        HeapPeak.reset();
        EvalReport.Measured b = base == null ? null : Commands.measure(base, d, batch, progress);
        EvalReport.Measured a = Commands.measure(m, d, batch, progress);
        EvalReport report = EvalReport.of(a, b, HeapPeak.bytes(), embeddedQuality(model));

        out.printf("%s (%s) on %d samples: top-1 %.2f%%, worst class %d at %.2f%%%n", report.model(),
                report.precision(), report.samples(), 100 * report.accuracy(), report.worstClass(),
                100 * report.perClassAccuracy().get(report.worstClass()));
        for (int c = 0; c < report.classes(); c++) {
            Double acc = report.perClassAccuracy().get(c);
            out.printf(Locale.ROOT, "  class %2d: %7s (%d samples)%s%n", c, acc == null ? "n/a"
                    : String.format(Locale.ROOT, "%.2f%%", 100 * acc), report.perClassSupport()[c],
                    report.perClassDelta() == null || report.perClassDelta().get(c) == null ? ""
                            : String.format(Locale.ROOT, "  %+.2f pt", 100 * report.perClassDelta().get(c)));
        }
        if (b != null) {
            out.println();
            BeforeAfterTable.print(out, report.baseline(), report.side(), report.agreement(), batch);
            if (!report.classesHurtMost().isEmpty()) {
                out.printf("classes hurt most: %s%n", report.classesHurtMost().stream().limit(3)
                        .map(c -> String.format(Locale.ROOT, "%d (%+.2f pt)", c, 100 * report.perClassDelta().get(c)))
                        .toList());
            }
        } else {
            out.printf("latency p50 %.3f ms, p90 %.3f ms, p99 %.3f ms (batch 1); %.0f samples/s at batch %d; "
                    + "%s on disk%n", report.latencyMs().p50(), report.latencyMs().p90(), report.latencyMs().p99(),
                    report.throughputPerS(), report.batch(), BeforeAfterTable.bytes(report.sizeBytes()));
        }
        if (json != null) {
            Commands.writeText(json, report.toJson());
        }
        if (html != null) {
            Map<String, String> facts = new LinkedHashMap<>();
            facts.put("model", model.toString());
            if (baseline != null) {
                facts.put("baseline", baseline.toString());
            }
            facts.put("data", data + " (" + d.size() + " samples)");
            Commands.writeText(html, HtmlReport.render("Octet eval report: " + model.getFileName(), facts, report,
                    report.quality()));
        }
        out.flush();
        return checkBudgets(report, out);
    }

    private int checkBudgets(EvalReport r, PrintWriter out) {
        int exit = 0;
        if (maxDrop != null && 100 * (r.baselineAccuracy() - r.accuracy()) > maxDrop) {
            out.printf("FAILED: accuracy dropped %.2f points, more than --max-accuracy-drop %.2f%n",
                    100 * (r.baselineAccuracy() - r.accuracy()), maxDrop);
            exit = Main.FAILED;
        }
        if (maxClassDrop != null) {
            for (int c = 0; c < r.classes(); c++) {
                Double delta = r.perClassDelta().get(c);
                if (delta != null && -100 * delta > maxClassDrop) {
                    out.printf("FAILED: class %d dropped %.2f points, more than --max-class-drop %.2f%n", c,
                            -100 * delta, maxClassDrop);
                    exit = Main.FAILED;
                }
            }
        }
        out.flush();
        return exit;
    }

    /** The quality report octet compile stored in the jar, if any. */
    private static JsonElement embeddedQuality(Path model) throws IOException {
        if (!ModelOpener.isJar(model)) {
            return null;
        }
        try (JarFile jar = new JarFile(model.toFile())) {
            var entry = jar.getJarEntry(CompileCommand.QUALITY_ENTRY);
            if (entry == null) {
                return null;
            }
            try (InputStream in = jar.getInputStream(entry)) {
                return JsonParser.parseString(new String(in.readAllBytes(), StandardCharsets.UTF_8));
            }
        }
    }
}
