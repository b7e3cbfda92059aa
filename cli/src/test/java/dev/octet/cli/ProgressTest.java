package dev.octet.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

/** Progress bars appear only for steps over about a second, with count, rate and ETA; --quiet silences them. */
class ProgressTest {
    @Test
    void aShortStepShowsNothing() {
        StringWriter err = new StringWriter();
        Progress.Bar bar = new Progress(new PrintWriter(err), true, false).start("step", 10, "items");
        bar.step(10);
        bar.finish();
        assertEquals("", err.toString());
    }

    @Test
    void aLongStepShowsCountRateAndEta() throws InterruptedException {
        StringWriter err = new StringWriter();
        Progress.Bar bar = new Progress(new PrintWriter(err), true, false).start("calibrating", 100, "samples");
        bar.step(10);
        Thread.sleep(1100);
        bar.step(40);
        bar.finish();
        String[] lines = err.toString().strip().split("\n");
        assertEquals(2, lines.length, err.toString());
        assertTrue(lines[0].matches("calibrating \\[#+\\.+\\]  50% 50/100 samples, [0-9.]+/s, ETA \\d+s"), lines[0]);
        assertTrue(lines[1].matches("calibrating \\[#{24}\\] 100% 100/100 samples, [0-9.]+/s, took \\d+s"), lines[1]);
    }

    @Test
    void aTerminalRedrawsInPlace() throws InterruptedException {
        StringWriter err = new StringWriter();
        Progress.Bar bar = new Progress(new PrintWriter(err), true, true).start("eval", 4, "samples");
        Thread.sleep(1100);
        bar.step(2);
        bar.finish();
        assertTrue(err.toString().startsWith("\reval [") && err.toString().endsWith("\n"), err.toString());
    }

    @Test
    void quietShowsNothing() throws InterruptedException {
        StringWriter err = new StringWriter();
        Progress.Bar bar = new Progress(new PrintWriter(err), false, false).start("step", 10, "items");
        Thread.sleep(1100);
        bar.step(5);
        bar.finish();
        assertEquals("", err.toString());
    }
}
