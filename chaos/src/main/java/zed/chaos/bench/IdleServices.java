package zed.chaos.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a converged, idle level of services costs the host, node against node: the CPU of the node's process and of
 * the zfs-fuse daemon per second, and the {@code zfs} processes the node starts per minute (a wrapper on its PATH
 * counts them). Each jar runs as {@code zed agent} in a JVM of its own, on its own dataset of the test pool, with the
 * same level: N exec services that sleep, each on a declared dataset of its own (so the pool's sweep runs), and one
 * more dataset. The first jar given is
 * the baseline (the node before a change), measured in the same run.
 */
final class IdleServices {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private IdleServices() {
    }

    record Result(String label, double nodeMsPerSecond, double daemonMsPerSecond, double zfsPerMinute) {
    }

    static void run(BenchPool pool, Map<String, Path> jars, int services, int seconds, int settle) throws Exception {
        System.out.printf("%d exec services, each on a dataset of its own, and one more dataset, converged; %d s settled, then %d s measured%n%n", services, settle, seconds);
        System.out.println("| node | node CPU ms/s | zfs-fuse CPU ms/s | zfs processes/min |");
        System.out.println("|---|---|---|---|");
        Result base = null;
        for (Map.Entry<String, Path> jar : jars.entrySet()) {
            Result r = measure(pool, jar.getKey(), jar.getValue(), services, seconds, settle);
            if (base == null) base = r;
            System.out.printf("| %s | %.1f%s | %.1f | %.1f%s |%n", r.label(), r.nodeMsPerSecond(),
                    r == base ? "" : String.format(" (%.2f×)", r.nodeMsPerSecond() / base.nodeMsPerSecond()), r.daemonMsPerSecond(), r.zfsPerMinute(),
                    r == base ? "" : String.format(" (%.2f×)", r.zfsPerMinute() / Math.max(0.01, base.zfsPerMinute())));
        }
    }

    static Result measure(BenchPool pool, String label, Path jar, int services, int seconds, int settle) throws Exception {
        Path home = Files.createTempDirectory("zed-bench-idle");
        Path bin = Files.createDirectories(home.resolve("bin"));
        Path calls = home.resolve("zfs-calls");
        String realZfs = BenchPool.run(List.of("/bin/sh", "-c", "command -v zfs")).strip();
        Path wrapper = bin.resolve("zfs");
        Files.writeString(wrapper, "#!/bin/sh\necho x >> " + calls + "\nexec " + realZfs + " \"$@\"\n");
        Files.setPosixFilePermissions(wrapper, PosixFilePermissions.fromString("rwx------"));
        String root = pool.fresh("idle-" + label.replaceAll("[^a-z0-9]", ""));
        int port = freePort();
        ProcessBuilder pb = new ProcessBuilder("java", "-jar", jar.toString(), "agent", "--listen", "127.0.0.1:" + port, "--pool", root, "--no-metrics")
                .redirectErrorStream(true).redirectOutput(home.resolve("agent.log").toFile());
        pb.environment().put("ZED_HOME", home.resolve("state").toString());
        pb.environment().put("PATH", bin + ":" + System.getenv("PATH"));
        Process agent = pb.start();
        try {
            String base = "http://127.0.0.1:" + port;
            awaitHealth(base, agent);
            Path dir = Files.createDirectories(home.resolve("level"));
            StringBuilder z = new StringBuilder("level \"idle\" {}\nupdate {\n  min_healthy_time = \"500ms\"\n}\ndataset \"data\" {}\n");
            for (int i = 0; i < services; i++) {
                // each service on a dataset of its own: the node before issue 9 raced to make the shared parent of
                // implicit ones, and one failed start ended its supervision
                z.append("dataset \"s").append(i).append("\" {}\n");
                z.append("service \"exec\" \"s").append(i).append("\" {\n  dataset = \"s").append(i)
                        .append("\"\n  runtime { cmd = [\"/bin/sh\", \"-c\", \"trap 'exit 0' TERM; while true; do sleep 1; done\"] }\n}\n");
            }
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("source", z.toString());
            body.put("dir", dir.toString());
            send(base, home, "PUT", "/v1/levels/idle", JSON.writeValueAsString(body));
            long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
            while (!send(base, home, "GET", "/v1/levels/idle", null).path("state").asText().equals("Converged")) {
                if (System.nanoTime() > deadline) throw new IllegalStateException(label + ": the level did not converge");
                BenchPool.sleep(200); // polling interval of a deadline wait
            }
            BenchPool.sleep(settle * 1000L);
            long calls0 = lines(calls);
            long node0 = cpu(agent.pid());
            long daemon0 = BenchPool.daemonCpu();
            long t0 = System.nanoTime();
            BenchPool.sleep(seconds * 1000L);
            double wall = (System.nanoTime() - t0) / 1e9;
            double node = (cpu(agent.pid()) - node0) / 1e6 / wall;
            double daemon = (BenchPool.daemonCpu() - daemon0) / 1e6 / wall;
            double zfs = (lines(calls) - calls0) * 60 / wall;
            send(base, home, "DELETE", "/v1/levels/idle", null);
            return new Result(label, node, daemon, zfs);
        } finally {
            agent.destroy();
            agent.waitFor();
        }
    }

    private static void awaitHealth(String base, Process agent) throws Exception {
        long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        while (true) {
            try {
                if (HTTP.send(HttpRequest.newBuilder(URI.create(base + "/v1/health")).build(), HttpResponse.BodyHandlers.ofString()).statusCode() == 200) return;
            } catch (IOException notYet) {
                // not listening yet
            }
            if (!agent.isAlive() || System.nanoTime() > deadline) throw new IllegalStateException("the node did not start");
            BenchPool.sleep(200); // polling interval of a deadline wait
        }
    }

    /** A call with the node's token when it has one (a node from before tokens were required has none), JSON as the body type. */
    private static JsonNode send(String base, Path home, String method, String path, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofMinutes(2))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        Path token = home.resolve("state/api-token");
        if (Files.exists(token)) b.header("Authorization", "Bearer " + Files.readString(token).strip());
        if (!method.equals("GET")) b.header("Content-Type", "application/json");
        String r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString()).body();
        return r.isEmpty() ? JSON.createObjectNode() : JSON.readTree(r);
    }

    private static long lines(Path f) throws IOException {
        return Files.exists(f) ? Files.readAllLines(f).size() : 0;
    }

    /** utime + stime of a process, in nanoseconds. */
    private static long cpu(long pid) throws IOException {
        String s = Files.readString(Path.of("/proc", String.valueOf(pid), "stat"));
        String[] f = s.substring(s.lastIndexOf(')') + 2).split(" ");
        return (Long.parseLong(f[11]) + Long.parseLong(f[12])) * 10_000_000L;
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
