package zed.chaos;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import zed.chaos.fault.AgentNode;
import zed.chaos.fault.ChaosPool;
import zed.chaos.fault.NodeCalls;
import zed.reconciler.process.Accounts;
import zed.reconciler.process.RunAs;
import zed.reconciler.ops.AuditLog;
import zed.reconciler.ops.OpsRules;
import zed.reconciler.ops.OpsServer;
import zed.reconciler.ops.OpsServices;
import zed.reconciler.ops.ServiceRules;
import zed.reconciler.store.ProcessCommand;
import zed.reconciler.store.ZfsStore;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static zed.chaos.fault.PoolReads.mountpoint;
import static zed.chaos.fault.PoolReads.property;

/**
 * The privilege boundary end to end: a real agent process runs as an unprivileged user ({@code setpriv}, no
 * capability), with {@code --ops-socket} to a real zed ops (in this JVM, root). It deploys a level on the zfs-fuse
 * pool with a dataset and a service that runs as its own user, with a secret in its environment and in a file rendered
 * for it (ops fills the secret in from the host's store, whose key the agent cannot read, and writes the file as that
 * user), deploys a second revision (the service replaced),
 * rolls back to the first (data and state), and takes the level down: every dataset step and every process start
 * and stop goes through ops, which is the service's parent; the agent could do none of them itself.
 */
class UnprivilegedAgentTest {
    /** A secret's value, set in the host's store: ops fills it in; the agent never holds it. */
    static final String CANARY = "canary-unpriv-5e1f";

    static String level(String root, Path conf, String greeting) {
        return """
                level "shop" {
                  pool = "%s"
                }
                dataset "www" {
                  properties = { "com.acme:greeting" = "%s" }
                }
                service "exec" "www" {
                  dataset = "www"
                  user = "%s"
                  env = { GREETING = "%s", API_KEY = secret("api") }
                  file "conf" {
                    path = "%s"
                    mode = "0600"
                    body = "greeting=%s key=${secret("api")}"
                  }
                  runtime { cmd = ["/bin/sh", "-c", "echo \\"$(id -u) $GREETING $(cat app.conf) env=$API_KEY\\" > whoami; exec sleep 300"] }
                }
                """.formatted(root, greeting, Accounts.USER, greeting, conf, greeting);
    }

