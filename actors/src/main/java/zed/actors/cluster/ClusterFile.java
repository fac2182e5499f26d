package zed.actors.cluster;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code $ZED_HOME/cluster.conf}, identical on every host ({@code zed cluster init} writes it): one line per host,
 * {@code NAME = HOST:PORT} (Artery's address), in the order they were given. A node that has it takes from it what
 * its flags do not say: its address (its own line), and its seeds (every line, in that order, so that every host
 * tries the same first seed). Pure: parsed and written here, read and checked by the agent.
 *
 * @param hosts host name → Artery's {@code HOST:PORT}, in file order
 */
public record ClusterFile(Map<String, String> hosts) {
    public static final String NAME = "cluster.conf";

    public ClusterFile {
        hosts = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(hosts));
    }

    /** @throws IllegalArgumentException naming the line that is wrong */
    public static ClusterFile parse(String text) {
        Map<String, String> hosts = new LinkedHashMap<>();
        String[] lines = text.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String l = lines[i].strip();
            if (l.isEmpty() || l.startsWith("#")) continue;
            int eq = l.indexOf('=');
            if (eq <= 0) throw new IllegalArgumentException(NAME + ":" + (i + 1) + ": a line is NAME = HOST:PORT, not \"" + l + "\"");
            String name = l.substring(0, eq).strip();
            String address = l.substring(eq + 1).strip();
            try {
                new ClusterConfig(name, "127.0.0.1", 0, List.of(address)); // checks the name and the address as the flags are
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(NAME + ":" + (i + 1) + ": " + e.getMessage().replace("--host", "a host").replace("--seed", "an address"));
            }
            if (hosts.put(name, address) != null) throw new IllegalArgumentException(NAME + ":" + (i + 1) + ": host " + name + " is listed twice");
        }
        if (hosts.isEmpty()) throw new IllegalArgumentException(NAME + " lists no host");
        return new ClusterFile(hosts);
    }

    public String text() {
        StringBuilder b = new StringBuilder("# written by zed cluster init: the same on every host (NAME = Artery's HOST:PORT)\n");
        hosts.forEach((n, a) -> b.append(n).append(" = ").append(a).append('\n'));
        return b.toString();
    }

    /**
     * What a node runs with: its flags, completed from this file where they are silent.
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
        ClusterConfig c = flags;
        if (!addressGiven) c = c.withAddress(own);
        if (!seedsGiven) c = c.withSeeds(new ArrayList<>(hosts.values()));
        return c;
    }
}
