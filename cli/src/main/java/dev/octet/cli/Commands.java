package dev.octet.cli;

import dev.octet.frontend.ModelLoader;
import dev.octet.ir.Graph;
import java.nio.file.Files;
import java.nio.file.Path;

/** Steps shared by several commands. */
final class Commands {
    private Commands() {
    }

    /** Loads and verifies a model; a missing file is a usage error. */
    static Graph loadModel(Path file) {
        requireFile(file, "model");
        return ModelLoader.load(file);
    }

    static void requireFile(Path file, String what) {
        if (!Files.isRegularFile(file)) {
            throw new Main.UserError(what + " file " + file + " does not exist", true);
        }
    }
}
