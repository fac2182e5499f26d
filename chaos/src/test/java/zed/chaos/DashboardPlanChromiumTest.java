package zed.chaos;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import zed.chaos.fault.AgentNode;
import zed.chaos.fault.ChaosPool;
import zed.chaos.fault.HostFacts;

import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The dashboard's Plan and Rollback pages in a real Chromium against a real node on the zfs-fuse test pool: a pasted
 * Zedfile's error shown at its line; the fixed Zedfile's plan (a property old → new, a dataset created) applied, and
 * the level converging on the page; an uploaded Zedfile's plan made stale by a push through the API between plan and
 * apply, and the apply refused with the reason; a rollback picked, reviewed and confirmed, the ZFS property back; a
 * read-only session that may plan but sees no Apply, and whose forged apply and rollback the node refuses (403).
 * Screenshots go to target/ui-screenshots/.
 */
class DashboardPlanChromiumTest {
    static final String LEVEL = "shop";

    /** Revision {@code round}'s Zedfile; {@code more} after it. */
    static String zedfile(int round, String more) {
        return "level \"" + LEVEL + "\" {}\ndataset \"d\" {\n  properties = { \"com.acme:round\" = \"" + round + "\" }\n}\n" + more;
    }

    static final String CACHE = "dataset \"e\" {}\n";

