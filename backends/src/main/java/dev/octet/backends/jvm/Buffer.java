package dev.octet.backends.jvm;

/**
 * Where a tensor operand lives: a workspace slot (offset assigned by the memory planner), a range of the weights,
 * or the caller's input array (read in place: no kernel writes an operand), plus an element offset within it (a
 * slice, or one image inside a per-image loop).
 */
public record Buffer(Slot slot, WeightPack.Ref weight, boolean isInput, IntExpr offset) {
    public static Buffer of(Slot slot) {
        return new Buffer(slot, null, false, IntExpr.ZERO);
    }

    public static Buffer of(WeightPack.Ref weight) {
        return new Buffer(null, weight, false, IntExpr.ZERO);
    }

    /** The float array passed to predict, from its first element. */
    public static Buffer callerInput() {
        return new Buffer(null, null, true, IntExpr.ZERO);
    }

    public Arena arena() {
        return isInput ? Arena.F32 : slot != null ? slot.arena() : weight.arena();
    }

    public Buffer plus(IntExpr delta) {
        return new Buffer(slot, weight, isInput, offset.plus(delta));
    }
}
