package dev.octet.backends.jvm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.octet.ir.Graph;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;

/**
 * A class whose int8 products cannot run on the machine code its target asks for says why in one log line, and
 * runs them on the Vector API kernels. (Its own test class: it sets a system property, and one JVM runs each
 * test class.)
 */
class NativeKernelsReportTest {
    @Test
    void logsOneLineWhenNativeKernelsAreSwitchedOff() {
        List<String> lines = new ArrayList<>();
        Handler capture = new Handler() {
            @Override
            public void publish(LogRecord r) {
                lines.add(r.getMessage());
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        Logger root = Logger.getLogger("");
        root.addHandler(capture);
        System.setProperty("octet.native", "false");
        try {
            Graph g = TestModels.get("cnn-static");
            Object model = JvmCompiler.load(g, Target.AVX512_VNNI);
            assertFalse(CompiledModelsTest.kernels(model).endsWith("-gemm"), CompiledModelsTest.kernels(model));
            List<String> report = lines.stream().filter(l -> l.contains("not installed")).toList();
            assertEquals(List.of("target avx512-vnni: int8 machine-code kernels not installed (-Doctet.native=false); "
                    + "int8 products run on the Vector API kernels"), report);
        } finally {
            System.clearProperty("octet.native");
            root.removeHandler(capture);
        }
    }
}
