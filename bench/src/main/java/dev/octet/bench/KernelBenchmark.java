package dev.octet.bench;

import dev.octet.backends.jvm.JvmCompiler;
import dev.octet.backends.jvm.Target;
import dev.octet.backends.jvm.kernels.VectorKernels;
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
 * quantization and output conversion (about 1/N and 1/K of the work). The {@code -direct} forms call the int8
 * kernel entry (VectorKernels.gemmU8S8, the host's preferred width: on AVX-512 VNNI hosts the VNNI kernels) on
 * int8 arrays with int32 results: packing A, the machine code and C's way out, nothing else. GOPS = 2*M*N*K / time.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED"})
public class KernelBenchmark {
    @Param({"gemm-f32", "gemm-int8", "gemm-int8-direct", "matvec-f32", "matvec-int8", "matvec-int8-direct"})
    public String kernel;

    @Param({"auto"})
    public String target;

    private MethodHandle predict;
    /** The -direct forms: int8 operands and int32 results of VectorKernels.gemmU8S8 called as it is. */
    private byte[] a8;
    private byte[] b8;
    private int[] c32;
    private int n;
    private int k;
    private float[] in;
    private float[] out;
    private int m;

    @Setup
    public void setup() throws ReflectiveOperationException {
        boolean gemm = kernel.startsWith("gemm");
        m = gemm ? 64 : 1;
        k = 1024;
        n = gemm ? 256 : 1024;
        if (kernel.endsWith("-direct")) {
            SplittableRandom rng = new SplittableRandom(5);
            a8 = new byte[m * k];
            b8 = new byte[k * n + n + 96]; // padded as LinearLowering pads weights
            for (int i = 0; i < a8.length; i++) {
                a8[i] = (byte) rng.nextInt(256);
            }
            for (int i = 0; i < k * n; i++) {
                b8[i] = (byte) (rng.nextInt(255) - 127);
            }
            c32 = new int[m * n];
            return;
        }
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
    public Object run() throws Throwable {
        if (a8 != null) {
            VectorKernels.gemmU8S8(a8, 0, k, true, b8, 0, n, c32, 0, n, m, n, k, true, null, 0, null, 0, null, 0,
                    false);
            return c32;
        }
        predict.invokeExact(in, m, out);
        return out;
    }
}
