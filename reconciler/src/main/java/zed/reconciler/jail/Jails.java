package zed.reconciler.jail;

import zed.reconciler.store.Command;

import java.nio.file.Path;
import java.util.Locale;

/** Picks the jail driver for a host, and says when a jail has drifted. */
public final class Jails {
    private Jails() {
    }

    /** Bastille's part of the node's configuration: set where Bastille, not Zed, manages the host's jails. */
    public record Bastille(String release, String vnetInterface) {
    }

    /**
     * @param stateDir       where drivers keep their own records (bwrap's arguments, Bastille's requests)
     * @param freeBsdConfDir where jail(8) configurations go: /etc/jail.conf.d on a host
     * @param bastille       null unless Bastille manages the host's jails
     */
    public record Settings(Path stateDir, Path freeBsdConfDir, Bastille bastille) {
        public static Settings of(Path stateDir) {
            return new Settings(stateDir, Path.of("/etc/jail.conf.d"), null);
        }
    }

    public static JailDriver forThisHost(Command command, Settings settings) {
        return forOs(System.getProperty("os.name"), command, settings);
    }

    /** Linux: {@link BwrapJail}; FreeBSD: {@link BastilleJail} when configured, else {@link FreeBsdJail}. */
    public static JailDriver forOs(String osName, Command command, Settings settings) {
        String os = osName == null ? "" : osName.toLowerCase(Locale.ROOT);
        if (os.equals("linux")) return new BwrapJail(command, settings.stateDir());
        if (os.equals("freebsd")) {
            if (settings.bastille() != null) {
                return new BastilleJail(command, settings.stateDir(), settings.bastille().release(), settings.bastille().vnetInterface());
            }
            return new FreeBsdJail(command, settings.freeBsdConfDir());
        }
        throw new UnsupportedOperationException("jails need Linux (bubblewrap) or FreeBSD; this host runs " + osName);
    }

    /**
     * Whether the jail, and every service in it, must be (re)started: it is not running, or it runs with another
     * configuration than the one wanted. Then: ensure the jail, and restart its services.
     */
    public static boolean drift(JailState observed, String desiredConfHash) {
        return observed == null || !observed.running() || !desiredConfHash.equals(observed.confHash());
    }
}
