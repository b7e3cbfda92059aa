package dev.octet.backends.jvm;

/**
 * Where a tensor operand lives: a workspace slot (offset assigned by the memory planner) or a range of the
 * weights, plus an element offset within it (a slice, or one image inside a per-image loop).
 */
public record Buffer(Slot slot, WeightPack.Ref weight, IntExpr offset) {
    public static Buffer of(Slot slot) {
        return new Buffer(slot, null, IntExpr.ZERO);
    }

    public static Buffer of(WeightPack.Ref weight) {
        return new Buffer(null, weight, IntExpr.ZERO);
    }

    public Arena arena() {
        return slot != null ? slot.arena() : weight.arena();
    }

    public Buffer plus(IntExpr delta) {
        return new Buffer(slot, weight, offset.plus(delta));
    }
}
