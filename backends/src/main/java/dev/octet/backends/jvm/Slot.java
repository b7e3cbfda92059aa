package dev.octet.backends.jvm;

/**
 * A workspace region: one tensor (or several aliases of it, or a kernel's scratch) with its size and the range of
 * steps during which it is live. The memory planner gives it an offset; mutable only for that.
 */
public final class Slot {
    private final String name;
    private final Arena arena;
    private final IntExpr size;
    private final int firstStep;
    private int lastStep;
    private IntExpr offset;

    Slot(String name, Arena arena, IntExpr size, int firstStep) {
        if (size.perIndex() != 0) {
            throw new CodegenException(name + ": size cannot depend on a loop index");
        }
        this.name = name;
        this.arena = arena;
        this.size = size;
        this.firstStep = firstStep;
        this.lastStep = firstStep;
    }

    public String name() {
        return name;
    }

    public Arena arena() {
        return arena;
    }

    public IntExpr size() {
        return size;
    }

    public int firstStep() {
        return firstStep;
    }

    public int lastStep() {
        return lastStep;
    }

    void touch(int step) {
        lastStep = Math.max(lastStep, step);
    }

    public IntExpr offset() {
        if (offset == null) {
            throw new IllegalStateException("slot " + name + " not planned");
        }
        return offset;
    }

    void place(IntExpr at) {
        offset = at;
    }
}
