package dev.octet.cli.report;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import dev.octet.api.MixedPrecision;
import dev.octet.api.Sensitivity;
import dev.octet.cli.eval.Comparison;
import dev.octet.cli.eval.EvalReport;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One self-contained HTML page (inline CSS and SVG, no network) with the charts and tables of a compile or eval
 * run: per-class accuracy before/after, the latency distribution, and per-layer SQNR from the quantization
 * report. A small script checks on load that every chart has visible bars and records the count in
 * {@code body[data-charts-rendered]}, which the headless-browser test reads.
 */
public final class HtmlReport {
    private static final String BEFORE = "#9aa5b1";
    private static final String AFTER = "#2f6fdf";

    private final StringBuilder body = new StringBuilder();
    private int charts;

    private HtmlReport() {
    }

    /**
     * The page. {@code summary}: key facts shown first (may be empty); {@code eval}: accuracy and timing (null when
     * not measured); {@code quality}: the quantization report's JSON (null when the model was not statically
     * quantized).
     */
    public static String render(String title, Map<String, String> summary, EvalReport eval, JsonElement quality) {
        return render(title, summary, eval, quality, null, null);
    }

    /** As above, with a sensitivity sweep and the mixed-precision decisions (either may be null). */
    public static String render(String title, Map<String, String> summary, EvalReport eval, JsonElement quality,
                                Sensitivity.Report sensitivity, List<MixedPrecision.LayerChoice> choices) {
        HtmlReport r = new HtmlReport();
        r.body.append("<h1>").append(Html.escape(title)).append("</h1>\n");
        if (!summary.isEmpty()) {
            List<String[]> rows = new ArrayList<>();
            summary.forEach((k, v) -> rows.add(new String[] {k, v}));
            r.table("summary", new String[] {"", ""}, rows);
        }
        if (eval != null) {
            r.accuracy(eval);
            r.latency(eval);
        }
        if (choices != null) {
            r.choices(choices);
        }
        if (sensitivity != null) {
            r.sensitivity(sensitivity);
        }
        if (quality != null && quality.isJsonObject()) {
            r.quality(quality.getAsJsonObject());
        }
        return r.page(title);
    }

    private void accuracy(EvalReport e) {
        EvalReport.Side after = e.side();
        EvalReport.Side before = e.baseline();
        body.append("<h2>Accuracy</h2>\n");
        List<String[]> rows = new ArrayList<>();
        if (before != null) {
            rows.add(new String[] {before.model(), before.precision(), pct(before.accuracy()),
                "class " + before.worstClass() + ": " + pct(before.perClassAccuracy().get(before.worstClass())), "",
                ""});
        }
        rows.add(new String[] {after.model(), after.precision(), pct(after.accuracy()),
            "class " + after.worstClass() + ": " + pct(after.perClassAccuracy().get(after.worstClass())),
            e.agreement() == null ? "" : pct(e.agreement()), e.flipRate() == null ? "" : pct(e.flipRate())});
        table("accuracy", new String[] {"model", "precision", "top-1", "worst class", "agreement", "flip rate"}, rows);

        List<String> labels = new ArrayList<>();
        for (int c = 0; c < e.classes(); c++) {
            labels.add("class " + c);
        }
        List<BarChart.Series> series = new ArrayList<>();
        if (before != null) {
            series.add(new BarChart.Series("before: " + before.model(), BEFORE, percents(before.perClassAccuracy())));
        }
        series.add(new BarChart.Series((before != null ? "after: " : "") + after.model(), AFTER,
                percents(after.perClassAccuracy())));
        chart(BarChart.svg("per-class-accuracy", "Per-class top-1 accuracy", "% correct", labels, series));

        List<String[]> perClass = new ArrayList<>();
        for (int c = 0; c < e.classes(); c++) {
            perClass.add(new String[] {String.valueOf(c), String.valueOf(e.perClassSupport()[c]),
                before == null ? "" : pct(before.perClassAccuracy().get(c)), pct(after.perClassAccuracy().get(c)),
                e.perClassDelta() == null || e.perClassDelta().get(c) == null ? ""
                        : String.format(Locale.ROOT, "%+.2f", 100 * e.perClassDelta().get(c))});
        }
        table("per-class", new String[] {"class", "samples", "before", "after", "change (points)"}, perClass);
        if (e.confusionChanges() != null && !e.confusionChanges().isEmpty()) {
            body.append("<h3>Confusion-matrix changes (largest first)</h3>\n");
            List<String[]> cm = new ArrayList<>();
            for (Comparison.ConfusionChange ch : e.confusionChanges().subList(0, Math.min(20, e.confusionChanges().size()))) {
                cm.add(new String[] {String.valueOf(ch.label()), String.valueOf(ch.predicted()),
                    String.valueOf(ch.baseline()), String.valueOf(ch.model()), String.format(Locale.ROOT, "%+d", ch.delta())});
            }
            table("confusion-changes", new String[] {"true class", "predicted", "before", "after", "change"}, cm);
        }
    }

