package dev.octet.cli.report;

import java.util.List;
import java.util.Locale;

/**
 * A horizontal grouped bar chart as inline SVG: one row per label, one bar per series. Every bar is a
 * {@code rect.bar} with its value in a {@code data-value} attribute and a tooltip, so the page's self-check
 * (and a reader) can find them.
 */
final class BarChart {
    /** One series: a name for the legend, a colour, and a value per label (NaN: no bar). */
    record Series(String name, String color, double[] values) {
    }

    private static final int LABEL_WIDTH = 220;
    private static final int PLOT_WIDTH = 480;
    private static final int BAR = 12;
    private static final int GAP = 8;

    private BarChart() {
    }

    static String svg(String id, String title, String unit, List<String> labels, List<Series> series) {
        double max = 0;
        double min = 0;
        for (Series s : series) {
            for (double v : s.values()) {
                if (Double.isFinite(v)) {
                    max = Math.max(max, v);
                    min = Math.min(min, v);
                }
            }
        }
        double span = max - min == 0 ? 1 : max - min;
        int rowHeight = series.size() * BAR + GAP;
        int top = 40;
        int height = top + labels.size() * rowHeight + 30;
        int width = LABEL_WIDTH + PLOT_WIDTH + 90;
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "<svg class=\"chart\" id=\"%s\" xmlns=\"http://www.w3.org/2000/svg\" "
                + "width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" role=\"img\" aria-label=\"%s\">%n",
                id, width, height, width, height, Html.escape(title)));
        sb.append(String.format(Locale.ROOT, "<text x=\"4\" y=\"18\" class=\"title\">%s</text>%n",
                Html.escape(title)));
        int lx = LABEL_WIDTH;
        for (Series s : series) {
            sb.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"26\" width=\"10\" height=\"10\" fill=\"%s\"/>"
                    + "<text x=\"%d\" y=\"35\" class=\"legend\">%s</text>%n", lx, s.color(), lx + 14,
                    Html.escape(s.name())));
            lx += 24 + 7 * s.name().length();
        }
        double zeroX = LABEL_WIDTH + PLOT_WIDTH * (0 - min) / span;
        for (int i = 0; i < labels.size(); i++) {
            int y = top + i * rowHeight;
            sb.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" class=\"label\" text-anchor=\"end\">%s"
                    + "</text>%n", LABEL_WIDTH - 6, y + rowHeight / 2 + 2, Html.escape(shorten(labels.get(i)))));
            for (int k = 0; k < series.size(); k++) {
                double v = series.get(k).values()[i];
                if (!Double.isFinite(v)) {
                    continue;
                }
                double x = LABEL_WIDTH + PLOT_WIDTH * (v - min) / span;
                double x0 = Math.min(x, zeroX);
                double w = Math.max(Math.abs(x - zeroX), 1);
                sb.append(String.format(Locale.ROOT, "<rect class=\"bar\" data-value=\"%s\" x=\"%.1f\" y=\"%d\" "
                        + "width=\"%.1f\" height=\"%d\" fill=\"%s\"><title>%s, %s: %s %s</title></rect>"
                        + "<text x=\"%.1f\" y=\"%d\" class=\"value\">%s</text>%n",
                        fmt(v), x0, y + k * BAR, w, BAR - 1, series.get(k).color(), Html.escape(labels.get(i)),
                        Html.escape(series.get(k).name()), fmt(v), unit, x0 + w + 3, y + k * BAR + BAR - 2, fmt(v)));
            }
        }
        sb.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" class=\"axis\"/>%n",
                zeroX, top - 2, zeroX, height - 28));
        sb.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" class=\"legend\">%s</text>%n",
                LABEL_WIDTH, height - 10, Html.escape(unit)));
        return sb.append("</svg>\n").toString();
    }

    private static String shorten(String s) {
        return s.length() <= 32 ? s : "..." + s.substring(s.length() - 29);
    }

    static String fmt(double v) {
        double a = Math.abs(v);
        return String.format(Locale.ROOT, a >= 100 ? "%.0f" : a >= 10 ? "%.1f" : a >= 0.1 ? "%.2f" : "%.3g", v);
    }
}
