package dev.octet.backends.jvm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.octet.ir.Graph;
import dev.octet.ir.text.IrTextParser;
import dev.octet.runtime.OctetModel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.jar.JarFile;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Names from models are data: they never become paths, reserved classes or malformed class files. */
class ClassNamesTest {
    private static final String LONG = "n".repeat(4000);

    @Test
    void modelNamesBecomeJavaIdentifiers() {
        assertEquals("FashionCnnV2", ClassNames.javaIdentifier("fashion-cnn.v2"));
        assertEquals("TorchJit", ClassNames.javaIdentifier("torch_jit"));
        assertEquals("Model3layers", ClassNames.javaIdentifier("3layers"));
        assertEquals("Model", ClassNames.javaIdentifier("/../é€"));
        assertEquals("Model", ClassNames.javaIdentifier(""));
        assertEquals("EtcX", ClassNames.javaIdentifier("../../etc/x"));
        assertEquals("JavaLangObject", ClassNames.javaIdentifier("java.lang.Object"));
        assertEquals("Model", ClassNames.javaIdentifier("模型"));
        String longName = ClassNames.javaIdentifier(LONG);
        assertEquals(ClassNames.MAX_IDENTIFIER, longName.length());
        assertTrue(longName.matches("Nn+_[0-9a-f]{8}"), longName);
    }

    @Test
    void classNamesAreCheckedBeforeAnythingIsWritten() {
        assertNull(ClassNames.problemWith("com.example.FashionCnn"));
        assertTrue(ClassNames.problemWith("java.lang.Object").contains("reserves"));
        assertTrue(ClassNames.problemWith("../../etc/x").contains("not a Java class name"));
        assertTrue(ClassNames.problemWith("").contains("empty"));
        assertTrue(ClassNames.problemWith("com.int.Model").contains("keyword"));
        assertTrue(ClassNames.problemWith("a." + LONG).contains("longer than 200"));
        assertTrue(ClassNames.problemWith("com.example.Модель").contains("not a Java class name"));
        assertThrows(IllegalArgumentException.class, () -> JvmCompiler.Options.of("java.lang.Object", Target.SCALAR));
    }

    @Test
    void hostileGraphNamesCompileToOrdinaryClassesAndFiles(@TempDir Path dir) throws Exception {
        for (String name : List.of("../../etc/x", "java.lang.Object", "", "модель\n\u0000", LONG)) {
            Graph g = IrTextParser.parse("""
                    graph @g(%x: f32[N,2]) {
                      %y = Relu(%x) : f32[N,2]
                      return %y
                    }""", "names");
            g.setName(name);
            OctetModel m = JvmCompiler.load(g, Target.SCALAR);
            assertEquals(2, m.predict(new float[] {-1, 1}).length);
            String className = "dev.octet.models." + ClassNames.javaIdentifier(name);
            CompiledModel c = JvmCompiler.compile(g, new JvmCompiler.Options(className, Target.SCALAR, name, "fp32",
                    ""));
            Path out = dir.resolve("classes");
            c.writeClasses(out, Map.of());
            c.writeJar(dir.resolve("m.jar"));
            try (Stream<Path> files = Files.walk(dir)) {
                assertTrue(files.allMatch(p -> p.normalize().startsWith(dir)), "nothing outside " + dir);
            }
            try (JarFile jar = new JarFile(dir.resolve("m.jar").toFile())) {
                String recorded = jar.getManifest().getMainAttributes().getValue("Octet-Model");
                assertTrue(recorded.length() <= 200 && recorded.chars().noneMatch(Character::isISOControl),
                        recorded);
            }
        }
    }
}
