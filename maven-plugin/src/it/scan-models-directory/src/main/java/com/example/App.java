package com.example;

import dev.octet.models.Tiny;
import dev.octet.runtime.OctetModel;

/** Compiles only if the plugin wrote the model class before javac ran. */
public final class App {
    private App() {
    }

    public static OctetModel model() {
        return new Tiny();
    }
}
