package dev.octet.bench;

import dev.octet.backends.jvm.kernels.ExecutableMemory;
import dev.octet.backends.jvm.kernels.X86Encoder;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * This core's measured AVX-512 VNNI peak, the yardstick of the int8 GEMM: {@value #ITERATIONS} rounds of
 * {@value #CHAINS} independent {@code vpdpbusd zmm} on registers (no memory operand, enough chains to hide the
 * latency). GOPS = 2 * 64 * CHAINS * ITERATIONS / time. Fails at setup where the CPU has no avx512_vnni.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED"})
public class VnniPeakBenchmark {
    static final int CHAINS = 24;
    static final long ITERATIONS = 10_000;

    private MemorySegment code;
    private MethodHandle call;

    @Setup
    public void setup() throws Throwable {
        if (!ExecutableMemory.usable("avx512_vnni")) {
            throw new IllegalStateException("no avx512_vnni on this CPU (or native access not enabled)");
        }
        byte[] c = new byte[512];
        int pos = 0;
        for (int r = 0; r < CHAINS; r++) {
            pos = X86Encoder.vpxord(c, pos, r, r, r);
        }
        int loop = pos;
        for (int r = 0; r < CHAINS; r++) {
            pos = X86Encoder.vpdpbusd(c, pos, r, 30, 31);
        }
        pos = X86Encoder.dec(c, pos, X86Encoder.RDI);
        pos = X86Encoder.jnz(c, pos, loop);
        pos = X86Encoder.vzeroupper(c, pos);
        pos = X86Encoder.ret(c, pos);
        code = ExecutableMemory.install(Arrays.copyOf(c, pos));
        call = ExecutableMemory.downcall(1);
    }

    @Benchmark
    public void run() throws Throwable {
        call.invokeExact(code, ITERATIONS);
    }
}
