package zed.actors.cluster;

import java.util.List;
import java.util.Locale;

/**
 * How a node takes part in the cluster.
 *
 * @param host  the host's name in the cluster: what {@code level { host = ... }} names and {@code zed hosts} shows
 * @param bind  Artery's canonical host name or address, the one other nodes reach this one at
 * @param port  Artery's canonical port; 0 takes a free one (a node alone, or one that only joins)
 * @param seeds the nodes to join, {@code HOST:PORT}; none (and no bootstrap): the node forms a cluster of its own
 * @param bootstrap how the node forms through Cluster Bootstrap (cluster.conf's hosts), null when it does not: with seeds, or alone
 * @param hostsListed how many hosts {@code cluster.conf} lists, the same on every host: the cluster's size, as far as
 *                    the split-brain resolver's timing goes ({@link Downing}); 0 without one (seeds by flag, a node alone)
 */
public record ClusterConfig(String host, String bind, int port, List<String> seeds, Bootstrap bootstrap, int hostsListed) {
    /** The role that carries a member's host name: roles are gossiped with membership, so every node can map names to addresses. */
    public static final String HOST_ROLE = "host=";
    /** What a host's name may be. */
    public static final String HOST_NAME = "[A-Za-z0-9][A-Za-z0-9._-]{0,62}";

    public ClusterConfig {
        if (host == null || !host.matches(HOST_NAME))
            throw new IllegalArgumentException("--host takes a host name (letters, digits, '.', '_', '-'; at most 63), not \"" + host + "\"");
        if (port < 0 || port > 65535) throw new IllegalArgumentException("--cluster: no port " + port);
        seeds = List.copyOf(seeds);
        for (String s : seeds) Address.parse(s, "--seed");
        if (bootstrap != null && !seeds.isEmpty()) throw new IllegalArgumentException("a node forms through seeds or through Cluster Bootstrap, not both");
        if (hostsListed < 0) throw new IllegalArgumentException("cluster.conf lists no " + hostsListed + " hosts");
    }

    public ClusterConfig(String host, String bind, int port, List<String> seeds) {
        this(host, bind, port, seeds, null, 0);
    }

    /** A node of its own: the machine's short name, Artery on a free loopback port. */
    public static ClusterConfig alone() {
        return new ClusterConfig(machineName(), "127.0.0.1", 0, List.of());
    }

    public ClusterConfig withHost(String name) {
        return new ClusterConfig(name, bind, port, seeds, bootstrap, hostsListed);
    }

    public ClusterConfig withAddress(String hostPort) {
        Address a = Address.parse(hostPort, "--cluster");
        return new ClusterConfig(host, a.host(), a.port(), seeds, bootstrap, hostsListed);
    }

    public ClusterConfig withSeeds(List<String> s) {
        return new ClusterConfig(host, bind, port, s, null, hostsListed);
    }

    public ClusterConfig withBootstrap(Bootstrap b) {
        return new ClusterConfig(host, bind, port, List.of(), b, hostsListed);
    }

    /** The size of the cluster cluster.conf describes: {@link ClusterFile#complete} records it. */
    public ClusterConfig withHostsListed(int n) {
        return new ClusterConfig(host, bind, port, seeds, bootstrap, n);
    }

    /** Whether this node joins others (or is joined): then its journal must be one they share. */
    public boolean shared() {
        return !seeds.isEmpty() || bootstrap != null;
    }

    /** The machine's short host name (up to the first dot, no DNS lookup), lower case; "localhost" when it has none. */
    public static String machineName() {
        String n = zed.reconciler.gpu.HostInventory.hostName();
        int dot = n.indexOf('.');
        n = (dot > 0 ? n.substring(0, dot) : n).toLowerCase(Locale.ROOT);
        return n.matches("[a-z0-9][a-z0-9._-]{0,62}") ? n : "localhost";
    }

    /** A {@code HOST:PORT} as the flags take it. */
    public record Address(String host, int port) {
        public static Address parse(String s, String flag) {
            int colon = s == null ? -1 : s.lastIndexOf(':');
            if (colon <= 0) throw new IllegalArgumentException(flag + " takes HOST:PORT, not \"" + s + "\"");
            String h = s.substring(0, colon);
            if (h.startsWith("[") && h.endsWith("]")) h = h.substring(1, h.length() - 1);
            int p;
            try {
                p = Integer.parseInt(s.substring(colon + 1));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(flag + " takes HOST:PORT, not \"" + s + "\"");
            }
            if (p < 0 || p > 65535) throw new IllegalArgumentException(flag + ": no port " + p + " in \"" + s + "\"");
            return new Address(h, p);
        }
    }
}