    /**
     * A real zed ops (root, in this JVM) on a fresh dataset of the test pool, serving services as {@link Accounts#USER},
     * the host's secrets' key root's (not in the agent's home, read by ops alone), and a real agent process as
     * {@link Accounts#AGENT} through it.
     */
    record Boundary(Path work, Path home, Path zedfile, String root, Path key, OpsServer ops, AgentNode node) implements AutoCloseable {
        static Boundary open(Path work, ChaosPool pool, Map<String, String> agentEnv) throws Exception {
            RunAs agent = Accounts.agent();
            Files.setPosixFilePermissions(work, PosixFilePermissions.fromString("rwx--x--x"));
            Path home = Files.createDirectories(work.resolve("agent"));
            Files.setAttribute(home, "unix:uid", (int) agent.uid());
            Files.setAttribute(home, "unix:gid", (int) agent.gid());
            Path run = Files.createDirectories(work.resolve("run"));
            Files.setPosixFilePermissions(run, PosixFilePermissions.fromString("rwxr-xr-x"));
            Path zedfile = Files.createDirectories(work.resolve("shop"));
            Files.setPosixFilePermissions(zedfile, PosixFilePermissions.fromString("rwxr-xr-x"));
            String root = pool.root();
            Path key = work.resolve("secrets.key");
            ZfsStore zfs = ZfsStore.probe(new ProcessCommand(), root.split("/")[0]);
            zed.reconciler.secret.SecretStore.init(zfs, root);
            new zed.reconciler.secret.SecretStore(zfs, root, zed.reconciler.secret.KeyFile.create(key), java.time.Clock.systemUTC())
                    .set(new zed.reconciler.secret.Slot("api"), null, CANARY.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            OpsServer ops = new OpsServer(run.resolve("ops.sock"), agent.group(), Set.of(Accounts.AGENT), new OpsRules(List.of(root), List.of()),
                    new AuditLog(work.resolve("ops-audit.log")), p -> ZfsStore.probe(new ProcessCommand(), p),
                    new OpsServices(new ServiceRules(Set.of(Accounts.USER), Set.of()), work.resolve("service-logs"), work.resolve("ops/started.json"),
                            consumer -> new zed.reconciler.secret.StoredSecrets(new zed.reconciler.secret.SecretStore(zfs, root,
                                    zed.reconciler.secret.KeyFile.load(key), java.time.Clock.systemUTC())).forService(consumer)));
            ops.start();
            AgentNode node = new AgentNode(ZedProcess.bin(), home, List.of("--ops-socket", ops.socket().toString(), "--service-user", Accounts.USER),
                    List.of("setpriv", "--reuid=" + agent.uid(), "--regid=" + agent.gid(), "--init-groups", "--inh-caps=-all", "--ambient-caps=-all", "--"),
                    "127.0.0.1", agentEnv);
            Boundary b = new Boundary(work, home, zedfile, root, key, ops, node);
            try {
                node.start();
                assertEquals(agent.uid(), uid(node.javaPid()), "the agent runs as its own user");
            } catch (Exception | AssertionError e) {
                b.close();
                throw e;
            }
            return b;
        }

        String audit() throws Exception {
            return Files.readString(work.resolve("ops-audit.log"));
        }

        @Override
        public void close() throws Exception {
            node.close();
            ops.close();
            // a failure may leave a service running: nothing of this test outlives it
            new ProcessBuilder("pkill", "-KILL", "-u", Accounts.USER, "-f", "sleep 300").start().waitFor();
        }
    }

    @Test
    void anAgentAsAnUnprivilegedUserDeploysRollsBackAndTakesDownALevelWithAServiceThroughZedOps(@TempDir Path work) throws Exception {
        ChaosNeeds.zfsPool();
        RunAs svc = Accounts.user();
        try (ChaosPool pool = ChaosPool.fresh("unpriv"); Boundary b = Boundary.open(work, pool, Map.of())) {
            String root = b.root();
            Path key = b.key();
            Path home = b.home();
            Path zedfile = b.zedfile();
            AgentNode node = b.node();
            Path conf = mountpoint(root).resolve("www/app.conf");
            assertFalse(Files.isReadable(key) && Files.getAttribute(key, "unix:uid").equals((int) Accounts.agent().uid()), "the host key is not the agent's");
            assertTrue(Files.readString(home.resolve("agent.out")).contains("privilege boundary"), Files.readString(home.resolve("agent.out")));

            NodeCalls.Answer pushed = node.push("shop", zedfile, level(root, conf, "one"));
            assertEquals(200, pushed.status(), pushed.body().toString());
            JsonNode one = node.await("shop", converged(1), Duration.ofSeconds(60));
            long pid = AgentNode.servicePid(one);
            Path www = mountpoint(root + "/www");
            assertEquals(svc.uid() + " one greeting=one key=" + CANARY + " env=" + CANARY, await(www.resolve("whoami"), svc.uid() + " one greeting=one key=" + CANARY + " env=" + CANARY), "the service runs as its user, in its dataset");
            assertEquals(ProcessHandle.current().pid(), ProcessHandle.of(pid).flatMap(ProcessHandle::parent).map(ProcessHandle::pid).orElse(-1L),
                    "zed ops, not the agent, is the service's parent");
            assertEquals(svc.uid(), uid(pid));
            assertEquals(svc.uid(), ((Number) Files.getAttribute(conf, "unix:uid")).longValue(), "ops wrote its file as its user");
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(conf)));