    private void latency(EvalReport e) {
        body.append("<h2>Latency and throughput</h2>\n");
        EvalReport.Side before = e.baseline();
        List<String[]> rows = new ArrayList<>();
        for (EvalReport.Side s : before == null ? List.of(e.side()) : List.of(before, e.side())) {
            rows.add(new String[] {s.model(), ms(s.latencyMs().p50()), ms(s.latencyMs().p90()), ms(s.latencyMs().p99()),
                String.format(Locale.ROOT, "%.0f", s.throughputPerS()), String.valueOf(s.sizeBytes())});
        }
        table("latency", new String[] {"model", "p50 (ms, batch 1)", "p90", "p99",
            "samples/s (batch " + e.batch() + ")", "size (bytes)"}, rows);
        double[] after = e.latencySamplesMs();
        double[] base = before == null ? new double[0] : before.latencySamplesMs();
        double lo = Double.MAX_VALUE;
        double hi = 0;
        for (double[] xs : List.of(after, base)) {
            double[] sorted = xs.clone();
            Arrays.sort(sorted);
            if (sorted.length > 0) {
                lo = Math.min(lo, sorted[0]);
                hi = Math.max(hi, sorted[Math.max(0, (int) Math.ceil(0.99 * sorted.length) - 1)]);
            }
        }
        int bins = 20;
        double width = hi > lo ? (hi - lo) / bins : 1e-3;
        List<String> labels = new ArrayList<>();
        for (int b = 0; b < bins; b++) {
            labels.add(String.format(Locale.ROOT, "%.3f-%.3f ms", lo + b * width, lo + (b + 1) * width));
        }
        List<BarChart.Series> series = new ArrayList<>();
        if (before != null) {
            series.add(new BarChart.Series("before: " + before.model(), BEFORE, histogram(base, lo, width, bins)));
        }
        series.add(new BarChart.Series((before != null ? "after: " : "") + e.model(), AFTER,
                histogram(after, lo, width, bins)));
        chart(BarChart.svg("latency-distribution", "Latency distribution at batch 1 (calls up to p99)",
                "% of calls", labels, series));
    }

