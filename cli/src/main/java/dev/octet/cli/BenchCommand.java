package dev.octet.cli;

import dev.octet.backends.jvm.Target;
import dev.octet.cli.eval.Timing;
import dev.octet.cli.model.ModelOpener;
import dev.octet.cli.model.RunnableModel;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code octet bench}: latency and throughput per batch size, on random inputs. After a warm-up, the time is cut
 * into rounds; each round gives a time per call, and the report gives their median and spread (min, p10, p90,
 * max). With {@code --threads N}, N threads call the same instance at once (generated classes are thread-safe)
 * and throughput is the total. For figures to compare across changes, use the JMH benchmarks in bench/.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Measure latency and throughput of a model at given batch sizes.")
final class BenchCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "MODEL", description = "A jar from octet compile, or a model (.onnx/.oir).")
    Path model;

    @Option(names = "--batch", split = ",", defaultValue = "1,64", paramLabel = "N,...",
            description = "Batch sizes. Default: ${DEFAULT-VALUE}.")
    int[] batches;

    @Option(names = "--threads", defaultValue = "1", paramLabel = "N", description = "Threads calling at once.")
    int threads;

    @Option(names = "--warmup", defaultValue = "2", paramLabel = "SECONDS", description = "Warm-up per batch size.")
    double warmup;

    @Option(names = "--time", defaultValue = "3", paramLabel = "SECONDS", description = "Measurement per batch size.")
    double time;

    @Option(names = "--target", defaultValue = "auto", paramLabel = "T",
            description = "Target when compiling an .onnx/.oir model in-process. Default: ${DEFAULT-VALUE}.")
    String target;

    @Mixin
    CommonOptions common;

    private static final int ROUNDS = 10;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        if (threads < 1 || warmup < 0 || time <= 0 || Arrays.stream(batches).anyMatch(b -> b < 1)) {
            throw new Main.UserError("--threads and --batch must be at least 1, --time positive", true);
        }
        Commands.requireFile(model, "model");
        RunnableModel m = ModelOpener.open(model, CompileCommand.parseTarget(target));
        Progress progress = common.progress(spec);
        out.printf("%s (%s), %d thread%s, %d rounds of %.1f s after %.1f s warm-up%n", m.label(), m.precision(),
                threads, threads == 1 ? "" : "s", ROUNDS, time / ROUNDS, warmup);
        out.printf("%6s  %12s  %28s  %14s%n", "batch", "ms/call p50", "spread (min p10 p90 max)", "samples/s");
        for (int batch : batches) {
            Progress.Bar bar = progress.start("batch " + batch, ROUNDS + 1, "rounds");
            double[] msPerCall = new double[ROUNDS];
            double[] rate = new double[ROUNDS];
            runRound(m, batch, (long) (warmup * 1e9));
            bar.step(1);
            for (int r = 0; r < ROUNDS; r++) {
                long[] callsAndNanos = runRound(m, batch, (long) (time / ROUNDS * 1e9));
                msPerCall[r] = callsAndNanos[1] / 1e6 / (callsAndNanos[0] / (double) threads);
                rate[r] = callsAndNanos[0] * batch / (callsAndNanos[1] / 1e9);
                bar.step(1);
            }
            bar.finish();
            Arrays.sort(msPerCall);
            Arrays.sort(rate);
            out.printf(Locale.ROOT, "%6d  %12.4f  %6.4f %6.4f %6.4f %6.4f  %14.0f%n", batch,
                    Timing.percentile(msPerCall, 50), msPerCall[0], Timing.percentile(msPerCall, 10),
                    Timing.percentile(msPerCall, 90), msPerCall[ROUNDS - 1], Timing.percentile(rate, 50));
        }
        out.flush();
        return 0;
    }

    /** All threads call predict for about {@code nanos}; returns {total calls, elapsed nanos}. */
    private long[] runRound(RunnableModel m, int batch, long nanos) throws Exception {
        CyclicBarrier start = new CyclicBarrier(threads + 1);
        long[] calls = new long[threads];
        List<Thread> workers = new ArrayList<>();
        Throwable[] failure = new Throwable[1];
        for (int t = 0; t < threads; t++) {
            int id = t;
            Thread w = Thread.ofPlatform().name("octet-bench-" + t).start(() -> {
                float[] in = new float[batch * m.inputSize()];
                java.util.Random random = new java.util.Random(id);
                for (int i = 0; i < in.length; i++) {
                    in[i] = random.nextFloat();
                }
                float[] outBuf = new float[batch * m.outputSize()];
                try {
                    start.await();
                    long end = System.nanoTime() + nanos;
                    long n = 0;
                    do {
                        m.predict(in, batch, outBuf);
                        n++;
                    } while (System.nanoTime() < end);
                    calls[id] = n;
                } catch (Exception | Error e) {
                    failure[0] = e;
                }
            });
            workers.add(w);
        }
        start.await();
        long t0 = System.nanoTime();
        for (Thread w : workers) {
            w.join();
        }
        long elapsed = System.nanoTime() - t0;
        if (failure[0] != null) {
            throw new IllegalStateException("predict failed in a bench thread: " + failure[0], failure[0]);
        }
        return new long[] {Arrays.stream(calls).sum(), elapsed};
    }
}
