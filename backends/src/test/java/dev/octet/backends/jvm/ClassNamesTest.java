package dev.octet.backends.jvm;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class ClassNamesTest {
    @Test
    void modelNamesBecomeJavaIdentifiers() {
        assertEquals("FashionCnnV2", ClassNames.javaIdentifier("fashion-cnn.v2"));
        assertEquals("TorchJit", ClassNames.javaIdentifier("torch_jit"));
        assertEquals("Model3layers", ClassNames.javaIdentifier("3layers"));
        assertEquals("Model", ClassNames.javaIdentifier("/../é€"));
        assertEquals("Model", ClassNames.javaIdentifier(""));
    }
}