    private void quality(JsonObject q) {
        body.append("<h2>Quantization quality</h2>\n");
        JsonObject out = q.getAsJsonObject("output");
        if (out != null) {
            body.append(String.format(Locale.ROOT, "<p>End to end (integer graph vs float, %d samples): output SQNR "
                    + "%s dB, top-1 agreement %s.</p>%n", q.get("samples").getAsInt(),
                    num(out.get("sqnr_db")), pct(out.get("top1_agreement").getAsDouble())));
        }
        JsonArray layers = q.getAsJsonArray("layers");
        if (layers != null && !layers.isEmpty()) {
            List<String> labels = new ArrayList<>();
            double[] sqnr = new double[layers.size()];
            List<String[]> rows = new ArrayList<>();
            for (int i = 0; i < layers.size(); i++) {
                JsonObject l = layers.get(i).getAsJsonObject();
                labels.add(l.get("name").getAsString());
                sqnr[i] = number(l.get("sqnr_db"));
                rows.add(new String[] {l.get("name").getAsString(), l.get("op").getAsString(), num(l.get("sqnr_db"))});
            }
            chart(BarChart.svg("per-layer-sqnr", "Per-layer output SQNR (higher is better)", "dB", labels,
                    List.of(new BarChart.Series("SQNR", AFTER, sqnr))));
            table("layers", new String[] {"layer", "op", "SQNR (dB)"}, rows);
        }
        JsonArray tensors = q.getAsJsonArray("tensors");
        if (tensors != null && !tensors.isEmpty()) {
            body.append("<h3>Activation ranges</h3>\n");
            List<String[]> rows = new ArrayList<>();
            for (JsonElement t : tensors) {
                JsonObject o = t.getAsJsonObject();
                rows.add(new String[] {o.get("name").getAsString(), range(o.getAsJsonArray("chosen_range")),
                    range(o.getAsJsonArray("observed_range")),
                    String.format(Locale.ROOT, "%.4f%%", 100 * o.get("clipped_fraction").getAsDouble()),
                    num(o.get("scale")), o.get("zero_point").getAsString(), num(o.get("sqnr_db"))});
            }
            table("tensors", new String[] {"tensor", "chosen range", "observed range", "clipped", "scale",
                "zero point", "SQNR (dB)"}, rows);
        }
    }

    private void choices(List<MixedPrecision.LayerChoice> choices) {
        body.append("<h2>Layer precisions</h2>\n");
        List<String[]> rows = new ArrayList<>();
        for (MixedPrecision.LayerChoice c : choices) {
            rows.add(new String[] {c.name(), c.op(), c.precision(), String.format(Locale.ROOT, "%.1f%%",
                100 * c.macShare()), c.reason()});
        }
        table("choices", new String[] {"layer", "op", "precision", "share of MACs", "why"}, rows);
    }

    private void sensitivity(Sensitivity.Report s) {
        body.append("<h2>Layer sensitivity</h2>\n");
        body.append(String.format(Locale.ROOT, "<p>On %d samples: float %s, all layers int8 %s (%+.2f points), "
                + "output SQNR %s dB. Ranked by the accuracy that comes back when the layer alone stays float.</p>%n",
                s.samples(), pct(s.floatAccuracy()), pct(s.int8Accuracy()), s.int8Delta(),
                BarChart.fmt(s.int8SqnrDb())));
        List<String> labels = new ArrayList<>();
        double[] recovery = new double[s.ranking().size()];
        double[] sqnr = new double[s.ranking().size()];
        List<String[]> rows = new ArrayList<>();
        for (int i = 0; i < s.ranking().size(); i++) {
            Sensitivity.Layer l = s.ranking().get(i);
            labels.add(l.name());
            recovery[i] = l.recovery(s.int8Delta());
            sqnr[i] = l.aloneSqnrDb();
            rows.add(new String[] {String.valueOf(i + 1), l.name(), l.op(), String.valueOf(l.macs()),
                BarChart.fmt(l.aloneSqnrDb()), String.format(Locale.ROOT, "%+.2f", l.aloneAccuracyDelta()),
                BarChart.fmt(l.allButSqnrDb()), String.format(Locale.ROOT, "%+.2f", l.allButAccuracyDelta()),
                String.format(Locale.ROOT, "%+.2f", recovery[i])});
        }
        chart(BarChart.svg("sensitivity-recovery", "Accuracy recovered by keeping the layer alone in float",
                "points", labels, List.of(new BarChart.Series("recovery", AFTER, recovery))));
        chart(BarChart.svg("sensitivity-sqnr", "Output SQNR with only this layer in int8", "dB", labels,
                List.of(new BarChart.Series("SQNR", BEFORE, sqnr))));
        table("sensitivity", new String[] {"rank", "layer", "op", "MACs", "alone: SQNR (dB)", "alone: points",
            "all but: SQNR (dB)", "all but: points", "recovery (points)"}, rows);
    }

