package dev.octet.frontend.onnx;

import static dev.octet.frontend.onnx.OnnxModels.model;
import static dev.octet.frontend.onnx.OnnxModels.reluAdd;
import static dev.octet.frontend.onnx.OnnxModels.write;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import dev.octet.frontend.ModelLoader;
import dev.octet.frontend.ModelSource;
import dev.octet.frontend.onnx.proto.Onnx.StringStringEntryProto;
import dev.octet.frontend.onnx.proto.Onnx.TensorProto;
import dev.octet.ir.text.IrPrinter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A model's source is its file and the data files its weights come from: the hash covers all of them. */
class ModelSourceTest {
    @TempDir
    Path dir;

    @Test
    void onnxExternalDataIsPartOfTheSource() throws Exception {
        Path data = dir.resolve("w.bin");
        Files.write(data, new byte[] {0, 0, (byte) 0x80, 0x3f, 0, 0, 0, (byte) 0xc0});
        TensorProto external = TensorProto.newBuilder().setName("w").setDataType(1).addDims(2)
                .setDataLocation(TensorProto.DataLocation.EXTERNAL)
                .addExternalData(StringStringEntryProto.newBuilder().setKey("location").setValue("w.bin")).build();
        Path onnx = write(dir, "m.onnx", model(17, reluAdd().setInitializer(0, external).build()));

        ModelSource source = ModelLoader.read(onnx);
        assertEquals(List.of(onnx, data.toAbsolutePath().normalize()), source.files());
        assertEquals(Files.size(onnx) + 8, source.bytes());
        String before = source.sha256();
        assertEquals(before, ModelLoader.read(onnx).sha256());

        Files.write(data, new byte[] {0, 0, (byte) 0x80, 0x3f, 0, 0, 0, (byte) 0x40});
        assertNotEquals(before, ModelLoader.read(onnx).sha256(), "new weights in the data file, same model file");

        Path inline = write(dir, "inline.onnx", model(17, reluAdd().build()));
        assertEquals(List.of(inline), ModelLoader.read(inline).files());
    }

    @Test
    void irSideFilesArePartOfTheSource() throws Exception {
        Path oir = dir.resolve("tiny.oir");
        IrPrinter.toFile(ModelLoader.load(Path.of(System.getProperty("octet.testdata"), "models/fashion-mlp.onnx")), oir, 16);
        Path side = dir.resolve("tiny.oir.bin");

        ModelSource source = ModelLoader.read(oir);
        assertEquals(List.of(oir, side.toAbsolutePath().normalize()), source.files());
        assertEquals(Files.size(oir) + Files.size(side), source.bytes());
        String before = source.sha256();

        byte[] bytes = Files.readAllBytes(side);
        bytes[0] ^= 1;
        Files.write(side, bytes);
        assertNotEquals(before, ModelLoader.read(oir).sha256(), "a changed weight in the side file");
    }
}
