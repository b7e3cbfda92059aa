package dev.octet.cli;

import dev.octet.api.LabeledSamples;
import dev.octet.api.ModelCompilation;
import dev.octet.api.Octet;
import dev.octet.cli.data.LabeledData;
import dev.octet.cli.eval.EvalReport;
import dev.octet.cli.eval.ClassAccuracy;
import dev.octet.cli.eval.Timing;
import dev.octet.cli.model.RunnableModel;
import dev.octet.frontend.ModelLoader;
import dev.octet.frontend.ModelSource;
import dev.octet.ir.Graph;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Steps shared by several commands. */
final class Commands {
    private Commands() {
    }

    /** Loads and verifies a model; a missing file is a usage error. */
    static Graph loadModel(Path file) {
        return readModel(file).graph();
    }

    /** The model with the files it was read from (its data files too). */
    static ModelSource readModel(Path file) {
        requireFile(file, "model");
        return ModelLoader.read(file);
    }

    static void requireFile(Path file, String what) {
        if (!Files.isRegularFile(file)) {
            throw new Main.UserError(what + " file " + file + " does not exist", true);
        }
    }

    /** The shape of one sample of the graph's only input; the leading (batch) dimension is dropped. */
    static long[] sampleShape(Graph g, Path file) {
        try {
            return Octet.sampleShape(g);
        } catch (ModelCompilation.OptionException e) {
            throw new Main.UserError(file + ": " + e.getMessage(), false);
        }
    }

    /** Accuracy and timing of one model, with progress bars. */
    static EvalReport.Measured measure(RunnableModel model, LabeledData data, int batch, Progress progress) {
        Progress.Bar bar = progress.start("evaluating " + model.label(), data.size(), "samples");
        int[] top1 = LabeledSamples.Outputs.of(model.instance(), data.samples(), batch, bar::step).top1();
        bar.finish();
        ClassAccuracy accuracy = ClassAccuracy.of(data.labels(), top1, model.outputSize());
        Progress.Bar timing = progress.start("timing " + model.label(), 3, "phases");
        Timing t = Timing.measure(model, data.samples(), batch, timing::step);
        timing.finish();
        return new EvalReport.Measured(model.label(), model.precision(), model.sizeBytes(), accuracy, top1, t);
    }

    static void writeText(Path file, String text) {
        try {
            if (file.toAbsolutePath().getParent() != null) {
                Files.createDirectories(file.toAbsolutePath().getParent());
            }
            Files.writeString(file, text, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }
}
