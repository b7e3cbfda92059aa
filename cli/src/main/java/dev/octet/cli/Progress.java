package dev.octet.cli;

import dev.octet.passes.quant.QuantizationProgress;
import java.io.PrintWriter;
import java.util.Locale;

/**
 * Progress bars on standard error for steps that run over about a second: nothing is shown for the first second,
 * then a bar with the count, rate and ETA, redrawn in place on a terminal, or as a line every few seconds when
 * standard error is a file or pipe. {@code --quiet} turns it off.
 */
final class Progress {
    private static final long SHOW_AFTER_NANOS = 1_000_000_000L;

    private final PrintWriter err;
    private final boolean enabled;
    private final boolean terminal;

    Progress(PrintWriter err, boolean enabled, boolean terminal) {
        this.err = err;
        this.enabled = enabled;
        this.terminal = terminal;
    }

    /** A bar for one step of {@code total} units ({@code unit} for the rate, e.g. "samples"). */
    Bar start(String phase, long total, String unit) {
        return new Bar(phase, total, unit);
    }

    /** Adapts quantization's progress reports: a new bar whenever the phase changes. */
    QuantizationProgress quantization() {
        return new QuantizationProgress() {
            private Bar bar;

            @Override
            public void advance(String phase, long done, long total) {
                if (bar == null || !bar.phase.equals(phase)) {
                    if (bar != null) {
                        bar.finish();
                    }
                    bar = start(phase, total, phase.equals("calibrating") ? "samples" : "layers");
                }
                bar.update(done);
                if (done >= total) {
                    bar.finish();
                    bar = null;
                }
            }
        };
    }

    final class Bar {
        private final String phase;
        private final long total;
        private final String unit;
        private final long startNanos = System.nanoTime();
        private long lastDrawNanos;
        private long done;
        private long drawnDone = -1;
        private boolean shown;
        private boolean finished;

        private Bar(String phase, long total, String unit) {
            this.phase = phase;
            this.total = Math.max(total, 1);
            this.unit = unit;
        }

        void update(long newDone) {
            done = Math.min(newDone, total);
            long now = System.nanoTime();
            if (!enabled || finished || now - startNanos < SHOW_AFTER_NANOS) {
                return;
            }
            if (now - lastDrawNanos >= (terminal ? 200_000_000L : 5_000_000_000L)) {
                draw(now);
            }
        }

        void step(long units) {
            update(done + units);
        }

        /** Draws the final state if the bar was shown at all, and ends its line. */
        void finish() {
            if (finished) {
                return;
            }
            finished = true;
            if (shown || enabled && System.nanoTime() - startNanos >= SHOW_AFTER_NANOS) {
                done = total;
                if (drawnDone != total) {
                    draw(System.nanoTime());
                }
                if (terminal) {
                    err.println();
                }
                err.flush();
            }
        }

        private void draw(long now) {
            lastDrawNanos = now;
            drawnDone = done;
            shown = true;
            double seconds = (now - startNanos) / 1e9;
            double rate = done / Math.max(seconds, 1e-9);
            int width = 24;
            int filled = (int) (width * done / total);
            String line = String.format(Locale.ROOT, "%s [%s%s] %3d%% %d/%d %s, %.1f/s, %s", phase,
                    "#".repeat(filled), ".".repeat(width - filled), 100 * done / total, done, total, unit, rate,
                    done >= total ? "took " + clock(seconds) : "ETA " + clock((total - done) / Math.max(rate, 1e-9)));
            if (terminal) {
                err.print("\r" + line + "\u001b[K");
            } else {
                err.println(line);
            }
            err.flush();
        }
    }

    private static String clock(double seconds) {
        long s = Math.round(seconds);
        return s < 60 ? s + "s" : String.format(Locale.ROOT, "%d:%02d", s / 60, s % 60);
    }
}
