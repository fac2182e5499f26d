package zed.actors.cli;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/**
 * This build of Zed: the project's version and the git commit it was built from ({@code git describe --dirty}; empty
 * when the build had no git, as from a source tarball), as the build wrote them into {@code zed/build.properties}.
 */
public record Build(String version, String commit) {
    /** This build; the node's health answer names its version too. */
    public static Build current() {
        Properties p = new Properties();
        try (InputStream in = Build.class.getResourceAsStream("/zed/build.properties")) {
            if (in != null) p.load(in);
        } catch (IOException ignored) {
            // unreadable: said as unknown below
        }
        return new Build(p.getProperty("version", "unknown"), p.getProperty("commit", ""));
    }

    /** {@code zed 0.1.0 (commit 1cbe4f2abcde)}; without the commit when the build knew none. */
    String line() {
        return "zed " + version + (commit.isEmpty() ? "" : " (commit " + commit + ")");
    }
}
