package dev.octet.frontend.onnx;

import static dev.octet.frontend.onnx.OnnxModels.floats;
import static dev.octet.frontend.onnx.OnnxModels.model;
import static dev.octet.frontend.onnx.OnnxModels.node;
import static dev.octet.frontend.onnx.OnnxModels.reluAdd;
import static dev.octet.frontend.onnx.OnnxModels.value;
import static dev.octet.frontend.onnx.OnnxModels.write;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.management.ThreadMXBean;
import dev.octet.frontend.IdxFormat;
import dev.octet.frontend.NpyFormat;
import dev.octet.frontend.TensorFileException;
import dev.octet.frontend.onnx.proto.Onnx.AttributeProto;
import dev.octet.ir.IrException;
import dev.octet.ir.text.IrTextParser;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

/**
 * Small files that declare enormous things: each is refused with one clear error, quickly, having allocated a few
 * MiB at most (measured with the thread's allocation counter), by every reader. The limits are configurable
 * ({@link ImportLimits}); the last tests lower them.
 */
class HostileModelsTest {
    private static final long MAX_ALLOCATION = 64L << 20;

    @TempDir
    Path dir;

    private static void refusedCheaply(Class<? extends RuntimeException> type, String message, Executable read) {
        ThreadMXBean threads = (ThreadMXBean) ManagementFactory.getThreadMXBean();
        assertTimeoutPreemptively(Duration.ofSeconds(10), () -> {
            long before = threads.getCurrentThreadAllocatedBytes();
            RuntimeException e = (RuntimeException) assertThrows(type, read);
            long allocated = threads.getCurrentThreadAllocatedBytes() - before;
            assertTrue(e.getMessage().contains(message) && !e.getMessage().contains("\n"), e.getMessage());
            assertTrue(allocated < MAX_ALLOCATION, "allocated " + allocated + " bytes to refuse it");
        });
    }

    @Test
    void onnxInitializerOf1e12Elements() throws Exception {
        Path f = write(dir, "m.onnx", model(17, reluAdd().setInitializer(0,
                floats("w", new long[] {1_000_000, 1_000_000}, 1f)).build()));
        refusedCheaply(OnnxException.class, "initializer 'w' has 1000000000000 elements, more than the limit",
                () -> OnnxReader.read(f));
    }

    @Test
    void onnxInputDeclaring1e12Elements() throws Exception {
        Path f = write(dir, "m.onnx", model(17, reluAdd().setInput(0, value("x", 1, 1_000_000, 1_000_000)).build()));
        refusedCheaply(OnnxException.class, "input 'x' declares a shape of more than", () -> OnnxReader.read(f));
    }

    @Test
    void npyHeaderDeclaring1e12Elements() throws Exception {
        String header = "{'descr': '<f4', 'fortran_order': False, 'shape': (1000000, 1000000), }";
        header = header + " ".repeat(117 - header.length()) + "\n";
        ByteBuffer b = ByteBuffer.allocate(10 + header.length() + 16).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        b.put((byte) 0x93).put("NUMPY".getBytes(StandardCharsets.US_ASCII)).put((byte) 1).put((byte) 0)
                .putShort((short) header.length()).put(header.getBytes(StandardCharsets.US_ASCII));
        Path f = dir.resolve("x.npy");
        Files.write(f, b.array());
        refusedCheaply(TensorFileException.class, "needs 4000000000000 data bytes, the file has 16",
                () -> NpyFormat.read(f));
    }

    @Test
    void idxHeaderDeclaring1e12Elements() throws Exception {
        ByteBuffer b = ByteBuffer.allocate(4 + 8 + 16);
        b.putInt(0x0802).putInt(1_000_000).putInt(1_000_000);
        Path f = dir.resolve("x-idx");
        Files.write(f, b.array());
        refusedCheaply(TensorFileException.class, "more than the limit", () -> IdxFormat.read(f));
    }

    @Test
    void textIrLiteralOf1e12Elements() {
        String text = """
                graph @g(%x: f32[N,4]) {
                  %w = Constant() {value = random<f32[1000000,1000000], 1>} : f32[1000000,1000000]
                  return %w
                }""";
        refusedCheaply(IrException.class, "need 4000000000000 bytes, more than the limit",
                () -> IrTextParser.parse(text, "big.oir"));
    }

    @Test
    void lowerLimitsStopLargeAttributesAndGraphs() throws Exception {
        AttributeProto.Builder perm = AttributeProto.newBuilder().setName("perm").setType(AttributeProto.AttributeType.INTS);
        for (int i = 0; i < 5000; i++) {
            perm.addInts(i);
        }
        Path f = write(dir, "m.onnx", model(17, reluAdd().addNode(node("Transpose", "t", new String[] {"y"},
                new String[] {"z"}, perm.build())).build()));
        refusedCheaply(OnnxException.class, "attribute 'perm' holds 5000 values, more than the limit 1000",
                () -> OnnxReader.read(f, ImportLimits.DEFAULT.withMaxAttributeElements(1000)));
        Path small = write(dir, "small.onnx", model(17, reluAdd().build()));
        refusedCheaply(OnnxException.class, "2 nodes, more than the limit 1",
                () -> OnnxReader.read(small, ImportLimits.DEFAULT.withMaxNodes(1)));
        refusedCheaply(OnnxException.class, "more than the limit 1",
                () -> OnnxReader.read(small, ImportLimits.DEFAULT.withMaxTensorElements(1)));
    }
}
