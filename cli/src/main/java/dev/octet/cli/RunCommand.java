package dev.octet.cli;

import dev.octet.api.SampleFiles;
import dev.octet.cli.model.ModelOpener;
import dev.octet.cli.model.RunnableModel;
import dev.octet.frontend.NpyFormat;
import dev.octet.ir.Dim;
import dev.octet.ir.ElementType;
import dev.octet.ir.Graph;
import dev.octet.ir.Shape;
import dev.octet.ir.Tensor;
import dev.octet.ir.TensorType;
import dev.octet.ir.Value;
import dev.octet.ir.eval.ReferenceEvaluator;
import dev.octet.ir.text.IrPrinter;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code octet run}: evaluates a model on an input tensor: a jar from {@code octet compile} runs its generated
 * class; an .onnx/.oir model runs in the reference evaluator (the oracle every backend is checked against).
 */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = "Evaluate a model on an input (.npy) and write or print its outputs.")
final class RunCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "MODEL", description = "Model file (.onnx, .oir, or a jar from octet compile).")
    Path model;

    @Option(names = "--input", required = true, paramLabel = "X.npy", description = "Input tensor (first graph input).")
    Path input;

    private static final int CHUNK_ROWS = 256;

    @Option(names = "--output", paramLabel = "Y.npy", description = "Write the first output here; otherwise print a summary.")
    Path output;

    @Option(names = "--print-ir", description = "Print the verified IR before evaluating.")
    boolean printIr;

    @picocli.CommandLine.Mixin
    CommonOptions common;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        if (ModelOpener.isJar(model)) {
            return runJar(out);
        }
        Graph graph = Commands.loadModel(model);
        Commands.requireFile(input, "input");
        if (graph.inputs().size() != 1) {
            throw new Main.UserError("model " + model + " has " + graph.inputs().size()
                    + " inputs; run takes models with one input", false);
        }
        Tensor x = NpyFormat.read(input);
        Value in = graph.inputs().getFirst();
        if (x.elementType() != in.type().elementType() || x.shape().rank() != in.type().rank()) {
            throw new Main.UserError(input + ": input is " + x.type() + " but model input %" + in.name() + " is "
                    + in.type(), false);
        }
        if (printIr) {
            out.print(IrPrinter.printElided(graph, 64));
        }
        List<Tensor> results = evaluateInChunks(graph, x);
        if (output != null) {
            NpyFormat.write(results.getFirst(), output);
            out.printf("wrote %s %s%n", output, results.getFirst().type());
        } else {
            for (int i = 0; i < results.size(); i++) {
                summarize(out, graph.outputs().get(i), results.get(i));
            }
        }
        out.flush();
        return 0;
    }

    /**
     * Runs the reference evaluator {@link #CHUNK_ROWS} rows at a time when the graph is batched (input and outputs
     * lead with the same symbolic dimension), so its intermediate tensors stay small; otherwise in one call.
     */
    static List<Tensor> evaluateInChunks(Graph graph, Tensor x) {
        ReferenceEvaluator evaluator = new ReferenceEvaluator(graph);
        int rows = x.shape().rank() == 0 ? 0 : (int) x.shape().size(0);
        if (rows <= CHUNK_ROWS || !batchedOverRows(graph)) {
            return evaluator.run(List.of(x));
        }
        List<List<Tensor>> parts = new ArrayList<>();
        graph.outputs().forEach(o -> parts.add(new ArrayList<>()));
        for (int start = 0; start < rows; start += CHUNK_ROWS) {
            List<Tensor> out = evaluator.run(List.of(x.rows(start, Math.min(CHUNK_ROWS, rows - start))));
            for (int i = 0; i < out.size(); i++) {
                parts.get(i).add(out.get(i));
            }
        }
        return parts.stream().map(Tensor::concatRows).toList();
    }

    private static boolean batchedOverRows(Graph graph) {
        Shape in = graph.inputs().getFirst().type().shape();
        if (in.rank() == 0 || !(in.dim(0) instanceof Dim.Symbol batch)) {
            return false;
        }
        return graph.outputs().stream().allMatch(o -> o.type().shape().rank() > 0
                && batch.equals(o.type().shape().dim(0)));
    }

    /** Runs a compiled jar's class on the input rows. */
    private int runJar(PrintWriter out) {
        Commands.requireFile(model, "model");
        Commands.requireFile(input, "input");
        RunnableModel m = ModelOpener.openJar(model);
        Tensor x = SampleFiles.read(input, m.sampleShape());
        int n = (int) x.shape().size(0);
        float[] y = predictInChunks(m, x.floats(), n);
        Tensor result = Tensor.of(TensorType.of(ElementType.F32, n, m.outputSize()), y);
        if (output != null) {
            NpyFormat.write(result, output);
            out.printf("wrote %s %s%n", output, result.type());
        } else {
            summarize(out, new Value("output", result.type()), result);
        }
        out.flush();
        return 0;
    }

    /**
     * Runs the rows {@link #CHUNK_ROWS} at a time (or the class's fixed batch): a generated class's workspace grows
     * with the batch, and the 60,000 Fashion-MNIST training images at once would need gigabytes of heap.
     */
    static float[] predictInChunks(RunnableModel m, float[] x, int n) {
        long fixed = m.instance().inputShape()[0];
        int chunk = fixed > 0 ? (int) fixed : CHUNK_ROWS;
        int in = m.inputSize();
        int outSize = m.outputSize();
        float[] y = new float[Math.multiplyExact(n, outSize)];
        if (n <= chunk) {
            m.predict(x, n, y);
            return y;
        }
        float[] xs = new float[chunk * in];
        float[] ys = new float[chunk * outSize];
        for (int start = 0; start < n; start += chunk) {
            int rows = Math.min(chunk, n - start);
            System.arraycopy(x, start * in, xs, 0, rows * in);
            m.predict(xs, rows, ys);
            System.arraycopy(ys, 0, y, start * outSize, rows * outSize);
        }
        return y;
    }

    /** Prints each row of a 2-D float output with its argmax, as a classifier's predictions. */
    private static void summarize(PrintWriter out, Value v, Tensor t) {
        out.printf("%%%s: %s%n", v.name(), t.type());
        if (t.elementType() != ElementType.F32 || t.shape().rank() != 2) {
            out.println("  " + t);
            return;
        }
        int rows = (int) t.shape().size(0);
        int cols = (int) t.shape().size(1);
        float[] f = t.floats();
        for (int r = 0; r < rows; r++) {
            int best = 0;
            StringBuilder sb = new StringBuilder();
            for (int c = 0; c < cols; c++) {
                sb.append(String.format(Locale.ROOT, " %9.5f", f[r * cols + c]));
                if (f[r * cols + c] > f[r * cols + best]) {
                    best = c;
                }
            }
            out.printf("  row %d: [%s ]  argmax %d%n", r, sb, best);
        }
    }
}
