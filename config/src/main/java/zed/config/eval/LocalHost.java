package zed.config.eval;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/** The real host: its environment, files and loopback ports. */
public final class LocalHost implements Host {
    private final Map<String, String> env;
    private final Set<Integer> owned;
    private final String name;
    private final Map<String, String> levelHosts;
    private final Map<String, String> addresses;

    public LocalHost() {
        this(System.getenv());
    }

    public LocalHost(Map<String, String> env) {
        this(env, Set.of());
    }

    /**
     * @param owned ports this host's levels already hold: a running service keeps its port bound, and that must
     *              not make {@code net::pickport()} move it (which would change the level and restart it)
     */
    public LocalHost(Map<String, String> env, Set<Integer> owned) {
        this(env, owned, "localhost");
    }

    /** @param name the host's name in the cluster, what {@code host::name()} evaluates to */
    public LocalHost(Map<String, String> env, Set<Integer> owned, String name) {
        this(env, owned, name, Map.of(), Map.of());
    }

    private LocalHost(Map<String, String> env, Set<Integer> owned, String name, Map<String, String> levelHosts, Map<String, String> addresses) {
        this.env = Map.copyOf(env);
        this.owned = Set.copyOf(owned);
        this.name = name;
        this.levelHosts = Map.copyOf(levelHosts);
        this.addresses = Map.copyOf(addresses);
    }

    /**
     * This host in a cluster: the host of each level ({@code levelHosts}, level id → host name), and the address of
     * each host ({@code addresses}, host name → address).
     */
    public LocalHost inCluster(Map<String, String> levelHosts, Map<String, String> addresses) {
        return new LocalHost(env, owned, name, levelHosts, addresses);
    }

    @Override
    public String hostOf(String level) {
        return levelHosts.getOrDefault(level, name);
    }

    @Override
    public String address(String host) {
        return addresses.getOrDefault(host, "127.0.0.1");
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String env(String name) {
        return env.get(name);
    }

    @Override
    public byte[] readFile(Path path) throws IOException {
        return Files.readAllBytes(path);
    }

    /**
     * Free on every address, not just loopback: a service binds its port on 0.0.0.0 or on one of the host's
     * addresses, and in a cluster of agents on one machine another host's service may hold it on its own address.
     */
    @Override
    public boolean portAvailable(int port) {
        if (owned.contains(port)) return true;
        try (ServerSocket s = new ServerSocket()) {
            s.setReuseAddress(false);
            s.bind(new InetSocketAddress(port));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * A port below the kernel's ephemeral range ({@link PickRange}): a port the kernel hands out (bind to 0) is one it
     * may also hand to the next outgoing connection before the service binds it, which then fails to start.
     */
    @Override
    public int freePort(Set<Integer> taken) {
        PickRange range = PickRange.of(Path.of("/proc/sys/net/ipv4/ip_local_port_range"));
        int size = range.last() - range.first() + 1;
        int start = ThreadLocalRandom.current().nextInt(size);
        for (int i = 0; i < size; i++) {
            int p = range.first() + (start + i) % size;
            if (!taken.contains(p) && !owned.contains(p) && portAvailable(p)) return p;
        }
        throw new IllegalStateException("no free port in " + range.first() + "-" + range.last() + " outside the " + taken.size() + " already allocated");
    }

    @Override
    public void createDirectories(Path dir) throws IOException {
        Files.createDirectories(dir);
    }

    @Override
    public Path tmpDir() {
        String t = env.get("TMPDIR");
        return Path.of(t != null && !t.isEmpty() ? t : System.getProperty("java.io.tmpdir"));
    }
}
