package dev.octet.backends.jvm;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * Static memory planning: slots whose live ranges overlap get disjoint offsets, the others share memory (first
 * fit, in definition order). Sizes that grow with the batch are planned in units of the batch in the front of
 * each arena ({@code offset = rows * N}); fixed-size slots follow all of them ({@code offset = totalRows * N +
 * c}). A slot of size {@code a*N + b} counts as {@code (a + b)} rows, enough for every batch >= 1.
 */
final class MemoryPlanner {
    private record Placed(long start, long end, Slot slot) {
    }

    private MemoryPlanner() {
    }

    /** Places every slot; returns each arena's size. */
    static Map<Arena, IntExpr> plan(List<Slot> slots) {
        Map<Arena, IntExpr> sizes = new EnumMap<>(Arena.class);
        for (Arena arena : Arena.values()) {
            List<Placed> rows = new ArrayList<>();
            List<Placed> fixed = new ArrayList<>();
            long totalRows = 0;
            long totalFixed = 0;
            for (Slot s : slots) {
                if (s.arena() != arena) {
                    continue;
                }
                boolean batched = s.size().perBatch() != 0;
                long size = batched ? s.size().perBatch() + s.size().constant() : s.size().constant();
                List<Placed> placed = batched ? rows : fixed;
                long at = firstFit(placed, s, size);
                placed.add(new Placed(at, at + size, s));
                if (batched) {
                    totalRows = Math.max(totalRows, at + size);
                } else {
                    totalFixed = Math.max(totalFixed, at + size);
                }
            }
            for (Placed p : rows) {
                p.slot().place(new IntExpr(p.start(), 0, 0));
            }
            for (Placed p : fixed) {
                p.slot().place(new IntExpr(totalRows, 0, p.start()));
            }
            sizes.put(arena, new IntExpr(totalRows, 0, totalFixed));
        }
        return sizes;
    }

    private static long firstFit(List<Placed> placed, Slot s, long size) {
        List<Placed> live = new ArrayList<>();
        for (Placed p : placed) {
            if (p.slot().firstStep() <= s.lastStep() && s.firstStep() <= p.slot().lastStep()) {
                live.add(p);
            }
        }
        live.sort((x, y) -> Long.compare(x.start(), y.start()));
        long at = 0;
        for (Placed p : live) {
            if (at + size <= p.start()) {
                break;
            }
            at = Math.max(at, p.end());
        }
        return at;
    }
}