            Files.writeString(www.resolve("data.txt"), "from revision 1");
            assertEquals(200, node.push("shop", zedfile, level(root, conf, "two")).status());
            JsonNode two = node.await("shop", converged(2), Duration.ofSeconds(60));
            assertEquals(svc.uid() + " two greeting=two key=" + CANARY + " env=" + CANARY, await(www.resolve("whoami"), svc.uid() + " two greeting=two key=" + CANARY + " env=" + CANARY), "revision 2's service replaced the first");
            assertFalse(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false), "ops stopped the first");
            assertEquals("two", property(root + "/www", "com.acme:greeting"));
            Files.writeString(www.resolve("data.txt"), "from revision 2");

            NodeCalls.Answer back = node.send("POST", "/v1/levels/shop/rollback", Map.of("target", "@rev:1"));
            assertEquals(202, back.status(), back.body().toString());
            zed.chaos.fault.PoolReads.awaitProperty(root + "/www", "com.acme:greeting", "one", Duration.ofSeconds(60));
            node.await("shop", s -> s.path("state").asText().equals("Converged") && AgentNode.servicePid(s) > 0, Duration.ofSeconds(60));
            assertEquals("from revision 1", Files.readString(www.resolve("data.txt")), "the data went back with the state, through ops's rollback");
            assertEquals(svc.uid() + " one greeting=one key=" + CANARY + " env=" + CANARY, await(www.resolve("whoami"), svc.uid() + " one greeting=one key=" + CANARY + " env=" + CANARY));
            long rolledBack = AgentNode.servicePid(node.await("shop", s -> AgentNode.servicePid(s) > 0, Duration.ofSeconds(30)));

