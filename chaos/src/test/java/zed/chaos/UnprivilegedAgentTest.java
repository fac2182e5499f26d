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

    @Test
    void anAgentAsAnUnprivilegedUserDeploysRollsBackAndTakesDownALevelWithAServiceThroughZedOps(@TempDir Path work) throws Exception {
        ChaosNeeds.zfsPool();
        RunAs agent = Accounts.agent();
        RunAs svc = Accounts.user();
        Files.setPosixFilePermissions(work, PosixFilePermissions.fromString("rwx--x--x"));
        Path home = Files.createDirectories(work.resolve("agent"));
        Files.setAttribute(home, "unix:uid", (int) agent.uid());
        Files.setAttribute(home, "unix:gid", (int) agent.gid());
        Path run = Files.createDirectories(work.resolve("run"));
        Files.setPosixFilePermissions(run, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path zedfile = Files.createDirectories(work.resolve("shop"));
        Files.setPosixFilePermissions(zedfile, PosixFilePermissions.fromString("rwxr-xr-x"));
        try (ChaosPool pool = ChaosPool.fresh("unpriv")) {
            String root = pool.root();
            // the host's secrets: their key root's, read by ops alone (not in the agent's home)
            Path key = work.resolve("secrets.key");
            ZfsStore zfs = ZfsStore.probe(new ProcessCommand(), root.split("/")[0]);
            zed.reconciler.secret.SecretStore.init(zfs, root);
            new zed.reconciler.secret.SecretStore(zfs, root, zed.reconciler.secret.KeyFile.create(key), java.time.Clock.systemUTC())
                    .set(new zed.reconciler.secret.Slot("api"), null, CANARY.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            Path conf = mountpoint(root).resolve("www/app.conf");
            OpsServer ops = new OpsServer(run.resolve("ops.sock"), agent.group(), Set.of(Accounts.AGENT), new OpsRules(List.of(root), List.of()),
                    new AuditLog(work.resolve("ops-audit.log")), p -> ZfsStore.probe(new ProcessCommand(), p),
                    new OpsServices(new ServiceRules(Set.of(Accounts.USER), Set.of()), work.resolve("service-logs"), work.resolve("ops/started.json"),
                            consumer -> new zed.reconciler.secret.StoredSecrets(new zed.reconciler.secret.SecretStore(zfs, root,
                                    zed.reconciler.secret.KeyFile.load(key), java.time.Clock.systemUTC())).forService(consumer)));
            ops.start();
            AgentNode node = new AgentNode(ZedProcess.bin(), home, List.of("--ops-socket", ops.socket().toString()),
                    List.of("setpriv", "--reuid=" + agent.uid(), "--regid=" + agent.gid(), "--init-groups", "--inh-caps=-all", "--ambient-caps=-all", "--"),
                    "127.0.0.1", Map.of());
            try {
                node.start();
                assertEquals(agent.uid(), uid(node.javaPid()), "the agent runs as its own user");
                assertFalse(Files.isReadable(key) && Files.getAttribute(key, "unix:uid").equals((int) agent.uid()), "the host key is not the agent's");
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
            } finally {
                node.close();
                ops.close();
                // a failure above may leave the service running: nothing of this test outlives it
                new ProcessBuilder("pkill", "-KILL", "-u", Accounts.USER, "-f", "sleep 300").start().waitFor();
            }
        }
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
