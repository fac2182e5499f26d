package zed.chaos;

import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.Select;
import zed.chaos.fault.AgentNode;
import zed.chaos.fault.ChaosPool;
import zed.chaos.fault.HostFacts;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The dashboard's Level and Events pages in a real Chromium (as {@link DashboardChromiumTest}) against a real node on
 * the zfs-fuse test pool, with a dataset and a service that prints its URL: the Level page, opened from the Fleet
 * page's link, shows the resources, the URL as a link, the snapshots and the last events; a {@code zfs set} behind
 * Zed's back shows on it live, without a reload (the correction as a new event; a dataset taken over by another
 * level as its row's state, and back); the Events page filtered to the level and DriftCorrected shows those events
 * and no others, live; an unknown level is a 404 page. Screenshots go to target/ui-screenshots/.
 */
class DashboardLevelChromiumTest {
    static final String LEVEL = "shop";

    static String zedfile(int round) {
        return """
                level "shop" {}
                update {
                  min_healthy_time = "500ms"
                }
                dataset "d" {
                  properties = { "com.acme:round" = "%d" }
                }
                service "exec" "web" {
                  vars    = { port = net::pickport() }
                  runtime { cmd = ["/bin/sh", "-c", "exec sleep 600"] }
                  print   = "shop at http://127.0.0.1:${self.vars.port}/ (round %d)"
                }
                """.formatted(round, round);
    }

