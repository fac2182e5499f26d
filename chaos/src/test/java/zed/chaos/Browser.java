package zed.chaos;

import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.io.File;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** The dashboard tests' browser: Debian's Chromium through its own driver, and what every such test does with it. */
final class Browser {
    static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    static final Path DRIVER = Path.of("/usr/bin/chromedriver");
    /** How long a live page may take to show a change. */
    static final Duration LIVE = Duration.ofSeconds(30);
    static final HttpClient HTTP = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();

    private Browser() {
    }

    /** The link {@code zed ui login} printed, on this node. */
    static String link(String out, String url) {
        Matcher m = Pattern.compile("(" + Pattern.quote(url) + "/ui/login\\?key=[A-Za-z0-9_-]{43})").matcher(out);
        assertTrue(m.find(), "no link in:\n" + out);
        return m.group(1);
    }

    /** A login link to a read-only session: a {@code read} token made with {@code zed token create}, then {@code zed ui login} with it. */
    static String readOnlyLink(Path cwd, zed.chaos.fault.AgentNode node) throws Exception {
        ZedProcess.Outcome token = ZedProcess.run(cwd, java.util.Map.of("ZED_HOME", node.home().toString()), "token", "create", "viewer", "--scope", "read");
        org.junit.jupiter.api.Assertions.assertEquals(0, token.exit(), token.toString());
        String read = token.out().lines().filter(l -> l.startsWith("zed_")).findFirst().orElseThrow(() -> new AssertionError(token.toString()));
        ZedProcess.Outcome login = ZedProcess.run(cwd, java.util.Map.of("ZED_HOME", node.home().toString(), "ZED_TOKEN", read), "ui", "login", "--no-qr", "--node", node.url());
        org.junit.jupiter.api.Assertions.assertEquals(0, login.exit(), login.toString());
        return link(login.out(), node.url());
    }

    static void await(WebDriver browser, java.util.function.Function<WebDriver, Boolean> done, String what) {
        try {
            new WebDriverWait(browser, LIVE).ignoring(org.openqa.selenium.StaleElementReferenceException.class).until(done::apply);
        } catch (org.openqa.selenium.TimeoutException e) {
            throw new AssertionError("not within " + LIVE.toSeconds() + "s: " + what + "; the page at " + browser.getCurrentUrl() + ":\n" + browser.getPageSource(), e);
        }
    }

    /**
     * A read of a live page, tried again while the stream swaps an element out from under it (until {@link #LIVE}).
     * Only a stale element is tried again: a failed assertion inside fails at once.
     */
    static <T> T fresh(java.util.function.Supplier<T> read) {
        long end = System.nanoTime() + LIVE.toNanos();
        while (true) {
            try {
                return read.get();
            } catch (org.openqa.selenium.StaleElementReferenceException swapped) {
                if (System.nanoTime() > end) throw swapped;
            }
        }
    }

    /** Checks of a live page that hold elements between reads, run again whole if the stream swapped one of them. */
    static void reading(Runnable checks) {
        fresh(() -> {
            checks.run();
            return null;
        });
    }

