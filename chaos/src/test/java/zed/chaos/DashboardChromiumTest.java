package zed.chaos;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Cookie;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import zed.chaos.fault.AgentNode;
import zed.chaos.fault.ChaosPool;
import zed.chaos.fault.HostFacts;
import zed.chaos.fault.NodeCalls;

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
 * The dashboard in a real Chromium (Debian's chromium and chromedriver, headless; Selenium finds nothing itself and
 * downloads nothing) against a real node on a free loopback port and the zfs-fuse test pool: {@code zed ui login}'s
 * link logs in and leaves the address bar; the Fleet page shows the level, and changes live, without a reload, when
 * a {@code zfs set} behind Zed's back is corrected and when a new revision is pushed; a rollback from the page; the
 * used link refused; a POST without the session's CSRF token refused; a read-only session sees no rollback control
 * and the node refuses it one. Screenshots go to target/ui-screenshots/.
 */
class DashboardChromiumTest {
    static final String LEVEL = "shop";

    static String zedfile(int round) {
        return "level \"" + LEVEL + "\" {}\ndataset \"d\" {\n  properties = { \"com.acme:round\" = \"" + round + "\" }\n}\n";
    }

    @Test
    void loginLinkLiveFleetCsrfAndAReadOnlySession() throws Exception {
        ChaosNeeds.zfsPool();
        Browser.browserNeeded();
        Path tmp = Files.createTempDirectory("zed-dashboard");
        Path shots = Path.of("target/ui-screenshots");
        Files.createDirectories(shots);
        try (ChaosPool pool = ChaosPool.fresh("ui"); AgentNode node = new AgentNode(ZedProcess.bin(), tmp.resolve("home"), List.of("--pool", pool.root())).start()) {
            Path dir = Files.createDirectories(tmp.resolve("shop"));
            assertTrue(node.push(LEVEL, dir, zedfile(1)).ok());
            node.await(LEVEL, s -> s.path("state").asText().equals("Converged"), Duration.ofSeconds(60));
            Map<String, String> env = Map.of("ZED_HOME", node.home().toString());

            ZedProcess.Outcome login = ZedProcess.run(tmp, env, "ui", "login", "--node", node.url());
            assertEquals(0, login.exit(), login.toString());
            String link = Browser.link(login.out(), node.url());
            assertTrue(login.out().contains("█"), "the link as a QR code too:\n" + login.out());

            WebDriver browser = Browser.chromium();
            try {
                // the link: a session, and the key gone from the address bar
                browser.get(link);
                assertEquals(node.url() + "/ui", browser.getCurrentUrl());
                assertEquals("Fleet", browser.findElement(By.tagName("h1")).getText());
                // the live stream may replace the row between two reads (CI saw a stale element): read it whole, again until it holds
                Browser.await(browser, b -> field(b, "state").equals("Converged") && field(b, "revision").equals("1")
                        && field(b, "counts").equals("1 converged"), "shop converged at revision 1 with 1 converged resource");
                Cookie session = browser.manage().getCookieNamed("zed_session");
                assertTrue(session.isHttpOnly(), "HttpOnly");
                assertEquals("Strict", session.getSameSite());
                assertEquals("/ui", session.getPath());

                // live: a property set behind Zed's back is put back, and the page says so without a reload
                ((JavascriptExecutor) browser).executeScript("window.zedMarker = 'same page';");
                HostFacts.zfs("set", "com.acme:round=wrong", pool.root() + "/d");
                Browser.await(browser, b -> field(b, "last-event").contains("DriftCorrected") && field(b, "last-event").contains("dataset.d")
                        && field(b, "state").equals("Converged"), "the drift correction of dataset.d on the page, shop converged");

                // live: a new revision
                assertTrue(node.push(LEVEL, dir, zedfile(2)).ok());
                Browser.await(browser, b -> field(b, "revision").equals("2") && field(b, "stable").equals("2"), "revision 2, stable, on the page");
                assertEquals("same page", ((JavascriptExecutor) browser).executeScript("return window.zedMarker;"), "the page was not reloaded");
                Browser.shot(browser, shots.resolve("fleet.png"));
                Browser.accessible(browser, "the Fleet page");

                // a POST without the session's CSRF token: refused, nothing done
                HttpResponse<String> forged = Browser.post(node.url() + "/ui/levels/rollback", "zed_session=" + session.getValue(), "level=" + LEVEL + "&target=%40rev%3A1");
                assertEquals(403, forged.statusCode(), forged.body());
                assertTrue(forged.body().contains("CSRF"), forged.body());
                assertEquals(2, node.status(LEVEL).path("desiredRevision").asLong());

                // the rollback control of a deploy session works
                WebElement button = browser.findElement(By.id("rollback-" + LEVEL));
                assertEquals("Roll back shop to @rev:1", button.getText());
                button.click();
                Browser.await(browser, b -> b.findElement(By.id("answer")).getText().contains("started"), "the rollback's answer");
                JsonNode back = node.await(LEVEL, s -> s.path("state").asText().equals("Converged") && s.path("desiredRevision").asLong() == 1, Duration.ofSeconds(60));
                assertEquals(1, back.path("desiredRevision").asLong(), String.valueOf(back));
                Browser.await(browser, b -> field(b, "revision").equals("1"), "the rolled back revision on the page");

                // the used link: refused with a page that says so
                HttpResponse<String> again = Browser.HTTP.send(HttpRequest.newBuilder(URI.create(link)).GET().build(), HttpResponse.BodyHandlers.ofString());
                assertEquals(410, again.statusCode());
                browser.get(link);
                assertEquals("This login link was used already", browser.findElement(By.tagName("h1")).getText());

                // a read-only session: a read token's link
                ZedProcess.Outcome token = ZedProcess.run(tmp, env, "token", "create", "viewer", "--scope", "read");
                assertEquals(0, token.exit(), token.toString());
                String readToken = token.out().lines().filter(l -> l.startsWith("zed_")).findFirst().orElseThrow(() -> new AssertionError(token.toString()));
                ZedProcess.Outcome readLogin = ZedProcess.run(tmp, Map.of("ZED_HOME", node.home().toString(), "ZED_TOKEN", readToken),
                        "ui", "login", "--no-qr", "--node", node.url());
                assertEquals(0, readLogin.exit(), readLogin.toString());
                assertFalse(readLogin.out().contains("█"), "--no-qr");
                browser.get(Browser.link(readLogin.out(), node.url()));
                assertTrue(browser.findElement(By.className("who")).getText().contains("read-only"));
                assertEquals(List.of(), browser.findElements(By.cssSelector("form.rollback")), "no rollback control");
                Browser.shot(browser, shots.resolve("fleet-read-only.png"));
                String csrf = browser.findElement(By.cssSelector("header form input[name=csrf]")).getAttribute("value");
                String readCookie = "zed_session=" + browser.manage().getCookieNamed("zed_session").getValue();
                HttpResponse<String> refused = Browser.post(node.url() + "/ui/levels/rollback", readCookie, "csrf=" + csrf + "&level=" + LEVEL + "&target=%40latest");
                assertEquals(403, refused.statusCode(), refused.body());
                assertTrue(refused.body().contains("needs deploy"), refused.body());

                // narrow: the same page on a phone's width
                browser.manage().window().setSize(new Dimension(390, 844));
                Browser.shot(browser, shots.resolve("fleet-narrow.png"));

                // log out: the session ends
                browser.findElement(By.id("logout")).click();
                // the click returns before the POST, its redirect and the next page are done
                Browser.await(browser, b -> b.findElements(By.tagName("h1")).stream().anyMatch(h -> h.getText().equals("Log in to Zed")), "the login page after logging out");
                HttpResponse<String> after = Browser.HTTP.send(HttpRequest.newBuilder(URI.create(node.url() + "/ui")).header("Cookie", readCookie).GET().build(),
                        HttpResponse.BodyHandlers.ofString());
                assertEquals(401, after.statusCode());
            } finally {
                browser.quit();
            }
        }
    }

    static WebElement level(WebDriver b) {
        return b.findElement(By.cssSelector("li.level[data-level='" + LEVEL + "']"));
    }

    static String field(WebElement level, String cls) {
        return level.findElement(By.className(cls)).getText().strip();
    }

    /** A field of the level's row, read again if the live stream replaced the row meanwhile. */
    static String field(WebDriver b, String cls) {
        return Browser.fresh(() -> field(level(b), cls));
    }
}
