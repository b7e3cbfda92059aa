package dev.octet.cli.eval;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** The before/after table printed by {@code octet compile --validation} and {@code octet eval --baseline}. */
public final class BeforeAfterTable {
    private BeforeAfterTable() {
    }

    public static void print(PrintWriter out, EvalReport.Side before, EvalReport.Side after, Double agreement,
                             int batch) {
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"", before.precision() + " (" + before.model() + ")",
            after.precision() + " (" + after.model() + ")", "change"});
        rows.add(new String[] {"accuracy", pct(before.accuracy()), pct(after.accuracy()),
            points(after.accuracy() - before.accuracy())});
        rows.add(new String[] {"worst class", worst(before), worst(after),
            points(after.perClassAccuracy().get(after.worstClass()) - before.perClassAccuracy().get(before.worstClass()))});
        rows.add(new String[] {"size", bytes(before.sizeBytes()), bytes(after.sizeBytes()),
            ratio((double) after.sizeBytes() / before.sizeBytes())});
        rows.add(new String[] {"latency p50, batch 1", ms(before.latencyMs().p50()), ms(after.latencyMs().p50()),
            ratio(after.latencyMs().p50() / before.latencyMs().p50())});
        rows.add(new String[] {"latency p99, batch 1", ms(before.latencyMs().p99()), ms(after.latencyMs().p99()),
            ratio(after.latencyMs().p99() / before.latencyMs().p99())});
        rows.add(new String[] {"throughput, batch " + batch, rate(before.throughputPerS()),
            rate(after.throughputPerS()), ratio(after.throughputPerS() / before.throughputPerS())});
        if (agreement != null) {
            rows.add(new String[] {"top-1 agreement", "", pct(agreement), ""});
        }
        int[] width = new int[4];
        for (String[] r : rows) {
            for (int i = 0; i < 4; i++) {
                width[i] = Math.max(width[i], r[i].length());
            }
        }
        for (String[] r : rows) {
            out.printf("%-" + width[0] + "s  %" + width[1] + "s  %" + width[2] + "s  %" + width[3] + "s%n",
                    (Object[]) r);
        }
        out.flush();
    }

    private static String worst(EvalReport.Side s) {
        return "class " + s.worstClass() + ": " + pct(s.perClassAccuracy().get(s.worstClass()));
    }

    static String pct(double fraction) {
        return String.format(Locale.ROOT, "%.2f%%", 100 * fraction);
    }

    static String points(double delta) {
        return String.format(Locale.ROOT, "%+.2f pt", 100 * delta);
    }

    static String ratio(double r) {
        return String.format(Locale.ROOT, "%.2fx", r);
    }

    static String ms(double v) {
        return String.format(Locale.ROOT, "%.3f ms", v);
    }

    static String rate(double v) {
        return String.format(Locale.ROOT, "%.0f /s", v);
    }

    public static String bytes(long n) {
        if (n < 1024) {
            return n + " B";
        }
        return n < 1024 * 1024 ? String.format(Locale.ROOT, "%.1f KiB", n / 1024.0)
                : String.format(Locale.ROOT, "%.2f MiB", n / (1024.0 * 1024));
    }
}
