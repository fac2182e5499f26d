package zed.reconciler.process;

import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Real accounts for the tests of services that run as their user: made with groupadd(8) and useradd(8) when missing
 * (names start with {@code zedtest-}), so that a test run twice, or by CI after another, finds them as it left them.
 * Making accounts needs root; elsewhere the tests skip, except in CI ({@code ZED_REQUIRE_ZFS=1}), which runs as root
 * and must not pass by skipping.
 */
public final class Accounts {
    /** The service user of these tests, and a second group it belongs to besides its own. */
    public static final String USER = "zedtest-svc";
    public static final String EXTRA_GROUP = "zedtest-extra";
    /** Another user: a change of user is a change of spec. */
    public static final String OTHER = "zedtest-svc2";

    private Accounts() {
    }

    /** {@link #USER}, in its own group and {@link #EXTRA_GROUP}, as this host's database has it. */
    public static synchronized RunAs user() {
        return ensure(USER, EXTRA_GROUP);
    }

    /** The unprivileged agent of the privilege boundary's tests (zed agent --ops-socket as its own user). */
    public static final String AGENT = "zedtest-agent";

    public static synchronized RunAs agent() {
        return ensure(AGENT);
    }

    public static synchronized RunAs other() {
        return ensure(OTHER);
    }

    private static RunAs ensure(String user, String... groups) {
        requireRoot();
        for (String g : groups) if (!exists("group", g)) run("groupadd", "--system", g);
        if (!exists("passwd", user)) run("useradd", "--system", "--user-group", "--no-create-home", "--home-dir", "/nonexistent", "--shell", "/usr/sbin/nologin", user);
        if (groups.length > 0) run("usermod", "--append", "--groups", String.join(",", groups), user);
        return HostUsers.lookup("test", user, null);
    }

    static void requireRoot() {
        boolean root;
        try {
            root = Integer.valueOf(0).equals(Files.getAttribute(Path.of("/proc/self"), "unix:uid"));
        } catch (IOException | UnsupportedOperationException e) {
            root = false;
        }
        if (root) return;
        if ("1".equals(System.getenv("ZED_REQUIRE_ZFS"))) throw new AssertionError("the service user tests make accounts and run as root; CI must run them as root");
        Assumptions.assumeTrue(false, "making accounts needs root");
    }

    private static boolean exists(String database, String name) {
        return run(false, "getent", database, name) == 0;
    }

    private static void run(String... argv) {
        if (run(true, argv) != 0) throw new AssertionError(String.join(" ", argv) + " failed");
    }

    private static int run(boolean show, String... argv) {
        try {
            Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes());
            if (!p.waitFor(60, TimeUnit.SECONDS)) throw new AssertionError(String.join(" ", argv) + " did not finish");
            if (show && p.exitValue() != 0) System.err.println(String.join(" ", argv) + ": " + out);
            return p.exitValue();
        } catch (IOException e) {
            throw new AssertionError(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** The Uid, Gid and Groups lines of /proc/PID/status, as the kernel says them: the ids the process runs under. */
    public static Map<String, List<Long>> ids(long pid) {
        try {
            Map<String, List<Long>> m = new LinkedHashMap<>();
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
                int colon = line.indexOf(':');
                String key = line.substring(0, colon);
                if (!List.of("Uid", "Gid", "Groups").contains(key)) continue;
                List<Long> ids = new ArrayList<>();
                for (String f : line.substring(colon + 1).trim().split("\\s+")) if (!f.isEmpty()) ids.add(Long.parseLong(f));
                m.put(key, ids);
            }
            return m;
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
