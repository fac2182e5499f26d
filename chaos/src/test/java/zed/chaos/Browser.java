package zed.chaos;

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
}
