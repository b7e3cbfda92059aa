package dev.octet.backends.jvm;

import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * Code-generation targets: the vector width of the SIMD kernels, or none. {@code auto} binds the host's preferred
 * width when the generated class loads.
 */
public enum Target {
    AVX512_VNNI("avx512-vnni", "SPECIES_512"),
    AVX2("avx2", "SPECIES_256"),
    NEON_DOT("neon-dot", "SPECIES_128"),
    SCALAR("scalar", null),
    AUTO("auto", "SPECIES_PREFERRED");

    private final String id;
    private final String floatSpecies;

    Target(String id, String floatSpecies) {
        this.id = id;
        this.floatSpecies = floatSpecies;
    }

    public String id() {
        return id;
    }

    /** The {@code FloatVector} species constant the SIMD kernels use; null for scalar. */
    public String floatSpecies() {
        return floatSpecies;
    }

    public boolean isSimd() {
        return floatSpecies != null;
    }

    public static Target fromId(String id) {
        for (Target t : values()) {
            if (t.id.equals(id)) {
                return t;
            }
        }
        throw new IllegalArgumentException("unknown target '" + id + "' (" + Arrays.stream(values())
                .map(Target::id).collect(Collectors.joining(", ")) + ")");
    }

    @Override
    public String toString() {
        return id;
    }
}
