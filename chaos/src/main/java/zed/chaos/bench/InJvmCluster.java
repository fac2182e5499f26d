package zed.chaos.bench;

import com.fasterxml.jackson.databind.JsonNode;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.typed.Cluster;
import zed.actors.cluster.ClusterConfig;
import zed.actors.node.NodeConfig;
import zed.actors.node.ZedNode;
import zed.actors.telemetry.TelemetryConfig;
import zed.chaos.fault.NodeCalls;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * A cluster of {@code n} Zed nodes in this JVM, as {@code zed agent} would run them on {@code n} hosts: host names
 * {@code n1}..{@code nN}, each with a state directory of its own (and so its own dir store, {@code <home>/store}: no
 * pool), its API on 127.0.0.1 on a free port, metrics off, Artery on 127.0.0.1 (n1 on a free port that every node
 * names as its one seed, the others on ports of their own), and one PostgreSQL journal for all. Each node's
 * connections carry {@code application_name = zed-<host>}, so that the database can say whose they are.
 *
 * <p>n1 starts first and forms the cluster; then the others, {@code parallel} at a time. Each start returns once the
 * node has joined and heard from the placement table ({@link ZedNode#start}).
 */
public final class InJvmCluster implements AutoCloseable {
    /** The database's {@code application_name} of a host's journal connections. */
    public static String application(String host) {
        return "zed-" + host;
    }

    /**
     * @param startedAt when its start began, in ms since the cluster's first start
     * @param took      how long {@link ZedNode#start} took
     */
    public record Member(String host, Path home, ZedNode node, long startedAt, long took) {
        public NodeCalls api() {
            return new NodeCalls("http://127.0.0.1:" + node.httpPort(), home);
        }

        /** The node's dir store: its datasets are directories under it. */
        public Path store() {
            return home.resolve("store");
        }

        /** Members Up as this node sees them now. */
        public int up() {
            int up = 0;
            for (org.apache.pekko.cluster.Member m : Cluster.get(node.system()).state().getMembers()) if (m.status() == MemberStatus.up()) up++;
            return up;
        }
    }

    private final List<Member> members;
    private final long formedMs;

    private InJvmCluster(List<Member> members, long formedMs) {
        this.members = members;
        this.formedMs = formedMs;
    }

    /**
     * One node alone (a cluster of its own) on a PostgreSQL journal, configured as the cluster's nodes are: the
     * baseline of a push that crosses no node.
     */
    public static Member alone(Path root, String host, String journalUrl) throws IOException {
        Path home = Files.createDirectories(root.resolve(host));
        long t = System.nanoTime();
        ZedNode node = ZedNode.start(config(home, journalUrl, new ClusterConfig(host, "127.0.0.1", 0, List.of())));
        return new Member(host, home, node, 0, (System.nanoTime() - t) / 1_000_000);
    }

    private static NodeConfig config(Path home, String journalUrl, ClusterConfig cluster) {
        String url = journalUrl + (journalUrl.contains("?") ? "&" : "?") + "ApplicationName=" + application(cluster.host());
        return NodeConfig.defaults(home).withHttp("127.0.0.1", 0).withTelemetry(TelemetryConfig.disabled()).withJournal(url).withCluster(cluster);
    }

    /**
     * Starts {@code n} nodes under {@code root} and returns once n1 sees all of them Up, within {@code within}; stops
     * what it started and throws otherwise.
     */
    public static InJvmCluster start(Path root, int n, String journalUrl, int parallel, Duration within) throws Exception {
        int seedPort;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            seedPort = s.getLocalPort();
        }
        List<String> seeds = List.of("127.0.0.1:" + seedPort);
        List<Member> started = Collections.synchronizedList(new ArrayList<>());
        long t0 = System.nanoTime();
        long deadline = t0 + within.toNanos();
        ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, parallel), r -> {
            Thread t = new Thread(r, "cluster-start");
            t.setDaemon(true);
            return t;
        });
        try {
            started.add(startOne(root, "n1", journalUrl, new ClusterConfig("n1", "127.0.0.1", seedPort, seeds), t0));
            List<Future<Member>> rest = new ArrayList<>();
            for (int i = 2; i <= n; i++) {
                String host = "n" + i;
                rest.add(pool.submit(() -> {
                    Member m = startOne(root, host, journalUrl, new ClusterConfig(host, "127.0.0.1", 0, seeds), t0);
                    started.add(m);
                    return m;
                }));
            }
            for (Future<Member> f : rest) f.get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            Member first = started.get(0);
            while (first.up() < n) {
                if (System.nanoTime() > deadline) throw new IllegalStateException("n1 sees " + first.up() + " of " + n + " members Up after " + within.toSeconds() + " s");
                Thread.sleep(20); // polling interval of a deadline wait
            }
            long formed = (System.nanoTime() - t0) / 1_000_000;
            List<Member> ordered = new ArrayList<>(started);
            ordered.sort(java.util.Comparator.comparingInt(m -> Integer.parseInt(m.host().substring(1))));
            return new InJvmCluster(ordered, formed);
        } catch (Exception | Error e) {
            pool.shutdownNow();
            Throwable cause = e instanceof java.util.concurrent.ExecutionException && e.getCause() != null ? e.getCause() : e;
            String seen = started.isEmpty() ? "" : ", n1 saw " + started.get(0).up() + " Up";
            IllegalStateException failed = new IllegalStateException(started.size() + " of " + n + " nodes had started after "
                    + (System.nanoTime() - t0) / 1_000_000 + " ms" + seen + ": " + cause, cause);
            try {
                close(new ArrayList<>(started));
            } catch (RuntimeException alsoThat) {
                failed.addSuppressed(alsoThat);
            }
            throw failed;
        } finally {
            pool.shutdown();
        }
    }

    private static Member startOne(Path root, String host, String journalUrl, ClusterConfig cluster, long t0) throws IOException {
        Path home = Files.createDirectories(root.resolve(host));
        long t = System.nanoTime();
        ZedNode node;
        try {
            node = ZedNode.start(config(home, journalUrl, cluster));
        } catch (RuntimeException e) {
            throw new IllegalStateException(host + ": " + e.getMessage(), e);
        }
        long end = System.nanoTime();
        return new Member(host, home, node, (t - t0) / 1_000_000, (end - t) / 1_000_000);
    }

    public List<Member> members() {
        return members;
    }

    public Member member(String host) {
        return members.stream().filter(m -> m.host().equals(host)).findFirst().orElseThrow();
    }

    /** From the first start to n1 seeing every member Up, in ms. */
    public long formedMs() {
        return formedMs;
    }

    /** The members whose dir store holds a dataset named {@code dataset}. */
    public List<String> holders(String dataset) {
        return members.stream().filter(m -> Files.isDirectory(m.store().resolve(dataset))).map(Member::host).toList();
    }

    /** The level of {@link #push}: placed on {@code host}, one dataset named as the level, stamped with the host that ran it. */
    public static String zedfile(String id, String host) {
        return """
                level "%s" {
                  host = "%s"
                }
                dataset "%s" {
                  properties = { "com.acme:where" = host::name() }
                }
                """.formatted(id, host, id);
    }

    /**
     * PUTs level {@code id} ({@link #zedfile}, its directory under {@code root}) placed on {@code host} through
     * {@code via}'s API, and polls its status there every 20 ms until it is Converged at that revision: ms from the PUT.
     * Throws when the push is refused or the level fails or does not converge within 5 minutes.
     */
    public static double push(Member via, Member host, Path root, String id) throws IOException, InterruptedException {
        NodeCalls api = via.api();
        long t = System.nanoTime();
        NodeCalls.Answer a = api.push(id, Files.createDirectories(root.resolve("levels").resolve(id)), zedfile(id, host.host()));
        if (!a.ok()) throw new IllegalStateException("push of " + id + " through " + via.host() + ": " + a.status() + " " + a.body());
        long rev = a.body().path("revision").asLong();
        JsonNode s = api.await(id, st -> BenchNode.converged(st, rev) || st.path("state").asText().equals("Failed"), Duration.ofMinutes(5), Duration.ofMillis(20));
        double ms = (System.nanoTime() - t) / 1e6;
        if (s == null || !BenchNode.converged(s, rev)) throw new IllegalStateException(id + " did not converge on " + host.host() + ": " + s);
        return ms;
    }

    /** Where nodes' state goes: a tmpfs where there is one ({@code /dev/shm}), so that their dir stores are in memory. */
    public static Path memoryRoot() throws IOException {
        Path shm = Path.of("/dev/shm");
        return Files.createTempDirectory(Files.isDirectory(shm) && Files.isWritable(shm) ? shm : Path.of(System.getProperty("java.io.tmpdir")), "zed-cluster");
    }

    /** Deletes a tree that {@link #memoryRoot} made, once its nodes have stopped. */
    public static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) return;
        try (var walk = Files.walk(root)) {
            for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        }
    }

    /** Stops every node: all but n1 at once (a few at a time), then n1, which the others leave last. */
    @Override
    public void close() {
        close(new ArrayList<>(members));
    }

    private static void close(List<Member> members) {
        if (members.isEmpty()) return;
        Member first = members.stream().filter(m -> m.host().equals("n1")).findFirst().orElse(null);
        ExecutorService pool = Executors.newFixedThreadPool(8, r -> {
            Thread t = new Thread(r, "cluster-stop");
            t.setDaemon(true);
            return t;
        });
        List<Future<?>> stops = new ArrayList<>();
        for (Member m : members) if (m != first) stops.add(pool.submit(() -> m.node().close()));
        List<Throwable> failed = new ArrayList<>();
        for (Future<?> f : stops) {
            try {
                f.get();
            } catch (Exception e) {
                failed.add(e);
            }
        }
        pool.shutdown();
        if (first != null) first.node().close();
        if (!failed.isEmpty()) throw new IllegalStateException(failed.size() + " nodes did not stop cleanly: " + failed.get(0), failed.get(0));
    }
}
