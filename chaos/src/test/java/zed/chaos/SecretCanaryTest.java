package zed.chaos;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import zed.chaos.fault.AgentNode;
import zed.chaos.fault.ChaosPool;

import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 13's canary: a real node ({@code bin/zed agent}) on a zfs-fuse pool, its secrets store there, a service that
 * reads a random canary value (its environment and a rendered file), rotated twice with {@code zed secrets rotate}.
 * The first roll stops at a consumer that fails its gate (a service of another level that asks for a field the slot
 * does not have) and leaves the next one alone; once that level is stopped, the second roll restarts the service on the
 * new value. Then every place a value could leak to is read and searched for each canary: every file the node and the
 * services' supervision write (logs, the H2 journal's file), the journal's rows read raw through JDBC, every event,
 * every status body the CLI reads, the Prometheus scrape, every ZFS property under the test's root, every command's
 * output and error (a failed start's among them), and the command line and environment of every process on the host
 * but the consumer itself. The service never prints its value.
 */
class SecretCanaryTest {
    static final String LEVEL = "shop";
    /** Sorts before shop: its consumer is the roll's first. */
    static final String BROKEN = "a-broken";

    @TempDir
    Path tmp;
    final HttpClient http = HttpClient.newHttpClient();
    /** Everything read that must hold no canary, by where it was read. */
    final Map<String, String> seen = new LinkedHashMap<>();

    static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    ZedProcess.Outcome zed(Map<String, String> env, String stdin, String... args) throws Exception {
        ZedProcess.Outcome o = ZedProcess.runWithInput(tmp, env, stdin.getBytes(StandardCharsets.UTF_8), args);
        seen.put("zed " + String.join(" ", args) + " #" + seen.size(), o.out() + o.err());
        return o;
    }

    String get(AgentNode node, String path) throws Exception {
        String body = http.send(HttpRequest.newBuilder(URI.create(node.url() + path))
                .header("Authorization", "Bearer " + node.api().token()).build(), HttpResponse.BodyHandlers.ofString()).body();
        seen.put("GET " + path, body);
        return body;
    }

    static String environ(long pid) {
        try {
            return "\n" + new String(Files.readAllBytes(Path.of("/proc/" + pid + "/environ")), StandardCharsets.UTF_8).replace('\0', '\n');
        } catch (java.io.IOException gone) {
            return "";
        }
    }

    @Test
    void aRotatedSecretReachesItsConsumerByARollingRestartAndLeaksNowhere() throws Exception {
        ChaosNeeds.zfsPool();
        String first = "canary-" + UUID.randomUUID();
        String second = "canary-" + UUID.randomUUID();
        String third = "canary-" + UUID.randomUUID();
        int metrics = freePort();
        Path home = tmp.resolve("home");
        Path creds = tmp.resolve("etc/creds");
        try (ChaosPool pool = ChaosPool.fresh("canary");
             AgentNode node = new AgentNode(ZedProcess.bin(), home, List.of("--pool", pool.root(), "--metrics", "127.0.0.1:" + metrics)).start()) {
            Map<String, String> env = Map.of("ZED_HOME", home.toString(), "ZED_NODE", node.url());
            String poolFlag = "--pool=" + pool.root();
            assertEquals(0, zed(env, "", "secrets", "init", poolFlag).exit());
            ZedProcess.Outcome set = zed(env, first + "\n", "secrets", "set", "db", poolFlag);
            assertEquals(0, set.exit(), set.toString());

            Path shopDir = Files.createDirectories(tmp.resolve("work/shop"));
            var shop = node.push(LEVEL, shopDir, """
                    update {
                      min_healthy_time = "500ms"
                      healthy_deadline = "30s"
                    }
                    service "exec" "web" {
                      env = { PW = secret("db") }
                      file "creds" {
                        path = "%s"
                        body = "password=${secret("db")}\\n"
                      }
                      runtime { cmd = ["/bin/sleep", "600"] }
                      health "exec" {
                        command  = ["/bin/true"]
                        interval = "300ms"
                      }
                    }
                    """.formatted(creds));
            assertTrue(shop.ok(), shop.toString());
            // asks for a field the slot does not have: its start fails, naming the slot, and so does its restart's gate
            var broken = node.push(BROKEN, Files.createDirectories(tmp.resolve("work/" + BROKEN)), """
                    update {
                      min_healthy_time = "500ms"
                      healthy_deadline = "3s"
                    }
                    service "exec" "badfield" {
                      env = { X = secret("db", "nofield") }
                      runtime { cmd = ["/bin/sleep", "600"] }
                    }
                    """);
            assertTrue(broken.ok(), broken.toString());
            try {
                JsonNode up = node.await(LEVEL, s -> "Converged".equals(s.path("state").asText()), Duration.ofSeconds(60));
                long pid = AgentNode.servicePid(up);
                assertTrue(pid > 0, up.toString());
                assertTrue(environ(pid).contains("\nPW=" + first + "\n"), "the value in its environment");
                assertEquals("password=" + first + "\n", Files.readString(creds));
                assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(creds)), "a rendered file that holds a secret");
                JsonNode failing = node.await(BROKEN, s -> s.toString().contains("has no field \\\"nofield\\\""), Duration.ofSeconds(30));
                assertTrue(failing.toString().contains("secret slot \\\"db\\\" holds one value, not fields, so it has no field \\\"nofield\\\""), failing.toString());
                seen.put("the failed start's status", failing.toString());

                // the first roll: a-broken's consumer fails its gate, and shop's web is left running on the old value
                ZedProcess.Outcome stopped = zed(env, second + "\n", "secrets", "rotate", "db", poolFlag);
                assertEquals(1, stopped.exit(), stopped.toString());
                assertTrue(stopped.out().startsWith("rotated db (rotation 1, hmac-sha256:"), stopped.toString());
                assertTrue(stopped.out().contains("\n  a-broken/exec/badfield failed: "), stopped.toString());
                assertTrue(stopped.out().contains("\n  shop/exec/web not-restarted: the roll stopped at an earlier consumer\n"), stopped.toString());
                assertTrue(stopped.err().startsWith("zed: the roll stopped at a-broken/exec/badfield, which is not healthy on the new value"), stopped.toString());
                assertEquals(pid, AgentNode.servicePid(node.status(LEVEL)), "web was restarted after the roll stopped");
                assertTrue(environ(pid).contains("\nPW=" + first + "\n"), "web still runs on the old value");

                // the broken level stops: its consumer is gone, and the next roll restarts web on the newest value
                assertTrue(node.send("DELETE", AgentNode.level(BROKEN), null).ok());
                ZedProcess.Outcome rolled = zed(env, third + "\n", "secrets", "rotate", "db", poolFlag);
                assertEquals(0, rolled.exit(), rolled.toString());
                assertTrue(rolled.out().contains("\n  a-broken/exec/badfield gone: level a-broken is stopped\n"), rolled.toString());
                assertTrue(rolled.out().endsWith("\n  shop/exec/web restarted\n"), rolled.toString());
                long newPid = AgentNode.servicePid(node.status(LEVEL));
                assertNotEquals(pid, newPid, "web was not restarted");
                assertTrue(ProcessHandle.of(pid).isEmpty(), "the old process is gone, no twin");
                assertTrue(environ(newPid).contains("\nPW=" + third + "\n"), "the new process reads the new value");
                assertEquals("password=" + third + "\n", Files.readString(creds));
                assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(creds)));
                ZedProcess.Outcome status = zed(env, "", "secrets", "status", poolFlag);
                assertTrue(status.out().matches("(?s).*\\ndb +ok +\\S+ +\\S+ +2 +a-broken/exec/badfield,shop/exec/web\\n.*"), status.toString());
                assertEquals(List.of("rotate-db-1-before", "rotate-db-1-after", "rotate-db-2-before", "rotate-db-2-after"),
                        zed.chaos.fault.PoolReads.snapshots(pool.root() + "/zed/secrets"));

                // the events of both levels: each consumer's restart, as the roll went
                List<JsonNode> events = node.stream("/v1/events", es -> es.stream().anyMatch(e -> e.path("type").asText().equals("SecretConsumerRestarted")
                        && e.path("resource").asText().equals("service.exec.web")), Duration.ofSeconds(30));
                seen.put("GET /v1/events", events.toString());
                assertTrue(events.stream().anyMatch(e -> e.path("type").asText().equals("SecretConsumerRestarted") && e.path("level").asText().equals(BROKEN)
                        && !e.path("healthy").asBoolean() && e.path("slot").asText().equals("db")), events.toString());
                assertTrue(events.stream().anyMatch(e -> e.path("type").asText().equals("SecretConsumerRestarted") && e.path("level").asText().equals(LEVEL)
                        && e.path("healthy").asBoolean()), events.toString());

                // what the CLI reads, the metrics, the properties, and every process but the consumer
                for (String path : List.of("/v1/levels", "/v1/levels/" + LEVEL, "/v1/levels/" + BROKEN, "/v1/hosts", "/v1/health")) get(node, path);
                seen.put("metrics", http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + metrics + "/metrics")).build(),
                        HttpResponse.BodyHandlers.ofString()).body());
                assertTrue(seen.get("metrics").contains("zed_"), "no metrics scraped: " + seen.get("metrics"));
                seen.put("zfs get all", run("zfs", "get", "-rHp", "-o", "name,property,value", "all", pool.root()));
                processes(newPid);
            } finally {
                node.send("DELETE", AgentNode.level(LEVEL), null);
                node.send("DELETE", AgentNode.level(BROKEN), null);
            }
        }
        // the node is gone: its files, and its journal's rows as they are stored
        try (Stream<Path> files = Files.walk(home)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                seen.put(f.toString(), new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1));
            }
        }
        // agent.out: the node's output and log lines (AgentNode sends both there); the journal's file
        for (String f : List.of("/agent.out", "/journal/zed.mv.db")) {
            assertTrue(seen.keySet().stream().anyMatch(k -> k.endsWith(f)), "no " + f + " was read: " + seen.keySet().stream().filter(k -> k.startsWith(home.toString())).toList());
        }
        journalRows(home.resolve("journal/zed"));

        List<String> leaks = new ArrayList<>();
        for (var e : seen.entrySet()) {
            for (String canary : List.of(first, second, third)) {
                if (e.getValue().contains(canary)) leaks.add(e.getKey());
            }
        }
        assertEquals(List.of(), leaks, "a secret's value in these (of " + seen.size() + " read)");
    }

    /** The command line and environment of every process on the host but the consumer's, which is its value's one place. */
    void processes(long consumer) throws Exception {
        int n = 0;
        try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
            for (Path p : procs.filter(p -> p.getFileName().toString().matches("\\d+")).toList()) {
                if (Long.parseLong(p.getFileName().toString()) == consumer) continue;
                for (String f : List.of("cmdline", "environ")) {
                    try {
                        seen.put(p + "/" + f, new String(Files.readAllBytes(p.resolve(f)), StandardCharsets.ISO_8859_1));
                        n++;
                    } catch (java.io.IOException gone) {
                        // exited meanwhile, or a kernel thread's
                    }
                }
            }
        }
        assertTrue(n > 10, "read only " + n + " process files");
    }

    /** Every row of every table of the H2 journal, each column as text: what a reader of the database sees. */
    void journalRows(Path db) throws Exception {
        int rows = 0;
        try (Connection c = DriverManager.getConnection("jdbc:h2:file:" + db + ";IFEXISTS=TRUE", "sa", "");
             Statement s = c.createStatement();
             ResultSet tables = c.getMetaData().getTables(null, null, "%", new String[]{"TABLE"})) {
            List<String> names = new ArrayList<>();
            while (tables.next()) if (!"INFORMATION_SCHEMA".equalsIgnoreCase(tables.getString("TABLE_SCHEM"))) names.add(tables.getString("TABLE_NAME"));
            assertTrue(names.contains("event_journal"), "the journal's tables: " + names);
            for (String t : names) {
                StringBuilder all = new StringBuilder();
                try (ResultSet r = s.executeQuery("SELECT * FROM \"" + t + "\"")) {
                    int cols = r.getMetaData().getColumnCount();
                    while (r.next()) {
                        rows++;
                        for (int i = 1; i <= cols; i++) {
                            Object v = r.getObject(i);
                            if (v instanceof java.sql.Blob blob) v = blob.getBytes(1, (int) blob.length());
                            if (v instanceof java.sql.Clob clob) v = clob.getSubString(1, (int) clob.length());
                            all.append(v instanceof byte[] b ? new String(b, StandardCharsets.UTF_8) : String.valueOf(v)).append('\t');
                        }
                        all.append('\n');
                    }
                }
                seen.put("journal table " + t, all.toString());
            }
        }
        assertTrue(rows > 10, "read only " + rows + " journal rows");
    }

    static String run(String... argv) throws Exception {
        Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, java.util.concurrent.TimeUnit.SECONDS), String.join(" ", argv));
        assertEquals(0, p.exitValue(), String.join(" ", argv) + ": " + out);
        return out;
    }
}
