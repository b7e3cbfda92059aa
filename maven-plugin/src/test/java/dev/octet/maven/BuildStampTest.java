package dev.octet.maven;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.octet.api.Octet;
import dev.octet.frontend.ModelLoader;
import dev.octet.ir.text.IrPrinter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The up-to-date check sees a change in any input, the model's data files included. */
class BuildStampTest {
    @TempDir
    Path dir;

    @Test
    void aChangedDataFileMakesTheModelStale() throws Exception {
        // An .oir whose weights live in a side file, as `octet opt -o` writes it.
        Path model = dir.resolve("mlp.oir");
        IrPrinter.toFile(ModelLoader.load(Path.of(System.getProperty("octet.testdata"), "models/fashion-mlp.onnx")),
                model, 16);
        Path calibration = dir.resolve("calib.npy");
        Files.write(calibration, new byte[] {1, 2, 3});
        List<Path> data = Octet.sourceFiles(model).stream().skip(1).toList();
        assertEquals(List.of(dir.resolve("mlp.oir.bin").toAbsolutePath().normalize()), data);
        List<Path> others = Arrays.asList(calibration, null, null);

        Path stampFile = dir.resolve("state/demo.Mlp.sha256");
        BuildStamp.of(model, data, others, "options").write(stampFile);
        BuildStamp stamp = BuildStamp.read(stampFile);
        assertEquals(data, stamp.dataFiles());
        assertTrue(stamp.matches(model, others, "options"));
        assertFalse(stamp.matches(model, others, "other options"));

        Files.write(calibration, new byte[] {1, 2, 4});
        assertFalse(stamp.matches(model, others, "options"), "calibration changed");
        Files.write(calibration, new byte[] {1, 2, 3});
        assertTrue(stamp.matches(model, others, "options"));

        byte[] weights = Files.readAllBytes(data.getFirst());
        weights[100] ^= 1;
        Files.write(data.getFirst(), weights);
        assertFalse(stamp.matches(model, others, "options"), "a weight changed in the side file only");
    }

    @Test
    void aMissingOrEmptyStampIsNoStamp() throws Exception {
        assertNull(BuildStamp.read(dir.resolve("absent")));
        Files.writeString(dir.resolve("empty"), "");
        assertNull(BuildStamp.read(dir.resolve("empty")));
    }
}
