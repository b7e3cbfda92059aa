package dev.octet.ir;

/** Where something was written: file (may be a description such as {@code <string>}), 1-based line and column. */
public record SourceLocation(String file, int line, int column) {
    @Override
    public String toString() {
        return file + ":" + line + ":" + column;
    }
}
