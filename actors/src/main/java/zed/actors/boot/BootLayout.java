package zed.actors.boot;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * What a Linux host needs to run Zed at boot under systemd (docs/install.md): the users, Zed's directories with their
 * modes, the default {@code agent.conf}, and the units. The files' texts are those the distribution ships
 * ({@code zed/dist/} in the jar; the build copies the same into the tarball's {@code share/zed/}).
 */
public final class BootLayout {
    private BootLayout() {
    }

    /** The agent's user; its group is the one that may reach zed ops's socket. */
    public static final String AGENT_USER = "zed";
    /** The user a service runs as when its Zedfile names none. */
    public static final String SERVICE_USER = "zed-svc";
    public static final String UNITS = "/etc/systemd/system";
    /** The secrets' host key (zed-ops.service's ZED_SECRETS_KEY): root's, in a directory only root writes. */
    public static final String SECRETS_KEY = "/etc/zed/secrets.key";

    /** @param launcher the {@code bin/zed} the units run, as the host will see it */
    public static List<Wanted> linux(String launcher) {
        if (!launcher.startsWith("/") || launcher.chars().anyMatch(c -> Character.isWhitespace(c) || c == '%' || c == '"' || c == '\\')) {
            throw new IllegalArgumentException("the launcher the units run must be an absolute path without spaces, quotes, backslashes or %: " + launcher);
        }
        return List.of(
                new Wanted.Account(AGENT_USER, "Zed agent", "/var/lib/zed"),
                new Wanted.Account(SERVICE_USER, "Zed services", "/nonexistent"),
                new Wanted.Directory("/etc/zed", 0750, "root", AGENT_USER),
                new Wanted.Directory("/var/lib/zed", 0750, AGENT_USER, AGENT_USER),
                new Wanted.Directory("/var/log/zed", 0750, AGENT_USER, AGENT_USER),
                // made now for a host that runs without a reboot; zed.conf in tmpfiles.d makes it at every boot
                new Wanted.Directory("/run/zed", 0750, "root", AGENT_USER),
                new Wanted.Content("/etc/zed/agent.conf", 0600, AGENT_USER, AGENT_USER, shipped("agent.conf"), true),
                // zed ops's flags, read by systemd for it (root); the operator adds the managed roots
                new Wanted.Content("/etc/zed/ops.env", 0600, "root", "root", shipped("ops.env"), true),
                new Wanted.Content("/etc/tmpfiles.d/zed.conf", 0644, "root", "root", shipped("zed.tmpfiles"), false),
                new Wanted.Content(UNITS + "/zed-ops.service", 0644, "root", "root", unit("zed-ops.service", launcher), false),
                new Wanted.Content(UNITS + "/zed-agent.service", 0644, "root", "root", unit("zed-agent.service", launcher), false),
                // a host whose agent ran as root: the key goes where the agent (which owns ZED_HOME now) cannot replace
                // it, and what that agent left in ZED_HOME becomes the agent's
                new Wanted.Moved("/var/lib/zed/secrets.key", SECRETS_KEY, 0400, "root", "root", "the host key is root's, where the agent cannot replace it"),
                new Wanted.OwnedTree("/var/lib/zed", AGENT_USER, AGENT_USER, "/var/lib/zed/secrets.key"));
    }

    static String unit(String name, String launcher) {
        return shipped(name).replace("@ZED@", launcher);
    }

    /** A file of the distribution, as the jar holds it. */
    public static String shipped(String name) {
        try (InputStream in = BootLayout.class.getResourceAsStream("/zed/dist/" + name)) {
            if (in == null) throw new IllegalStateException("zed/dist/" + name + " is missing from the jar");
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
