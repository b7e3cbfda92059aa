package dev.octet.passes;

/** A pass option: name (kebab-case), what it does, and its default as text. */
public record PassOption(String name, String description, String defaultValue) {
}