            assertEquals(200, node.send("DELETE", "/v1/levels/shop", null).status());
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (ProcessHandle.of(rolledBack).map(ProcessHandle::isAlive).orElse(false)) {
                assertTrue(System.nanoTime() < deadline, "ops stops the service when its level goes");
                Thread.sleep(100); // polling interval of a deadline wait
            }
            String audit = Files.readString(work.resolve("ops-audit.log"));
            for (String op : List.of("serviceStart", "serviceStop", "serviceHome", "serviceFile", "rollback")) {
                assertTrue(audit.contains("\"op\":\"" + op + "\""), op + " went through ops: " + audit);
            }
            assertTrue(audit.contains("user " + Accounts.AGENT), "the agent's own uid, as the kernel named it: " + audit);
            assertFalse(audit.contains(CANARY), "no secret in ops's audit log");
            assertFalse(Files.readString(home.resolve("agent.out")).contains(CANARY), "nor in the agent's log");
            try (var all = Files.walk(home)) {
                for (Path p : all.filter(Files::isRegularFile).toList()) {
                    assertFalse(new String(Files.readAllBytes(p), java.nio.charset.StandardCharsets.ISO_8859_1).contains(CANARY), "nor in " + p);
                }
            }
            assertTrue(property(root + "/zed/secrets", "com.zed:secret.api.consumers").contains("shop/exec/www"), "ops recorded the consumer");
        }
    }

    /**
     * A job as a service is run: as the agent's default service user (its Zedfile names none), started by ops, in its
     * dataset, which ops gave that user; its checkpoint (a snapshot of that dataset) through ops too. It is placed on
     * lavapipe (ZED_GPU_INCLUDE_CPU=1), the one GPU this machine has.
     */
    @Test
    void aJobOfAnUnprivilegedAgentRunsAsTheServiceUserInItsDatasetAndCheckpointsThroughZedOps(@TempDir Path work) throws Exception {
        ChaosNeeds.zfsPool();
        GpuExampleTest.lavapipe();
        RunAs svc = Accounts.user();
        Path script = work.resolve("job.py");
        // its uid and HOME where it runs, then one checkpoint (the endpoint's protocol, docs/gpu.md), then exit 0
        Files.writeString(script, """
                import json, os, urllib.request
                open("whoami", "w").write("%d %s" % (os.getuid(), os.environ["HOME"]))
                req = urllib.request.Request(os.environ["ZED_CHECKPOINT_URL"], data=json.dumps({"step": 1, "metrics": {"loss": 0.5}}).encode(),
                                             headers={"Content-Type": "application/json"}, method="POST")
                urllib.request.urlopen(req, timeout=30).read()
                """);
        try (ChaosPool pool = ChaosPool.fresh("unpriv-job"); Boundary b = Boundary.open(work, pool, Map.of("ZED_GPU_INCLUDE_CPU", "1"))) {
            Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rw-r--r--"));
            String level = """
                    level "shop" {
                      pool = "%s"
                    }
                    dataset "models/m" {}
                    dataset "runs/a" {}
                    model "m" {
                      dataset  = "models/m"
                      requires = { vram = "16M" }
                    }
                    job "a" {
                      model   = model.m
                      dataset = "runs/a"
                      runtime { cmd = ["/usr/bin/python3", "%s"] }
                    }
                    """.formatted(b.root(), script);
            NodeCalls.Answer pushed = b.node().push("shop", b.zedfile(), level);
            assertEquals(200, pushed.status(), pushed.body().toString());
            // a run that failed shows at once (a job that cannot start retries with a backoff, which the wait would outlast)
            JsonNode done = b.node().await("shop", s -> job(s).path("state").asText().matches("Succeeded|Failed") || job(s).path("restarts").asInt() > 0,
                    Duration.ofSeconds(90));
            assertEquals("Succeeded", job(done).path("state").asText(), done + "\n" + logs(work.resolve("service-logs")));
            Path run = mountpoint(b.root() + "/runs/a");
            assertEquals(svc.uid() + " " + svc.home(), Files.readString(run.resolve("whoami")).strip(), "it ran as the service user, with its own HOME");
            assertEquals(svc.uid(), ((Number) Files.getAttribute(run, "unix:uid")).longValue(), "ops gave it its dataset's mountpoint");
            List<String> snaps = zed.chaos.fault.PoolReads.snapshots(b.root() + "/runs/a");
            assertTrue(snaps.stream().anyMatch(n -> n.equals("ckpt-1")), "its checkpoint is a snapshot: " + snaps);
            String audit = b.audit();
            assertTrue(audit.contains("\"op\":\"serviceStart\"") && audit.contains("job.a"), "ops started it: " + audit);
            // its checkpoint snapshot (above) went through ops too: the agent cannot run zfs; ops audits only destructive steps
            assertTrue(audit.contains("\"op\":\"serviceHome\"") && audit.contains("\"service\":\"job.a\""), "ops gave it its home: " + audit);
        }
    }

    /** What the processes ops started printed: a failure's explanation. */
    static String logs(Path dir) throws Exception {
        StringBuilder b = new StringBuilder();
        try (var all = Files.walk(dir)) {
            for (Path p : all.filter(Files::isRegularFile).toList()) b.append(p).append(":\n").append(Files.readString(p)).append('\n');
        }
        return b.toString();
    }

    static JsonNode job(JsonNode status) {
        for (JsonNode r : status.path("resources")) if (r.path("kind").asText().equals("job")) return r;
        return com.fasterxml.jackson.databind.node.MissingNode.getInstance();
    }

    static java.util.function.Predicate<JsonNode> converged(long rev) {
        return s -> s.path("state").asText().equals("Converged") && s.path("desiredRevision").asLong() == rev && AgentNode.servicePid(s) > 0;
    }

    static long uid(long pid) throws Exception {
        return ((Number) Files.getAttribute(Path.of("/proc", Long.toString(pid)), "unix:uid")).longValue();
    }

    static String await(Path file, String want) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        String seen = "";
        while (System.nanoTime() < deadline) {
            try {
                seen = Files.readString(file).strip();
            } catch (java.io.IOException notYet) {
                seen = "";
            }
            if (seen.equals(want)) return seen;
            Thread.sleep(100); // polling interval of a deadline wait
        }
        return seen;
    }
}