    @Test
    void aLevelsResourcesSnapshotsAndEventsLiveAndTheEventsFiltered() throws Exception {
        ChaosNeeds.zfsPool();
        Browser.browserNeeded();
        Path tmp = Files.createTempDirectory("zed-dashboard-level");
        Path shots = Path.of("target/ui-screenshots");
        Files.createDirectories(shots);
        try (ChaosPool pool = ChaosPool.fresh("uilevel"); AgentNode node = new AgentNode(ZedProcess.bin(), tmp.resolve("home"), List.of("--pool", pool.root())).start()) {
            Path dir = Files.createDirectories(tmp.resolve(LEVEL));
            assertTrue(node.push(LEVEL, dir, zedfile(1)).ok());
            node.await(LEVEL, s -> s.path("state").asText().equals("Converged"), Duration.ofSeconds(60));
            // a second revision: the snapshot Zed takes before it
            assertTrue(node.push(LEVEL, dir, zedfile(2)).ok());
            node.await(LEVEL, s -> s.path("state").asText().equals("Converged") && s.path("desiredRevision").asLong() == 2, Duration.ofSeconds(60));
            String dataset = pool.root() + "/d";

            ZedProcess.Outcome login = ZedProcess.run(tmp, Map.of("ZED_HOME", node.home().toString()), "ui", "login", "--no-qr", "--node", node.url());
            assertEquals(0, login.exit(), login.toString());
            WebDriver browser = Browser.chromium();
            try {
                browser.get(Browser.link(login.out(), node.url()));
                // from the Fleet page's link
                // the Fleet page's list is swapped in live: a click on the link it just replaced is tried again
                Browser.await(browser, b -> {
                    b.findElement(By.cssSelector("li.level[data-level='" + LEVEL + "'] h2 a")).click();
                    return true;
                }, "a click on the level's link");
                Browser.await(browser, b -> b.getCurrentUrl().equals(node.url() + "/ui/levels/" + LEVEL), "the Level page");
                assertEquals("Level shop", browser.findElement(By.tagName("h1")).getText());
                assertEquals("Level shop", browser.findElement(By.cssSelector("nav a[aria-current=page]")).getText());
                assertEquals("Converged", text(browser, "#level-parts dl.place .state"));
                assertEquals("2", text(browser, "#level-parts dl.place .revision"));
                assertEquals("2", text(browser, "#level-parts dl.place .stable"));

                // the resources: state, pid, ports, the print line's URL as a link (read in one go: the stream may swap the parts in meanwhile)
                String web = "tr[data-resource='service.exec.web'] ";
                assertEquals("converged", text(browser, "tr[data-resource='dataset.d'] .state"));
                assertEquals(String.valueOf(AgentNode.servicePid(node.status(LEVEL))), text(browser, web + ".pid"));
                String port = text(browser, web + ".ports").replaceFirst("^port ", "");
                assertTrue(port.matches("\\d+"), text(browser, web));
                assertEquals("http://127.0.0.1:" + port + "/", ((JavascriptExecutor) browser).executeScript("return document.querySelector(arguments[0]).href;", web + ".print a"));
                assertEquals("shop at http://127.0.0.1:" + port + "/ (round 2)", text(browser, web + ".print"));

                // the snapshot taken before revision 2, which holds revision 1
                String snap = "table.snapshots tr.snapshot ";
                assertEquals("d", text(browser, snap + ".dataset"));
                assertTrue(text(browser, snap + ".name").startsWith("zed-deploy-2-"), text(browser, snap));
                assertEquals("1", text(browser, snap + ".revision"));
                assertTrue(text(browser, snap + ".taken").matches("\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\dZ"), text(browser, snap));
                // the last events, newest on top
                List<String> kinds = kinds(browser, "#level-events li");
                assertEquals("Converged", kinds.get(0), kinds.toString());
                assertTrue(kinds.contains("SpecAccepted"), kinds.toString());

                // live: a property set behind Zed's back is put back, and the correction appears without a reload
                ((JavascriptExecutor) browser).executeScript("window.zedMarker = 'same page';");
                HostFacts.zfs("set", "com.acme:round=wrong", dataset);
                Browser.await(browser, b -> kinds(b, "#level-events li").get(0).equals("DriftCorrected"),
                        "the drift correction on top of the level's events");
                assertTrue(text(browser, "#level-events li").contains("dataset.d"), text(browser, "#level-events li"));

                // live: the dataset taken over by another level is refused, and its row says so; given back, converged again
                String owner = HostFacts.zfs("get", "-H", "-o", "value", "com.zed:level", dataset).strip();
                HostFacts.zfs("set", "com.zed:level=other", dataset);
                Browser.await(browser, b -> text(b, "tr[data-resource='dataset.d'] .state").startsWith("failed"), "the dataset's row failed");
                assertTrue(text(browser, "tr[data-resource='dataset.d'] .state").contains("managed by level other"), text(browser, "tr[data-resource='dataset.d'] .state"));
                Browser.shot(browser, shots.resolve("level-failed.png"));
                HostFacts.zfs("set", "com.zed:level=" + owner, dataset);
                Browser.await(browser, b -> text(b, "tr[data-resource='dataset.d'] .state").equals("converged"), "the dataset's row converged again");
                assertEquals("same page", ((JavascriptExecutor) browser).executeScript("return window.zedMarker;"), "the page was not reloaded");
                Browser.shot(browser, shots.resolve("level.png"));
                Browser.accessible(browser, "the Level page");

                // the Events page, filtered with its form: a link, the level's DriftCorrected events and no others
                browser.findElement(By.linkText("Events")).click();
                Browser.await(browser, b -> b.findElement(By.tagName("h1")).getText().equals("Events"), "the Events page");
                List<String> all = kinds(browser, "#events li");
                assertTrue(all.contains("Converged") && all.contains("DriftCorrected"), all.toString());
                new Select(browser.findElement(By.id("filter-level"))).selectByValue(LEVEL);
                new Select(browser.findElement(By.id("filter-kind"))).selectByValue("DriftCorrected");
                browser.findElement(By.id("filter-show")).click();
                Browser.await(browser, b -> b.getCurrentUrl().equals(node.url() + "/ui/events?level=shop&kind=DriftCorrected"), "the filter as a link");
                List<WebElement> shown = browser.findElements(By.cssSelector("#events li"));
                assertFalse(shown.isEmpty());
                for (WebElement e : shown) {
                    assertEquals("DriftCorrected", e.getAttribute("data-kind"), e.getText());
                    assertEquals(LEVEL, e.getAttribute("data-level"), e.getText());
                    assertTrue(e.getText().matches("\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d shop DriftCorrected .*dataset\\.d.*"), e.getText());
                }
                // live: a new correction comes on top; the push's events do not (another kind)
                int before = shown.size();
                ((JavascriptExecutor) browser).executeScript("window.zedMarker = 'events page';");
                HostFacts.zfs("set", "com.acme:round=wrong again", dataset);
                Browser.await(browser, b -> b.findElements(By.cssSelector("#events li")).size() == before + 1, "a new DriftCorrected on the Events page");
                assertTrue(node.push(LEVEL, dir, zedfile(3)).ok());
                node.await(LEVEL, s -> s.path("state").asText().equals("Converged") && s.path("desiredRevision").asLong() == 3, Duration.ofSeconds(60));
                for (WebElement e : browser.findElements(By.cssSelector("#events li"))) assertEquals("DriftCorrected", e.getAttribute("data-kind"), e.getText());
                assertEquals("events page", ((JavascriptExecutor) browser).executeScript("return window.zedMarker;"), "the page was not reloaded");
                assertEquals("Events", browser.findElement(By.cssSelector("nav a[aria-current=page]")).getText());
                Browser.shot(browser, shots.resolve("events.png"));
                Browser.accessible(browser, "the Events page");

                // an unknown level: a 404 page
                String cookie = "zed_session=" + browser.manage().getCookieNamed("zed_session").getValue();
                HttpResponse<String> none = Browser.HTTP.send(HttpRequest.newBuilder(URI.create(node.url() + "/ui/levels/nosuch")).header("Cookie", cookie).GET().build(),
                        HttpResponse.BodyHandlers.ofString());
                assertEquals(404, none.statusCode(), none.body());
                browser.get(node.url() + "/ui/levels/nosuch");
                assertEquals("No level nosuch", browser.findElement(By.tagName("h1")).getText());
                HttpResponse<String> bad = Browser.HTTP.send(HttpRequest.newBuilder(URI.create(node.url() + "/ui/events?kind=NoSuchKind")).header("Cookie", cookie).GET().build(),
                        HttpResponse.BodyHandlers.ofString());
                assertEquals(400, bad.statusCode(), bad.body());
            } finally {
                browser.quit();
            }
        }
    }

    /** The first match's text, read in the page in one go: a live part swapped in meanwhile cannot go stale under it. */
    static String text(WebDriver b, String css) {
        Object t = ((JavascriptExecutor) b).executeScript("const e = document.querySelector(arguments[0]); return e === null ? null : e.innerText.trim();", css);
        if (t == null) throw new org.openqa.selenium.NoSuchElementException(css);
        return t.toString();
    }

    /** The data-kind of each match, in order, read in one go. */
    @SuppressWarnings("unchecked")
    static List<String> kinds(WebDriver b, String css) {
        return (List<String>) ((JavascriptExecutor) b).executeScript("return Array.from(document.querySelectorAll(arguments[0])).map(e => e.dataset.kind);", css);
    }
}