    private void chart(String svg) {
        charts++;
        body.append("<div class=\"chart-box\">\n").append(svg).append("</div>\n");
    }

    private void table(String cls, String[] header, List<String[]> rows) {
        body.append("<table class=\"").append(cls).append("\">\n");
        if (java.util.Arrays.stream(header).anyMatch(h -> !h.isEmpty())) {
            body.append("<tr>");
            for (String h : header) {
                body.append("<th>").append(Html.escape(h)).append("</th>");
            }
            body.append("</tr>\n");
        }
        for (String[] r : rows) {
            body.append("<tr>");
            for (String c : r) {
                body.append("<td>").append(Html.escape(c)).append("</td>");
            }
            body.append("</tr>\n");
        }
        body.append("</table>\n");
    }

    private String page(String title) {
        return """
                <!DOCTYPE html>
                <html lang="en"><head><meta charset="utf-8"><title>%s</title>
                <style>
                body { font: 14px system-ui, sans-serif; margin: 24px; color: #1d2329; }
                table { border-collapse: collapse; margin: 8px 0 20px; }
                th, td { border: 1px solid #d0d7de; padding: 3px 8px; text-align: right; }
                th:first-child, td:first-child { text-align: left; }
                svg .title { font-weight: 600; font-size: 14px; }
                svg .label, svg .legend, svg .value { font-size: 11px; fill: #444; }
                svg .axis { stroke: #888; }
                .chart-box { margin: 12px 0 20px; }
                </style></head>
                <body data-charts-expected="%d">
                %s<script>
                // Self-check: a chart counts as rendered when it has bars with a visible size.
                window.addEventListener('load', () => {
                  let ok = 0;
                  for (const svg of document.querySelectorAll('svg.chart')) {
                    const bars = [...svg.querySelectorAll('rect.bar')].filter(b => b.getBBox().width > 0);
                    if (bars.length > 0 && svg.getBoundingClientRect().height > 0) ok++;
                  }
                  document.body.dataset.chartsRendered = String(ok);
                });
                </script>
                </body></html>
                """.formatted(Html.escape(title), charts, body);
    }

    private static double[] percents(List<Double> fractions) {
        return fractions.stream().mapToDouble(f -> f == null ? Double.NaN : 100 * f).toArray();
    }

    private static double[] histogram(double[] xs, double lo, double width, int bins) {
        double[] h = new double[bins];
        if (xs.length == 0) {
            Arrays.fill(h, Double.NaN);
            return h;
        }
        for (double x : xs) {
            int b = (int) Math.floor((x - lo) / width);
            if (b >= 0 && b < bins) {
                h[b] += 100.0 / xs.length;
            }
        }
        return h;
    }

    private static double number(JsonElement e) {
        if (e == null || e.isJsonNull()) {
            return Double.NaN;
        }
        String s = e.getAsString();
        return s.equals("Infinity") ? Double.POSITIVE_INFINITY : s.equals("NaN") ? Double.NaN : e.getAsDouble();
    }

    private static String num(JsonElement e) {
        double v = number(e);
        return Double.isNaN(v) ? "n/a" : Double.isInfinite(v) ? "inf" : BarChart.fmt(v);
    }

    private static String range(JsonArray a) {
        return "[" + num(a.get(0)) + ", " + num(a.get(1)) + "]";
    }

    private static String pct(Double f) {
        return f == null ? "n/a" : String.format(Locale.ROOT, "%.2f%%", 100 * f);
    }

    private static String ms(double v) {
        return String.format(Locale.ROOT, "%.3f", v);
    }
}
