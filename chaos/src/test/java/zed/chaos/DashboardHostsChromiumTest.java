package zed.chaos;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import zed.chaos.fault.AgentNode;
import zed.chaos.fault.ChaosPool;
import zed.chaos.fault.NodeCalls;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The Hosts and GPUs page in a real Chromium against a real node on the zfs-fuse test pool, whose NVIDIA GPUs are a
 * fake {@code nvidia-smi} on its PATH (there is no NVIDIA hardware here): the host, each GPU's free VRAM less what the
 * job holds, the job on its GPU with its last step, and a chart of its loss whose points are the checkpoints the real
 * python3 job posted (counted in the polyline, and said in its words); a checkpoint posted while the page is open
 * appears on it without a reload. Screenshots go to target/ui-screenshots/.
 */
class DashboardHostsChromiumTest {
    static final String LEVEL = "lab";
    static final String A = "GPU-aaaaaaaa-1111-2222-3333-444444444444";
    static final String B = "GPU-bbbbbbbb-1111-2222-3333-444444444444";

    @TempDir
    Path tmp;

    @Test
    void hostsGpusFreeVramAndAJobsLossChartLiveFromAFakeNvidiaSmi() throws Exception {
        ChaosNeeds.zfsPool();
        Browser.browserNeeded();
        Path shots = Files.createDirectories(Path.of("target/ui-screenshots"));
        Path bin = Files.createDirectories(tmp.resolve("bin"));
        Path smi = bin.resolve("nvidia-smi");
        Files.writeString(smi, "#!/bin/sh\nprintf '0, " + A + ", NVIDIA A10, 24576, 550.54.15\\n1, " + B + ", NVIDIA L40, 49152, 550.54.15\\n'\n");
        Files.setPosixFilePermissions(smi, PosixFilePermissions.fromString("rwxr-xr-x"));
        // three checkpoints with loss 1/step, then a fourth once the test says so, then it trains on
        Path next = tmp.resolve("next");
        Path py = tmp.resolve("train.py");
        Files.writeString(py, """
                import json, os, time, urllib.request
                def checkpoint(step):
                    body = json.dumps({"step": step, "metrics": {"loss": 1.0 / step}}).encode()
                    req = urllib.request.Request(os.environ["ZED_CHECKPOINT_URL"], data=body, method="POST",
                                                 headers={"Content-Type": "application/json"})
                    assert urllib.request.urlopen(req).status == 201
                for step in (1, 2, 3):
                    checkpoint(step)
                while not os.path.exists("%s"):
                    time.sleep(0.1)
                checkpoint(4)
                while True:
                    time.sleep(1)
                """.formatted(next));
        String source = """
                level "%s" {}
                dataset "hosts-model" {}
                dataset "hosts-run" {}
                model "m" {
                  dataset  = "hosts-model"
                  requires = { vram = "8G" }
                }
                job "train" {
                  model   = model.m
                  dataset = "hosts-run"
                  runtime { cmd = ["python3", "%s"] }
                }
                """.formatted(LEVEL, py);
        Map<String, String> env = Map.of("PATH", bin + ":" + System.getenv("PATH"));
        try (ChaosPool pool = ChaosPool.fresh("uihosts");
             AgentNode node = new AgentNode(ZedProcess.bin(), tmp.resolve("home"), List.of("--pool", pool.root()), List.of(), "127.0.0.1", env).start()) {
            try {
                NodeCalls.Answer pushed = node.push(LEVEL, tmp, source);
                assertTrue(pushed.ok(), "push: " + pushed);
                node.await(LEVEL, s -> GpuLostFakeNvidiaSmiTest.job(s).path("history").size() == 3, Duration.ofSeconds(40));

                ZedProcess.Outcome login = ZedProcess.run(tmp, Map.of("ZED_HOME", node.home().toString()), "ui", "login", "--no-qr", "--node", node.url());
                assertEquals(0, login.exit(), login.toString());
                WebDriver browser = Browser.chromium();
                try {
                    browser.get(Browser.link(login.out(), node.url()));
                    browser.findElement(By.linkText("Hosts and GPUs")).click(); // the nav
                    Browser.await(browser, b -> b.getCurrentUrl().equals(node.url() + "/ui/hosts"), "the Hosts and GPUs page");
                    assertEquals("Hosts and GPUs", browser.findElement(By.tagName("h1")).getText());
                    assertEquals("page", browser.findElement(By.linkText("Hosts and GPUs")).getAttribute("aria-current"));

                    // the Hosts page is live: its checks run again whole if the stream swapped the section they hold
                    Browser.reading(() -> {
                        // the host: this node, up, its pool, the level placed there
                        List<WebElement> hosts = browser.findElements(By.cssSelector("section.host"));
                        assertEquals(1, hosts.size(), "a single node is a cluster of one");
                        WebElement host = hosts.get(0);
                        assertTrue(host.findElement(By.tagName("h2")).getText().endsWith("(this node)"), host.getText());
                        assertEquals("up", text(host, "dl.place .state"));
                        assertEquals(pool.root(), text(host, ".pool"));
                        assertTrue(text(host, ".free").matches("[0-9.]+[BKMGTPE]"), text(host, ".free"));
                        assertEquals(LEVEL, text(host, ".levels"));

                        // each GPU: its free VRAM less what the job holds (8G on the A10, the smallest that fits), in words and a meter
                        List<WebElement> gpus = host.findElements(By.cssSelector("li.gpu"));
                        assertEquals(2, gpus.size());
                        assertEquals("GPU 0 (NVIDIA A10)", text(gpus.get(0), ".gpu-name"));
                        assertEquals("16G free of 24G, 8G used", text(gpus.get(0), ".vram"));
                        WebElement meter = gpus.get(0).findElement(By.tagName("meter"));
                        assertEquals(String.valueOf(8L << 30), meter.getAttribute("value"));
                        assertEquals(String.valueOf(24L << 30), meter.getAttribute("max"));
                        assertTrue(meter.getAttribute("aria-label").contains("16G free of 24G"), meter.getAttribute("aria-label"));
                        assertEquals("GPU 1 (NVIDIA L40)", text(gpus.get(1), ".gpu-name"));
                        assertEquals("48G free of 48G, none used", text(gpus.get(1), ".vram"));

                        // the job on its GPU, its last step, and its loss over the three checkpoints it posted
                        WebElement job = job(browser);
                        assertEquals("Running", text(job, ".state"));
                        assertEquals("GPU 0 (NVIDIA A10)", text(job, ".job-gpus"));
                        assertEquals("3", text(job, ".step"));
                        assertEquals(3, polylinePoints(browser));
                        assertEquals("loss over steps: 3 checkpoints, steps 1 to 3; last 0.3333 at step 3; min 0.3333, max 1", chartWords(browser));
                        assertEquals("1", text(job, "svg text.max"));
                        assertEquals("0.3333", text(job, "svg text.min"));
                    });
                    Browser.shot(browser, shots.resolve("hosts-three.png"));

                    // a fourth checkpoint while the page is open: on the page, without a reload
                    ((JavascriptExecutor) browser).executeScript("window.zedMarker = 'same page';");
                    Files.writeString(next, "go");
                    Browser.await(browser, b -> polylinePoints(b) == 4, "the fourth checkpoint in the chart");
                    assertEquals("loss over steps: 4 checkpoints, steps 1 to 4; last 0.25 at step 4; min 0.25, max 1", Browser.fresh(() -> chartWords(browser)));
                    assertEquals("4", Browser.fresh(() -> text(job(browser), ".step")));
                    assertEquals("same page", ((JavascriptExecutor) browser).executeScript("return window.zedMarker;"), "the page was not reloaded");
                    Browser.reading(() -> {
                        // the text alternative: each checkpoint's value in a table
                        List<WebElement> rows = job(browser).findElements(By.cssSelector("figure.chart tbody tr"));
                        assertEquals(4, rows.size());
                        List<WebElement> cells = rows.get(3).findElements(By.tagName("td"));
                        assertEquals(List.of("4", "0.25"), cells.stream().map(c -> c.getAttribute("textContent").strip()).toList());
                    });
                    Browser.shot(browser, shots.resolve("hosts.png"));
                    Browser.accessible(browser, "the Hosts and GPUs page");

                    browser.manage().window().setSize(new Dimension(390, 844));
                    Browser.shot(browser, shots.resolve("hosts-narrow.png"));
                } finally {
                    browser.quit();
                }
            } finally {
                // a node that ends leaves its jobs' processes to the next node's start: the level's removal stops them
                node.send("DELETE", AgentNode.level(LEVEL) + "?destroy=true", null);
            }
        }
    }

    static WebElement job(WebDriver b) {
        return b.findElement(By.cssSelector("article.job[data-level='" + LEVEL + "'][data-job='train']"));
    }

    static String text(WebElement in, String css) {
        return in.findElement(By.cssSelector(css)).getText().strip();
    }

    /** The loss chart's points, as the SVG in the page holds them. */
    static int polylinePoints(WebDriver b) {
        String points = job(b).findElement(By.cssSelector("figure.chart[data-metric='loss'] polyline")).getAttribute("points").strip();
        return points.isEmpty() ? 0 : points.split("\\s+").length;
    }

    static String chartWords(WebDriver b) {
        return job(b).findElement(By.cssSelector("figure.chart[data-metric='loss'] svg")).getAttribute("aria-label");
    }
}
