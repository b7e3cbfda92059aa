package dev.octet.cli;

import static dev.octet.cli.CliSupport.CALIB;
import static dev.octet.cli.CliSupport.MLP;
import static dev.octet.cli.CliSupport.TEST_X;
import static dev.octet.cli.CliSupport.TEST_Y;
import static dev.octet.cli.CliSupport.ok;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The HTML reports rendered for real in headless Chromium (Debian's chromium, which ./run-tests installs): the
 * page's own check counts the charts whose bars have a visible size, and the test reads that count from the DOM.
 */
class HtmlReportBrowserTest {
    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");

    @Test
    void compileAndEvalReportsRenderEveryChart(@TempDir Path dir) throws Exception {
        Path compileReport = dir.resolve("compile.html");
        Path jar = dir.resolve("mlp.jar");
        ok("compile", MLP, "-o", jar.toString(), "--calibration", CALIB, "--validation", TEST_X, "--labels", TEST_Y,
                "--report", compileReport.toString(), "-q");
        String html = Files.readString(compileReport);
        assertTrue(!html.contains("http://") || html.replace("http://www.w3.org/2000/svg", "").indexOf("http") < 0,
                "self-contained: no links to fetch");
        for (String id : List.of("per-class-accuracy", "latency-distribution", "per-layer-sqnr")) {
            assertTrue(html.contains("id=\"" + id + "\""), id);
        }
        assertEquals(3, rendered(compileReport, dir), "charts rendered in the compile report");

        // The eval report of the jar shows the SQNR recorded at compile time too.
        Path evalReport = dir.resolve("eval.html");
        ok("eval", jar.toString(), "--data", TEST_X, "--labels", TEST_Y, "--baseline", MLP, "--html",
                evalReport.toString(), "-q");
        assertEquals(3, rendered(evalReport, dir), "charts rendered in the eval report");
    }

    /** Loads the page in headless Chromium and returns the count its self-check wrote to the DOM. */
    private static int rendered(Path page, Path dir) throws IOException, InterruptedException {
        assertTrue(Files.isExecutable(CHROMIUM), "the report test needs Debian's chromium (./run-tests installs it)");
        Process p = new ProcessBuilder(CHROMIUM.toString(), "--headless", "--no-sandbox", "--disable-gpu",
                "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--user-data-dir=" + dir.resolve("chromium-profile"), "--dump-dom",
                page.toUri().toString()).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        byte[] dom = p.getInputStream().readAllBytes();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "chromium finished");
        String text = new String(dom, StandardCharsets.UTF_8);
        Matcher expected = Pattern.compile("data-charts-expected=\"(\\d+)\"").matcher(text);
        Matcher rendered = Pattern.compile("data-charts-rendered=\"(\\d+)\"").matcher(text);
        assertTrue(expected.find() && rendered.find(), "the page's self-check ran: " + text.substring(0,
                Math.min(300, text.length())));
        assertEquals(expected.group(1), rendered.group(1));
        return Integer.parseInt(rendered.group(1));
    }
}