    @Test
    void planErrorsAtTheirLinesApplyByHashStaleRefusedRollbackAndReadOnly() throws Exception {
        ChaosNeeds.zfsPool();
        Browser.browserNeeded();
        Path tmp = Files.createTempDirectory("zed-dashboard-plan");
        Path shots = Path.of("target/ui-screenshots");
        Files.createDirectories(shots);
        try (ChaosPool pool = ChaosPool.fresh("uiplan"); AgentNode node = new AgentNode(ZedProcess.bin(), tmp.resolve("home"), List.of("--pool", pool.root())).start()) {
            Path dir = Files.createDirectories(tmp.resolve("shop"));
            assertTrue(node.push(LEVEL, dir, zedfile(1, "")).ok());
            node.await(LEVEL, s -> s.path("state").asText().equals("Converged"), Duration.ofSeconds(60));
            Map<String, String> env = Map.of("ZED_HOME", node.home().toString());
            ZedProcess.Outcome login = ZedProcess.run(tmp, env, "ui", "login", "--no-qr", "--node", node.url());
            assertEquals(0, login.exit(), login.toString());

            WebDriver browser = Browser.chromium();
            try {
                browser.get(Browser.link(login.out(), node.url()));
                // the Fleet page's live list may be swapped in under the click: click again until the Plan page opens
                Browser.await(browser, b -> {
                    if (!b.getCurrentUrl().endsWith("/ui/levels/shop/plan")) b.findElement(By.id("plan-" + LEVEL)).click();
                    return b.getCurrentUrl().endsWith("/ui/levels/shop/plan");
                }, "the Plan page from the Fleet page's link");
                assertEquals(zedfile(1, ""), browser.findElement(By.id("source")).getAttribute("value"), "the level's own Zedfile to edit");

                // a Zedfile with an error: the error under its line, and linked from the summary
                plan(browser, zedfile(2, "dataset \"e\" {\n  mountpoint = 42\n}\n"));
                WebElement line = browser.findElement(By.id("line-6"));
                assertTrue(line.getAttribute("class").contains("has-error"), line.getAttribute("outerHTML"));
                String error = line.findElement(By.className("error")).getText();
                assertTrue(error.startsWith("Error at line 6") && error.contains("mountpoint"), error);
                WebElement summary = browser.findElement(By.cssSelector(".error-summary a"));
                assertEquals("#" + line.findElement(By.className("error")).getAttribute("id"), summary.getAttribute("hash"));
                assertEquals(List.of(), browser.findElements(By.id("apply")), "nothing to apply");
                Browser.shot(browser, shots.resolve("plan-errors.png"));
                Browser.accessible(browser, "the Plan page with errors");

                // fixed: the plan, a property old → new and a dataset created, and the source diff beside it
                plan(browser, zedfile(2, CACHE));
                WebElement round = browser.findElement(By.cssSelector("li.change[data-resource='dataset d'] tr[data-property='properties.com.acme:round']"));
                assertEquals("1", round.findElement(By.className("before")).getText());
                assertEquals("→ 2", round.findElement(By.className("after")).getText());
                assertEquals("created", browser.findElement(By.cssSelector("li.change[data-resource='dataset e'] .action")).getText());
                assertEquals("1 created, 1 changed, 0 removed, 1 unchanged", browser.findElement(By.id("plan-counts")).getText());
                assertTrue(browser.findElement(By.cssSelector("table.diff tr.row-changed .new")).getText().contains("\"com.acme:round\" = \"2\""));
                Browser.shot(browser, shots.resolve("plan.png"));
                Browser.accessible(browser, "the Plan page with a plan");
                // on a phone's width the source diff is unified lines, not two columns
                browser.manage().window().setSize(new Dimension(390, 844));
                assertTrue(browser.findElement(By.cssSelector("ol.diff.unified")).isDisplayed());
                assertFalse(browser.findElement(By.cssSelector(".side-by-side")).isDisplayed());
                assertTrue(browser.findElement(By.cssSelector("ol.diff.unified li.line-added")).getText().contains("\"com.acme:round\" = \"2\""));
                Browser.shot(browser, shots.resolve("plan-narrow.png"));
                browser.manage().window().setSize(new Dimension(1100, 900));

                // apply: the level converges on the new revision, and the page shows it live
                browser.findElement(By.id("apply")).click();
                Browser.await(browser, b -> text(b, "notice").contains("revision 2 of shop accepted"), "the apply's answer");
                Browser.await(browser, b -> now(b, "revision").equals("2") && now(b, "state").equals("Converged"), "revision 2 converged on the page");
                assertEquals("2", HostFacts.zfs("get", "-H", "-o", "value", "com.acme:round", pool.root() + "/d").strip());
                assertEquals(pool.root() + "/e", HostFacts.zfs("list", "-H", "-o", "name", pool.root() + "/e").strip());

                // an uploaded Zedfile's plan, made stale by a push through the API before Apply: refused, with why
                browser.get(node.url() + "/ui/levels/shop/plan");
                Path upload = Files.writeString(tmp.resolve("Zedfile.next"), zedfile(3, CACHE));
                browser.findElement(By.id("file")).sendKeys(upload.toString());
                browser.findElement(By.id("upload")).click();
                Browser.await(browser, b -> !b.findElements(By.id("apply")).isEmpty(), "the uploaded Zedfile's plan");
                assertEquals("→ 3", browser.findElement(By.cssSelector("tr[data-property='properties.com.acme:round'] .after")).getText());
                assertTrue(node.push(LEVEL, dir, zedfile(4, CACHE)).ok());
                browser.findElement(By.id("apply")).click();
                Browser.await(browser, b -> !b.findElements(By.id("notice")).isEmpty(), "the apply's refusal");
                assertTrue(text(browser, "notice").contains("the plan changed since it was shown"), text(browser, "notice"));
                assertEquals(zedfile(3, CACHE), browser.findElement(By.id("source")).getAttribute("value"), "the Zedfile, to plan again");
                JsonNode held = node.await(LEVEL, s -> s.path("state").asText().equals("Converged"), Duration.ofSeconds(60));
                assertEquals(3, held.path("desiredRevision").asLong(), "the API's push, not the stale plan");
                assertEquals("4", HostFacts.zfs("get", "-H", "-o", "value", "com.acme:round", pool.root() + "/d").strip());

                // roll back: pick revision 2, see what changes, confirm; the level is back
                browser.get(node.url() + "/ui/levels/shop/rollback");
                // the snapshots every dataset holds are offered by name too, each with the revision it holds
                List<String> offered = browser.findElements(By.cssSelector("ul.snapshots li")).stream().map(WebElement::getText).toList();
                assertTrue(offered.stream().anyMatch(t -> t.contains(": revision 2, taken ")), "snapshots offered: " + offered);
                browser.findElement(By.id("pick-2")).click();
                Browser.await(browser, b -> !b.findElements(By.id("confirm")).isEmpty(), "the rollback's plan");
                WebElement back = browser.findElement(By.cssSelector("tr[data-property='properties.com.acme:round']"));
                assertEquals("4", back.findElement(By.className("before")).getText());
                assertEquals("→ 2", back.findElement(By.className("after")).getText());
                Browser.shot(browser, shots.resolve("rollback.png"));
                Browser.accessible(browser, "the Rollback page");
                browser.findElement(By.id("confirm")).click();
                Browser.await(browser, b -> text(b, "notice").contains("started"), "the rollback's answer");
                Browser.await(browser, b -> now(b, "revision").equals("2") && now(b, "state").equals("Converged"), "revision 2 again on the page");
                assertEquals("2", HostFacts.zfs("get", "-H", "-o", "value", "com.acme:round", pool.root() + "/d").strip());

                // a read-only session: it may plan, sees no Apply nor Confirm, and its forged POSTs are refused
                browser.manage().deleteAllCookies();
                browser.get(Browser.readOnlyLink(tmp, node));
                browser.get(node.url() + "/ui/levels/shop/plan");
                plan(browser, zedfile(5, CACHE));
                String hash = browser.findElement(By.cssSelector("#plan .hash code")).getText();
                assertTrue(hash.startsWith("sha256:"), hash);
                assertEquals(List.of(), browser.findElements(By.id("apply")), "no Apply for a read-only session");
                assertTrue(browser.findElement(By.className("read-only")).getText().contains("read-only"));
                String csrf = browser.findElement(By.cssSelector("header form input[name=csrf]")).getAttribute("value");
                String cookie = "zed_session=" + browser.manage().getCookieNamed("zed_session").getValue();
                HttpResponse<String> apply = Browser.post(node.url() + "/ui/levels/shop/plan", cookie,
                        "csrf=" + csrf + "&planHash=" + enc(hash) + "&source=" + enc(zedfile(5, CACHE)));
                assertEquals(403, apply.statusCode(), apply.body());
                assertTrue(apply.body().contains("needs deploy"), apply.body());
                browser.get(node.url() + "/ui/levels/shop/rollback?target=%40rev%3A2");
                Browser.await(browser, b -> !b.findElements(By.cssSelector("#plan .hash code")).isEmpty(), "the read-only session's rollback plan");
                assertEquals(List.of(), browser.findElements(By.id("confirm")), "no Confirm for a read-only session");
                String rollbackHash = browser.findElement(By.cssSelector("#plan .hash code")).getText();
                HttpResponse<String> rollback = Browser.post(node.url() + "/ui/levels/shop/rollback", cookie,
                        "csrf=" + csrf + "&target=" + enc("@rev:2") + "&planHash=" + enc(rollbackHash));
                assertEquals(403, rollback.statusCode(), rollback.body());
                assertTrue(rollback.body().contains("needs deploy"), rollback.body());
                JsonNode after = node.status(LEVEL);
                assertEquals(2, after.path("desiredRevision").asLong(), "nothing applied: " + after);
                assertEquals(3, after.path("revision").asLong(), "nothing pushed: " + after);
            } finally {
                browser.quit();
            }
        }
    }

    /** Pastes {@code source} into the Plan page's text area and plans it. */
    static void plan(WebDriver browser, String source) {
        WebElement area = browser.findElement(By.id("source"));
        WebElement page = browser.findElement(By.tagName("html"));
        area.clear();
        area.sendKeys(source);
        browser.findElement(By.id("plan-it")).click();
        Browser.await(browser, b -> gone(page) && (!b.findElements(By.id("errors")).isEmpty() || !b.findElements(By.id("plan")).isEmpty()), "the plan, or its errors");
    }

    /** Whether the page an element was on has been left (a form's answer came). */
    static boolean gone(WebElement e) {
        try {
            e.isEnabled();
            return false;
        } catch (org.openqa.selenium.StaleElementReferenceException left) {
            return true;
        }
    }

    static String text(WebDriver b, String id) {
        List<WebElement> e = b.findElements(By.id(id));
        return e.isEmpty() ? "" : e.get(0).getText();
    }

    /** A field of the level's live state on the page after an apply or a rollback ("" before it came). */
    static String now(WebDriver b, String cls) {
        List<WebElement> e = b.findElements(By.cssSelector("#level-now ." + cls));
        return e.isEmpty() ? "" : e.get(0).getText().strip();
    }

    static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
