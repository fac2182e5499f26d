package zed.actors.cluster;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code $ZED_HOME/cluster.conf}, identical on every host ({@code zed cluster init} writes it): one line per host,
 * {@code NAME = HOST:PORT, bootstrap=PORT} (Artery's address, and the port of the host's Cluster Bootstrap endpoint on
 * that same HOST), in the order they were given. A node that has it takes from it what its flags do not say: its
 * address (its own line), and how it forms: through Cluster Bootstrap with every line as a contact point, or, in a
 * file without bootstrap ports (or with {@code --seed}), through seed nodes: every line, in that order, so that every
 * host tries the same first seed. Pure: parsed and written here, read and checked by the agent.
 *
 * @param hosts     host name → Artery's {@code HOST:PORT}, in file order
 * @param bootstrap host name → its bootstrap port; empty when the file names none (then the hosts form through seeds)
 */
public record ClusterFile(Map<String, String> hosts, Map<String, Integer> bootstrap) {
    public static final String NAME = "cluster.conf";
    /** Pekko Management's own default port ("PMAN" on a telephone keypad): what {@code zed cluster init} writes unless told. */
    public static final int BOOTSTRAP_PORT = 7626;
    static final String BOOTSTRAP = "bootstrap=";

    public ClusterFile {
        hosts = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(hosts));
        bootstrap = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(bootstrap));
    }

    /** A file whose hosts form through seed nodes. */
    public ClusterFile(Map<String, String> hosts) {
        this(hosts, Map.of());
    }

    /** @throws IllegalArgumentException naming the line that is wrong */
    public static ClusterFile parse(String text) {
        Map<String, String> hosts = new LinkedHashMap<>();
        Map<String, Integer> ports = new LinkedHashMap<>();
        String[] lines = text.split("\n", -1);
        int withPort = 0, listed = 0;
        for (int i = 0; i < lines.length; i++) {
            String l = lines[i].strip();
            if (l.isEmpty() || l.startsWith("#")) continue;
            String at = NAME + ":" + (i + 1) + ": ";
            int eq = l.indexOf('=');
            if (eq <= 0) throw new IllegalArgumentException(at + "a line is NAME = HOST:PORT, bootstrap=PORT, not \"" + l + "\"");
            String name = l.substring(0, eq).strip();
            String[] parts = l.substring(eq + 1).split(",", -1);
            String address = parts[0].strip();
            try {
                new ClusterConfig(name, "127.0.0.1", 0, List.of(address)); // checks the name and the address as the flags are
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(at + e.getMessage().replace("--host", "a host").replace("--seed", "an address"));
            }
            if (parts.length > 2 || (parts.length == 2 && !parts[1].strip().startsWith(BOOTSTRAP))) {
                throw new IllegalArgumentException(at + "after the address comes \", bootstrap=PORT\" alone, not \"" + l.substring(eq + 1).strip() + "\"");
            }
            if (hosts.put(name, address) != null) throw new IllegalArgumentException(at + "host " + name + " is listed twice");
            listed++;
            if (parts.length == 2) {
                ports.put(name, port(parts[1].strip().substring(BOOTSTRAP.length()), at));
                withPort++;
            }
        }
        if (hosts.isEmpty()) throw new IllegalArgumentException(NAME + " lists no host");
        if (withPort != 0 && withPort != listed) {
            throw new IllegalArgumentException(NAME + ": every host names its bootstrap port, or none does (then they form through seeds); "
                    + "without one: " + String.join(", ", hosts.keySet().stream().filter(h -> !ports.containsKey(h)).toList()));
        }
        ClusterFile f = new ClusterFile(hosts, ports);
        f.refuseSharedPorts();
        return f;
    }

    private static int port(String s, String at) {
        try {
            int p = Integer.parseInt(s.strip());
            if (p >= 1 && p <= 65535) return p;
        } catch (NumberFormatException e) {
            // said below
        }
        throw new IllegalArgumentException(at + "bootstrap= takes a port (1 to 65535), not \"" + s + "\"");
    }

    /** Two endpoints on one address and port: the second host's node could not start. */
    private void refuseSharedPorts() {
        Map<String, String> taken = new LinkedHashMap<>(); // HOST:PORT → what takes it
        hosts.forEach((name, address) -> taken.put(address, name + "'s Artery"));
        bootstrap.forEach((name, port) -> {
            ClusterConfig.Address a = ClusterConfig.Address.parse(hosts.get(name), "");
            String at = a.host() + ":" + port;
            String other = taken.put(at, name + "'s bootstrap");
            if (other != null) {
                throw new IllegalArgumentException(NAME + ": " + name + "'s bootstrap port " + port + " is " + other + " port on " + a.host()
                        + ": give it a port of its own (zed cluster init --host " + name + "=" + hosts.get(name) + ",bootstrap=PORT)");
            }
        });
    }

    public String text() {
        StringBuilder b = new StringBuilder("# written by zed cluster init: the same on every host (NAME = Artery's HOST:PORT"
                + (bootstrap.isEmpty() ? ")\n" : ", bootstrap=the port of Cluster Bootstrap's endpoint on that HOST)\n"));
        hosts.forEach((n, a) -> {
            b.append(n).append(" = ").append(a);
            if (bootstrap.containsKey(n)) b.append(", ").append(BOOTSTRAP).append(bootstrap.get(n));
            b.append('\n');
        });
        return b.toString();
    }

    /**
     * What a node runs with: its flags, completed from this file where they are silent, and the number of hosts it
     * lists (whatever the flags say: with --seed too, the cluster is the one this file describes).
     *
     * @param flags         what the flags (and agent.conf) gave, the defaults where they gave nothing
     * @param hostGiven     whether --host was given (else the machine's name is used, and must be listed)
     * @param addressGiven  whether --cluster was given
     * @param seedsGiven    whether --seed was given
     * @throws IllegalArgumentException when this host is not listed
     */
    public ClusterConfig complete(ClusterConfig flags, boolean hostGiven, boolean addressGiven, boolean seedsGiven) {
        String own = hosts.get(flags.host());
        if (own == null) {
            throw new IllegalArgumentException("host " + flags.host() + " is not in " + NAME + " (" + String.join(", ", hosts.keySet()) + ")"
                    + (hostGiven ? "" : ": start the agent with --host NAME"));
        }
        // the split-brain resolver's timing follows the cluster's size, which only this file (the same on every host) knows
        ClusterConfig c = flags.withHostsListed(hosts.size());
        if (!addressGiven) c = c.withAddress(own);
        if (seedsGiven) return c;
        if (bootstrap.isEmpty()) return c.withSeeds(new ArrayList<>(hosts.values()));
        String host = ClusterConfig.Address.parse(own, "").host();
        if (!c.bind().equals(host)) {
            // the others find this node's bootstrap endpoint at its line's address, which its certificate names
            throw new IllegalArgumentException("--cluster " + c.bind() + ":" + c.port() + " is not " + flags.host() + "'s address in " + NAME + " ("
                    + own + "), where the other hosts look for its bootstrap endpoint: leave --cluster out, or form through --seed");
        }
        List<ClusterConfig.Address> contactPoints = new ArrayList<>();
        hosts.forEach((name, address) -> contactPoints.add(new ClusterConfig.Address(ClusterConfig.Address.parse(address, "").host(), bootstrap.get(name))));
        return c.withBootstrap(new Bootstrap(host, bootstrap.get(flags.host()), contactPoints));
    }
}
