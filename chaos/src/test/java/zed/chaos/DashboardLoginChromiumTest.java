package zed.chaos;

import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.virtualauthenticator.HasVirtualAuthenticator;
import org.openqa.selenium.virtualauthenticator.VirtualAuthenticator;
import org.openqa.selenium.virtualauthenticator.VirtualAuthenticatorOptions;
import zed.chaos.fault.AgentNode;
import zed.chaos.fault.ChaosPool;
import zed.reconciler.process.Subprocess;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The dashboard's logins in a real Chromium (Debian's, headless) against a real node at {@code http://localhost:PORT}
 * (WebAuthn refuses a bare IP address): a one-time link logs in; a passkey is registered on the Passkeys page with
 * Chromium's virtual authenticator (CTAP2, internal, resident key, user verified: a platform passkey, the only thing
 * faked here, as no hardware authenticator can run in CI); after logging out, the login page's "Log in with a passkey"
 * opens the Fleet page; then an SSH key made by ssh-keygen logs in through the page, with the command the page shows
 * run for real, and a signature for another namespace is refused with a page that says why. Screenshots go to
 * target/ui-screenshots/ (login.png, passkeys.png, docs/ui/).
 */
class DashboardLoginChromiumTest {
    @Test
    void linkThenPasskeyRegisteredAndUsedThenAnSshKeyThroughThePage() throws Exception {
        ChaosNeeds.zfsPool();
        Browser.browserNeeded();
        Path tmp = Files.createTempDirectory("zed-login");
        Path shots = Files.createDirectories(Path.of("target/ui-screenshots"));
        try (ChaosPool pool = ChaosPool.fresh("login"); AgentNode node = new AgentNode(ZedProcess.bin(), tmp.resolve("home"), List.of("--pool", pool.root())).start()) {
            String url = node.url().replace("127.0.0.1", "localhost");
            ZedProcess.Outcome login = ZedProcess.run(tmp, Map.of("ZED_HOME", node.home().toString()), "ui", "login", "--no-qr", "--node", url);
            assertEquals(0, login.exit(), login.toString());

            WebDriver browser = Browser.chromium();
            try {
                VirtualAuthenticator authenticator = ((HasVirtualAuthenticator) browser).addVirtualAuthenticator(new VirtualAuthenticatorOptions()
                        .setProtocol(VirtualAuthenticatorOptions.Protocol.CTAP2).setTransport(VirtualAuthenticatorOptions.Transport.INTERNAL)
                        .setHasResidentKey(true).setHasUserVerification(true).setIsUserVerified(true));

                // a first login with the link, then a passkey registered in that session
                browser.get(Browser.link(login.out(), url));
                assertEquals("Fleet", browser.findElement(By.tagName("h1")).getText());
                browser.findElement(By.linkText("Passkeys")).click();
                Browser.await(browser, b -> b.findElement(By.tagName("h1")).getText().equals("Passkeys"), "the Passkeys page");
                assertTrue(browser.findElements(By.id("no-passkeys")).size() == 1);
                browser.findElement(By.id("passkey-name")).sendKeys("laptop");
                browser.findElement(By.id("passkey-register-button")).click();
                Browser.await(browser, b -> !b.findElements(By.cssSelector("tr[data-passkey='laptop']")).isEmpty(), "the passkey in the list");
                assertEquals(1, authenticator.getCredentials().size(), "the authenticator holds it");
                assertEquals("admin", browser.findElement(By.cssSelector("tr[data-passkey='laptop'] .scope")).getText());
                assertEquals("never", browser.findElement(By.cssSelector("tr[data-passkey='laptop'] .last-used")).getText());
                assertEquals("Yes", browser.findElement(By.cssSelector("tr[data-passkey='laptop'] .standing")).getText(), "its token stands");
                Path stored = node.home().resolve("passkeys.json");
                assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(stored)));
                assertTrue(Files.readString(stored).contains("\"name\" : \"laptop\""), Files.readString(stored));
                Browser.shot(browser, shots.resolve("passkeys.png"));
                Browser.accessible(browser, "the Passkeys page");

                // logged out, then in with the passkey
                browser.findElement(By.id("logout")).click();
                Browser.await(browser, b -> b.findElements(By.tagName("h1")).stream().anyMatch(h -> h.getText().equals("Log in to Zed")), "logged out");
                browser.findElement(By.id("to-login")).click();
                Browser.await(browser, b -> !b.findElements(By.id("passkey-login")).isEmpty(), "the login page");
                Browser.shot(browser, shots.resolve("login.png"));
                Browser.accessible(browser, "the login page");
                browser.findElement(By.id("passkey-login")).click();
                Browser.await(browser, b -> b.getCurrentUrl().equals(url + "/ui") && b.findElement(By.tagName("h1")).getText().equals("Fleet"),
                        "the Fleet page after the passkey login");
                assertTrue(browser.findElement(By.className("who")).getText().contains("passkey laptop"), browser.findElement(By.className("who")).getText());
                browser.get(url + "/ui/passkeys");
                assertTrue(!browser.findElement(By.cssSelector("tr[data-passkey='laptop'] .last-used")).getText().equals("never"), "its last use is shown");

                // an SSH key: the command the page shows, run for real, and its signature pasted
                Path key = tmp.resolve("id_ed25519");
                run(List.of("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "ann@laptop", "-f", key.toString()));
                Path listed = node.home().resolve("authorized_keys");
                Files.writeString(listed, Files.readString(Path.of(key + ".pub")));
                Files.setPosixFilePermissions(listed, PosixFilePermissions.fromString("rw-------"));
                browser.findElement(By.id("logout")).click();
                Browser.await(browser, b -> !b.findElements(By.id("to-login")).isEmpty(), "logged out");
                browser.get(url + "/ui/login");
                browser.findElement(By.id("ssh-login")).click();
                Browser.await(browser, b -> !b.findElements(By.id("ssh-command")).isEmpty(), "the SSH login page");
                String command = browser.findElement(By.id("ssh-command")).getText();
                browser.findElement(By.id("signature")).sendKeys(run(List.of("bash", "-c", command.replace("~/.ssh/id_ed25519", key.toString()))));
                browser.findElement(By.id("ssh-submit")).click();
                Browser.await(browser, b -> b.findElement(By.tagName("h1")).getText().equals("Fleet"), "the Fleet page after the SSH login");
                assertTrue(browser.findElement(By.className("who")).getText().contains("ssh:ann@laptop"), browser.findElement(By.className("who")).getText());

                // a signature for another namespace: a page that says why
                browser.findElement(By.id("logout")).click();
                Browser.await(browser, b -> !b.findElements(By.id("to-login")).isEmpty(), "logged out");
                browser.get(url + "/ui/login");
                browser.findElement(By.id("ssh-login")).click();
                Browser.await(browser, b -> !b.findElements(By.id("ssh-nonce")).isEmpty(), "the SSH login page");
                String nonce = browser.findElement(By.id("ssh-nonce")).getText();
                browser.findElement(By.id("signature")).sendKeys(run(List.of("bash", "-c", "echo " + nonce + " | ssh-keygen -Y sign -n git -f " + key)));
                browser.findElement(By.id("ssh-submit")).click();
                Browser.await(browser, b -> b.findElement(By.tagName("h1")).getText().equals("SSH-key login refused"), "the refusal");
                assertTrue(browser.findElement(By.className("message")).getText().contains("namespace"), browser.getPageSource());
            } finally {
                browser.quit();
            }
        }
    }

    private static String run(List<String> argv) throws Exception {
        Subprocess.Result r = Subprocess.of(argv, Duration.ofSeconds(30)).run();
        assertEquals(0, r.exit(), String.join(" ", argv) + ": " + r.stderr());
        return r.stdout();
    }
}
