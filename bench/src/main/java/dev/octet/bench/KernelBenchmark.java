package dev.octet.bench;

import dev.octet.backends.jvm.JvmCompiler;
import dev.octet.backends.jvm.Target;
import dev.octet.ir.text.IrTextParser;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * GEMM M=64 N=256 K=1024 and matrix-vector 1024x1024, fp32 and int8 (u8 activations x s8 weights in [-127, 127] as
 * our quantizer writes them, int32 results),
 * each as a one-op model compiled by the JVM backend: the time includes the generated class's input
 * quantization and output conversion (about 1/N and 1/K of the work). GOPS = 2*M*N*K / time.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED"})
public class KernelBenchmark {
    @Param({"gemm-f32", "gemm-int8", "matvec-f32", "matvec-int8"})
    public String kernel;

    @Param({"auto"})
    public String target;

    private MethodHandle predict;
    private float[] in;
    private float[] out;
    private int m;

    @Setup
    public void setup() throws ReflectiveOperationException {
        boolean gemm = kernel.startsWith("gemm");
        m = gemm ? 64 : 1;
        int k = 1024;
        int n = gemm ? 256 : 1024;
        String ir = kernel.endsWith("f32") ? """
                graph @k(%x: f32[N,{k}]) {
                  %w = Constant() {value = random<f32[{k},{n}], 5>} : f32[{k},{n}]
                  %y = MatMul(%x, %w) : f32[N,{n}]
                  return %y
                }""" : """
                graph @k(%x: f32[N,{k}]) {
                  %s = Constant() {value = dense<f32[], [0.01]>} : f32[]
                  %zp = Constant() {value = dense<u8[], [128]>} : u8[]
                  %xq = QuantizeLinear(%x, %s, %zp) : u8[N,{k}]
                  %w = Constant() {value = {weights}} : i8[{k},{n}]
                  %acc = MatMulInteger(%xq, %w, %zp) : i32[N,{n}]
                  %y = Cast(%acc) {to = 1} : f32[N,{n}]
                  return %y
                }""";
        ir = ir.replace("{weights}", narrowWeights(k * n)).replace("{k}", "" + k).replace("{n}", "" + n);
        Object model = JvmCompiler.load(IrTextParser.parse(ir, kernel), Target.fromId(target));
        predict = MethodHandles.publicLookup().findVirtual(model.getClass(), "predict",
                MethodType.methodType(void.class, float[].class, int.class, float[].class)).bindTo(model);
        in = new float[m * k];
        for (int i = 0; i < in.length; i++) {
            in[i] = (float) Math.sin(i);
        }
        out = new float[m * n];
    }

    /** Uniform int8 weights in [-127, 127], as symmetric quantization writes them. */
    private static String narrowWeights(int count) {
        SplittableRandom rng = new SplittableRandom(5);
        StringBuilder sb = new StringBuilder("dense<i8[{k},{n}], [");
        for (int i = 0; i < count; i++) {
            sb.append(i == 0 ? "" : ", ").append(rng.nextInt(255) - 127);
        }
        return sb.append("]>").toString();
    }

    @Benchmark
    public float[] run() throws Throwable {
        predict.invokeExact(in, m, out);
        return out;
    }
}