    static HttpResponse<String> post(String url, String cookie, String form) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url)).header("Cookie", cookie).header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form)).build(), HttpResponse.BodyHandlers.ofString());
    }

    static void shot(WebDriver browser, Path to) throws Exception {
        File f = ((TakesScreenshot) browser).getScreenshotAs(OutputType.FILE);
        Files.copy(f.toPath(), to, StandardCopyOption.REPLACE_EXISTING);
    }

    /** Debian's chromium, headless, through its own chromedriver: the paths set, so Selenium Manager never runs. */
    static WebDriver chromium() {
        ChromeOptions o = new ChromeOptions();
        o.setBinary(CHROMIUM.toFile());
        // root in CI: Chromium's sandbox needs an unprivileged user
        o.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1100,900", "--disable-gpu");
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(DRIVER.toFile()).usingAnyFreePort().build();
        return new ChromeDriver(service, o);
    }

    /** Chromium and its driver: CI installs them (.ci/run), so there they must be here; elsewhere the test is skipped. */
    static void browserNeeded() {
        if (Files.isExecutable(CHROMIUM) && Files.isExecutable(DRIVER)) return;
        if ("1".equals(System.getenv("ZED_REQUIRE_CHROMIUM"))) throw new AssertionError("ZED_REQUIRE_CHROMIUM=1 but " + CHROMIUM + " or " + DRIVER + " is missing");
        org.junit.jupiter.api.Assumptions.abort("no chromium and chromedriver (apt-get install chromium chromium-driver)");
    }

    /**
     * The page's controls are usable without a mouse and without sight: every visible input, select and text area
     * has a label (a {@code <label for>}, an enclosing label, or aria-label/aria-labelledby), every link and button
     * says what it does in text, nothing but a link, button or form control acts on a click (htmx attributes on a
     * div would not take the keyboard), none is taken out of the tab order, and pressing Tab from the top of the page
     * reaches every one of them. A control is known by its tag and its id, name, address or text, so a live swap of
     * the same markup while Tab is pressed does not count as a new one.
     */
    static void accessible(WebDriver browser, String page) {
        JavascriptExecutor js = (JavascriptExecutor) browser;
        @SuppressWarnings("unchecked")
        java.util.List<String> problems = (java.util.List<String>) js.executeScript("""
                const out = [];
                const shown = e => e.offsetParent !== null || e.getClientRects().length > 0;
                const key = e => e.tagName + '|' + (e.id || e.name || e.getAttribute('href') || e.textContent.trim().slice(0, 60));
                for (const e of document.querySelectorAll('input:not([type=hidden]), select, textarea')) {
                  if (!shown(e)) continue;
                  const labelled = (e.id && document.querySelector('label[for="' + CSS.escape(e.id) + '"]')) || e.closest('label')
                    || e.getAttribute('aria-label') || e.getAttribute('aria-labelledby');
                  if (!labelled) out.push('no label: ' + key(e));
                }
                for (const e of document.querySelectorAll('a[href], button')) {
                  if (!shown(e)) continue;
                  if (!(e.textContent.trim() || e.getAttribute('aria-label'))) out.push('no text: ' + key(e));
                  if ((e.getAttribute('tabindex') || '').startsWith('-')) out.push('out of the tab order: ' + key(e));
                }
                const controls = ['A', 'BUTTON', 'FORM', 'INPUT', 'SELECT', 'TEXTAREA'];
                for (const e of document.querySelectorAll('[onclick], [hx-get], [hx-post], [hx-put], [hx-delete]')) {
                  // a request on a click of something that is no control: a mouse reaches it, a keyboard does not
                  const onClick = e.hasAttribute('onclick') || (e.getAttribute('hx-trigger') || 'click').includes('click');
                  if (!controls.includes(e.tagName) && onClick) out.push('acts on a click but takes no keyboard: ' + key(e));
                }
                return out;
                """);
        assertTrue(problems.isEmpty(), page + ": " + problems);
        // Tab from the top: every visible control is reached
        js.executeScript("document.activeElement && document.activeElement.blur(); window.scrollTo(0, 0);");
        @SuppressWarnings("unchecked")
        java.util.List<String> expected = (java.util.List<String>) js.executeScript("""
                const shown = e => e.offsetParent !== null || e.getClientRects().length > 0;
                const key = e => e.tagName + '|' + (e.id || e.name || e.getAttribute('href') || e.textContent.trim().slice(0, 60));
                return [...document.querySelectorAll('a[href], button, input:not([type=hidden]), select, textarea')]
                  .filter(e => shown(e) && !e.disabled).map(key);
                """);
        java.util.Set<String> reached = new java.util.HashSet<>();
        org.openqa.selenium.interactions.Actions keys = new org.openqa.selenium.interactions.Actions(browser);
        for (int i = 0; i < expected.size() * 2 + 5 && !reached.containsAll(expected); i++) {
            keys.sendKeys(org.openqa.selenium.Keys.TAB).perform();
            Object k = js.executeScript("const e = document.activeElement; return e && e !== document.body ? "
                    + "e.tagName + '|' + (e.id || e.name || e.getAttribute('href') || e.textContent.trim().slice(0, 60)) : null;");
            if (k != null) reached.add(k.toString());
        }
        java.util.List<String> missed = expected.stream().filter(k -> !reached.contains(k)).toList();
        assertTrue(missed.isEmpty(), page + ": Tab does not reach " + missed);
    }
}
