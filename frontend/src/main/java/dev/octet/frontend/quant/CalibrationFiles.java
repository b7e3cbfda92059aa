package dev.octet.frontend.quant;

import dev.octet.frontend.IdxFormat;
import dev.octet.frontend.NpyFormat;
import dev.octet.ir.Tensor;
import dev.octet.passes.PipelineException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The calibration samples a pass option names: .npy [N, ...] or IDX images (scaled to [0, 1]). */
final class CalibrationFiles {
    private CalibrationFiles() {
    }

    static Tensor read(String option, String pass) {
        if (option.isEmpty()) {
            throw new PipelineException(pass + " needs calibration=FILE (.npy or IDX images)");
        }
        Path file = Path.of(option);
        if (!Files.isRegularFile(file)) {
            throw new PipelineException("calibration file " + file + " does not exist");
        }
        return file.getFileName().toString().contains("idx") ? IdxFormat.readImages(file) : NpyFormat.read(file);
    }
}
