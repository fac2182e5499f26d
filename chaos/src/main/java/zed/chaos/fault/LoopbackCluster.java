package zed.chaos.fault;

import com.fasterxml.jackson.databind.JsonNode;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A cluster of real nodes on one machine: {@code n} agent JVMs, host {@code hI} with Artery on 127.0.0.(I+1) (Linux
 * routes all of 127/8 to the loopback, so no alias is needed), each with its own dataset under the test pool as its
 * pool and its own {@code ZED_HOME}, all on one PostgreSQL journal. Set up as an operator would: {@code zed cluster
 * init} writes each host's cluster.conf (its address and bootstrap port), the cluster's token and its TLS material, and
 * each node runs Artery (and Cluster Bootstrap's endpoint) over TLS with mutual authentication. The APIs listen on 127.0.0.1, on ports of their own
 * (never 7700); metrics are off (never 9095).
 */
public final class LoopbackCluster implements AutoCloseable {
    /** @param address Artery's {@code HOST:PORT}; {@code pool} the node's {@code --pool} */
    public record Host(String name, String address, String pool, AgentNode node) {
    }

    private final List<Host> hosts;

    private LoopbackCluster(List<Host> hosts) {
        this.hosts = hosts;
    }

    /**
     * Forms through seed nodes ({@code --seed}, every host in cluster.conf's order, as cluster.conf without bootstrap
     * ports would say): starts h1 (which forms the cluster, 1 s after no other seed answered: {@link
     * AgentNode#startFirstSeed}), then the others side by side, each joining the cluster h1 formed; returns when every
     * node is up in the cluster as h1 sees it. Three nodes took 52 s to start with Zed's 30 s, 25 s with a 5 s first
     * seed and the others one after another, ~19.5 s now (~21.4 s with the others one after another).
     */
    public static LoopbackCluster start(Path bin, Path work, int n, ChaosDatabase db, ChaosPool pool) throws Exception {
        return start(bin, work, n, db, pool, java.util.Map.of());
    }

    /** As {@link #start(Path, Path, int, ChaosDatabase, ChaosPool)}, each agent with {@code env} in its environment (e.g. {@code ZED_JAVA_OPTS}). */
    public static LoopbackCluster start(Path bin, Path work, int n, ChaosDatabase db, ChaosPool pool, java.util.Map<String, String> env) throws Exception {
        return start(bin, work, n, db, List.of(pool), host -> env);
    }

    /** As {@link #start(Path, Path, int, ChaosDatabase, ChaosPool)}, each agent with the environment {@code envOf} gives its host ("h1"...). */
    public static LoopbackCluster start(Path bin, Path work, int n, ChaosDatabase db, ChaosPool pool,
                                        java.util.function.Function<String, java.util.Map<String, String>> envOf) throws Exception {
        return start(bin, work, n, db, List.of(pool), envOf);
    }

    /** As {@link #start(Path, Path, int, ChaosDatabase, ChaosPool, java.util.Map)}, host i's pool under {@code pools[i % size]}. */
    public static LoopbackCluster start(Path bin, Path work, int n, ChaosDatabase db, List<ChaosPool> pools, java.util.Map<String, String> env) throws Exception {
        return start(bin, work, n, db, pools, host -> env);
    }

    /** As {@link #start(Path, Path, int, ChaosDatabase, List, java.util.Map)}, each agent with the environment {@code envOf} gives its host. */
    public static LoopbackCluster start(Path bin, Path work, int n, ChaosDatabase db, List<ChaosPool> pools,
                                        java.util.function.Function<String, java.util.Map<String, String>> envOf) throws Exception {
        return start(bin, work, n, db, pools, envOf, host -> List.of());
    }

    /** As {@link #start(Path, Path, int, ChaosDatabase, List, java.util.function.Function)}, each agent with the further flags {@code argsOf} gives its host. */
    public static LoopbackCluster start(Path bin, Path work, int n, ChaosDatabase db, List<ChaosPool> pools,
                                        java.util.function.Function<String, java.util.Map<String, String>> envOf,
                                        java.util.function.Function<String, List<String>> argsOf) throws Exception {
        LoopbackCluster c = create(bin, work, n, db, pools, true, envOf, argsOf);
        try {
            c.hosts.get(0).node().startFirstSeed();
            // h1 answers once it is up in the cluster it formed: the others find it there, whichever asks first
            startSideBySide(c.hosts.subList(1, n));
            c.awaitUp(n, Duration.ofMinutes(2));
            return c;
        } catch (Exception | AssertionError e) {
            c.close();
            throw e;
        }
    }

    /**
     * Forms as in production, through Cluster Bootstrap with the hosts of cluster.conf (no {@code --seed}): every node
     * starts at once, since none answers before the cluster has formed, and a new one forms only once every listed
     * host answers; returns when every node is up in the cluster as h1 sees it.
     */
    public static LoopbackCluster bootstrap(Path bin, Path work, int n, ChaosDatabase db, ChaosPool pool) throws Exception {
        LoopbackCluster c = create(bin, work, n, db, List.of(pool), false, host -> java.util.Map.of(), host -> List.of());
        try {
            startSideBySide(c.hosts);
            c.awaitUp(n, Duration.ofMinutes(2));
            return c;
        } catch (Exception | AssertionError e) {
            c.close();
            throw e;
        }
    }

    /** Starts these hosts' nodes at once; returns when each answers. */
    private static void startSideBySide(List<Host> hosts) throws Exception {
        List<java.util.concurrent.Future<AgentNode>> started = new ArrayList<>();
        java.util.concurrent.ExecutorService starters = java.util.concurrent.Executors.newFixedThreadPool(Math.max(1, hosts.size()));
        try {
            for (Host h : hosts) started.add(starters.submit(() -> h.node().start()));
            for (java.util.concurrent.Future<AgentNode> f : started) f.get();
        } finally {
            starters.shutdownNow();
        }
    }

    private static LoopbackCluster create(Path bin, Path work, int n, ChaosDatabase db, List<ChaosPool> pools, boolean seeds,
                                          java.util.function.Function<String, java.util.Map<String, String>> envOf,
                                          java.util.function.Function<String, List<String>> argsOf) throws Exception {
        String journal = db.url();
        List<String> names = new ArrayList<>(), addresses = new ArrayList<>(), bootstraps = new ArrayList<>();
        for (int i = 1; i <= n; i++) {
            String ip = "127.0.0." + (i + 1);
            names.add("h" + i);
            int artery = freePort(ip), bootstrap = freePort(ip);
            while (bootstrap == artery) bootstrap = freePort(ip);
            addresses.add(ip + ":" + artery);
            bootstraps.add(addresses.get(i - 1) + ",bootstrap=" + bootstrap); // never Pekko Management's 7626
        }
        init(bin, work.resolve("init"), names, bootstraps);
        List<Host> hosts = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            String root = pools.get(i % pools.size()).root() + "/" + names.get(i);
            HostFacts.zfs("create", root);
            Path home = work.resolve(names.get(i));
            copy(work.resolve("init").resolve(names.get(i)), home);
            // the address, the contact points, the TLS material and the token come from what zed cluster init wrote
            List<String> args = new ArrayList<>(List.of("--host", names.get(i), "--journal", journal, "--pool", root));
            if (seeds) args.addAll(List.of("--seed", String.join(",", addresses)));
            args.addAll(argsOf.apply(names.get(i)));
            hosts.add(new Host(names.get(i), addresses.get(i), root, new AgentNode(bin, home, args, List.of(), "127.0.0.1", envOf.apply(names.get(i)))));
        }
        return new LoopbackCluster(hosts);
    }

    /**
     * {@code zed cluster init} for these hosts into {@code out}: a new CA, and a directory per host.
     *
     * @param addresses each host's {@code HOST:PORT} (Artery), optionally followed by {@code ,bootstrap=PORT}
     */
    public static void init(Path bin, Path out, List<String> names, List<String> addresses) throws IOException, InterruptedException {
        List<String> argv = new ArrayList<>(List.of(bin.toString(), "cluster", "init", "--out", out.toString()));
        for (int i = 0; i < names.size(); i++) argv.addAll(List.of("--host", names.get(i) + "=" + addresses.get(i)));
        Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
        String said = new String(p.getInputStream().readAllBytes());
        if (p.waitFor() != 0) throw new IllegalStateException("zed cluster init failed: " + said);
    }

    /** Copies a host's directory as an operator would ({@code cp -rp}): its files keep their modes. */
    public static void copy(Path from, Path to) throws IOException {
        try (var walk = java.nio.file.Files.walk(from)) {
            for (Path f : walk.toList()) {
                java.nio.file.Files.copy(f, to.resolve(from.relativize(f).toString()), java.nio.file.StandardCopyOption.COPY_ATTRIBUTES,
                        java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            }
        }
    }

    private static int freePort(String ip) throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName(ip))) {
            return s.getLocalPort();
        }
    }

    public List<Host> hosts() {
        return hosts;
    }

    public Host host(String name) {
        return hosts.stream().filter(h -> h.name().equals(name)).findFirst().orElseThrow();
    }

    /** {@code GET /v1/hosts} from h1 until {@code count} hosts are up, within {@code within}; the last answer. */
    public JsonNode awaitUp(int count, Duration within) throws Exception {
        return awaitHosts(hosts.get(0).node().api(), h -> h.path("status").asText().equals("up"), count, within);
    }

    /** {@code GET /v1/hosts} from {@code from} until {@code count} hosts match {@code which}. */
    public static JsonNode awaitHosts(NodeCalls from, java.util.function.Predicate<JsonNode> which, int count, Duration within) throws Exception {
        long deadline = System.nanoTime() + within.toNanos();
        JsonNode last = null;
        while (true) {
            try {
                last = from.send("GET", "/v1/hosts", null).body();
                int matching = 0;
                for (JsonNode h : last.path("hosts")) if (which.test(h)) matching++;
                if (matching == count) return last;
            } catch (IOException notYet) {
                // the node is starting or stopping
            }
            if (System.nanoTime() > deadline) throw new AssertionError("not " + count + " such hosts within " + within.toSeconds() + " s: " + last);
            Thread.sleep(250); // polling interval of a deadline wait
        }
    }

    /**
     * Stops every node that runs (SIGTERM), side by side: a node's stop is mostly waiting, so one after another each
     * waited out its own (three nodes: ~12.7 s one after another, ~10.4 s side by side); services are left to the caller.
     */
    @Override
    public void close() throws InterruptedException {
        List<Thread> stops = new ArrayList<>();
        for (Host h : hosts) {
            Thread stop = new Thread(() -> {
                try {
                    h.node().close();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }, "stop " + h.name());
            stop.start();
            stops.add(stop);
        }
        for (Thread stop : stops) stop.join();
    }
}
