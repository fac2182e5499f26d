package zed.actors;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import zed.reconciler.ops.AuditLog;
import zed.reconciler.ops.OpsRules;
import zed.reconciler.ops.OpsServer;
import zed.reconciler.store.ProcessCommand;
import zed.reconciler.store.ZfsStore;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A real node whose levels' datasets go through a real zed ops (its Unix socket, its rules) on the zfs-fuse pool: a
 * level under the managed root is stamped and snapshotted through it; a level whose pool is outside the roots is
 * refused by ops, not by the node; a service of a level is started by ops as its user, in its dataset, and stopped by
 * ops when its level goes; {@code zed sudo}'s applies run by ops where its allow list has them, refused with the line to
 * add where not. Node and ops share this JVM and its uid (root): the other uid's refusal is OpsServerTest's.
 */
class OpsNodeTest {
    @TempDir
    Path state;
    TestNode node;
    ZfsRoot zfs;
    ZfsRoot outside;
    OpsServer ops;

    @AfterEach
    void stop() throws Exception {
        if (node != null) node.close();
        if (ops != null) ops.close();
        if (zfs != null) zfs.close();
        if (outside != null) outside.close();
    }

    @Test
    void aLevelsDatasetsAndSnapshotsAreMadeThroughZedOpsAndALevelOutsideItsRootsIsRefused() throws Exception {
        zfs = ZfsRoot.fresh();
        outside = ZfsRoot.fresh();
        String root = zfs.root();
        ops = new OpsServer(state.resolve("run/ops.sock"), null, Set.of(), new OpsRules(List.of(root), List.of()),
                new AuditLog(state.resolve("ops-audit.log")), p -> ZfsStore.probe(new ProcessCommand(), p));
        ops.start();
        node = TestNode.throughOps(state.resolve("node"), ops.socket());
        String level = """
                level "shop" {
                  pool = "%s"
                }
                dataset "data" {
                  properties = { "com.acme:tier" = "%s", "compression" = "%s" }
                }
                dataset "data/cache" {}
                """;
        node.push("shop", "shop", null, level.formatted(root, "gold", "off"));
        node.converged("shop", 1);
        for (String d : List.of("data", "data/cache")) {
            assertEquals("shop", ZfsNodeTest.zfsGet("com.zed:level", root + "/" + d), d);
            assertEquals("1", ZfsNodeTest.zfsGet("com.zed:rev", root + "/" + d), d);
        }
        node.push("shop", "shop", null, level.formatted(root, "silver", "on"));
        node.converged("shop", 2);
        assertEquals("silver", ZfsNodeTest.zfsGet("com.acme:tier", root + "/data"));
        assertEquals("on", ZfsNodeTest.zfsGet("compression", root + "/data"));
        String snaps = ZfsNodeTest.run("zfs", "list", "-H", "-t", "snapshot", "-o", "name", "-r", root);
        assertTrue(snaps.contains(root + "/data@zed-deploy-"), "the deploy of revision 2 took its snapshot through ops: " + snaps);

        node.push("other", "other", null, """
                level "other" {
                  pool = "%s"
                }
                dataset "data" {}
                """.formatted(outside.root()));
        JsonNode refused = node.await("other", s -> s.toString().contains("outside the managed roots"), "ops refuses the level outside its roots");
        assertTrue(refused.toString().contains("refused by zed ops"), refused.toString());
        assertTrue(!ZfsNodeTest.run("zfs", "list", "-H", "-o", "name", "-r", outside.root()).contains(outside.root() + "/data"));
        assertTrue(Files.readString(state.resolve("ops-audit.log")).contains("outside the managed roots"));
    }

    @Test
    void aLevelsServiceIsStartedByZedOpsAsItsUserInItsDatasetAndStoppedByItWhenTheLevelGoes() throws Exception {
        zed.reconciler.process.RunAs svc = zed.reconciler.process.Accounts.user();
        zfs = ZfsRoot.fresh();
        String root = zfs.root();
        Path logs = state.resolve("service-logs");
        startOpsWithServices(root, logs);
        node.push("shop", "shop", null, """
                level "shop" {
                  pool = "%s"
                }
                dataset "www" {}
                service "exec" "www" {
                  dataset = "www"
                  user = "%s"
                  env = { API_KEY = "canary-ops-91c" }
                  runtime { cmd = ["/bin/sh", "-c", "id -u > whoami; echo started; exec sleep 300"] }
                }
                """.formatted(root, zed.reconciler.process.Accounts.USER));
        JsonNode up = node.converged("shop", 1);
        long pid = ServicesNodeTest.resource(up, "service.exec.www").path("pid").asLong();
        assertTrue(pid > 0, up.toString());
        Path home = Path.of(ZfsNodeTest.zfsGet("mountpoint", root + "/www"));
        zed.reconciler.host.Await.until("the service wrote its uid in its home", () -> Files.exists(home.resolve("whoami")));
        assertEquals(String.valueOf(svc.uid()), Files.readString(home.resolve("whoami")).strip(), "it runs as its user");
        assertEquals(svc.uid(), ((Number) Files.getAttribute(home, "unix:uid")).longValue(), "ops gave it its dataset's mountpoint");
        assertEquals(svc.uid(), zed.reconciler.process.Accounts.ids(pid).get("Uid").get(0));
        awaitLog(logs, "started");
        String audit = Files.readString(state.resolve("ops-audit.log"));
        assertTrue(audit.contains("\"op\":\"serviceStart\"") && audit.contains("\"op\":\"serviceHome\""), audit);
        assertTrue(!audit.contains("canary-ops-91c"), "the environment's values are not in ops's audit log");

        assertEquals(200, node.send("DELETE", "/v1/levels/shop", null).status());
        zed.reconciler.host.Await.until("ops stopped it with its level", () -> ProcessHandle.of(pid).map(h -> !h.isAlive()).orElse(true));
        assertTrue(Files.readString(state.resolve("ops-audit.log")).contains("\"op\":\"serviceStop\""));
    }

    @Test
    void aJailedServiceIsLaidOutWrappedAndStoppedByZedOpsAndRunsAsItsUserInsideTheSandbox() throws Exception {
        zed.reconciler.process.RunAs svc = zed.reconciler.process.Accounts.user();
        zfs = ZfsRoot.fresh();
        String root = zfs.root();
        Path logs = state.resolve("service-logs");
        startOpsWithServices(root, logs);
        node.push("shop", "shop", null, """
                level "shop" {
                  pool = "%s"
                }
                dataset "jails/web" {}
                dataset "www" {}
                jail "web" {
                  dataset  = "jails/web"
                  hostname = "web.local"
                }
                service "exec" "web" {
                  jail    = "web"
                  dataset = "www"
                  user    = "%s"
                  runtime { cmd = ["/bin/sh", "-c", "echo \\"$(id -u) $(cat /proc/sys/kernel/hostname)\\"; exec sleep 300"] }
                }
                """.formatted(root, zed.reconciler.process.Accounts.USER));
        JsonNode up = node.converged("shop", 1);
        long pid = ServicesNodeTest.resource(up, "service.exec.web").path("pid").asLong();
        assertTrue(pid > 0, up.toString());
        awaitLog(logs, svc.uid() + " web.local");
        assertTrue(Files.exists(state.resolve("ops-state/jails/web.conf")), "ops keeps the jail's record, not the agent");
        assertTrue(!Files.exists(state.resolve("node/jails/web.conf")));
        List<ProcessHandle> sandbox = ProcessHandle.of(pid).orElseThrow().descendants().toList();
        assertTrue(sandbox.stream().anyMatch(h -> h.info().command().orElse("").endsWith("sleep")), "bwrap's command runs below it");
        String audit = Files.readString(state.resolve("ops-audit.log"));
        assertTrue(audit.contains("\"op\":\"jailEnsure\"") && audit.contains("\"jail\":{\"name\":\"web\""), audit);

        assertEquals(200, node.send("DELETE", "/v1/levels/shop", null).status());
        for (ProcessHandle p : sandbox) zed.reconciler.host.Await.until("sandboxed pid " + p.pid() + " ends with its level", () -> !p.isAlive());
    }

    @Test
    void zedSudoAppliesAnAllowedHookThroughZedOpsAndReportsARefusedOneWithTheLineToAdd() throws Exception {
        zfs = ZfsRoot.fresh();
        startOpsWithServices(zfs.root(), state.resolve("service-logs"));
        Path resolver = state.resolve("resolver.conf");
        Path firewall = state.resolve("firewall.conf");
        String allowedApply = "id -u > " + resolver;
        Path allowList = state.resolve("etc/sudo-allowed");
        Files.createDirectories(allowList.getParent());
        Files.writeString(allowList, zed.reconciler.ops.SudoAllowed.line(zed.reconciler.ops.SudoAllowed.digest(allowedApply), "shop/service.exec.www/resolver") + "\n");
        Files.setPosixFilePermissions(allowList, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
        node.push("shop", "shop", null, """
                level "shop" {
                  pool = "%s"
                }
                dataset "www" {}
                service "exec" "www" {
                  dataset = "www"
                  user = "%s"
                  runtime { cmd = ["/bin/sh", "-c", "exec sleep 300"] }
                  sudo "resolver" {
                    check  = "test -s %s"
                    apply  = "%s"
                    verify = "grep -qx 0 %s"
                  }
                  sudo "firewall" {
                    check = "false"
                    apply = "touch %s"
                  }
                }
                """.formatted(zfs.root(), zed.reconciler.process.Accounts.USER, resolver, allowedApply, resolver, firewall));
        node.converged("shop", 1);

        TestNode.Answer ran = node.send("POST", "/v1/levels/shop/sudo", "{}");
        assertEquals(200, ran.status(), String.valueOf(ran.body()));
        JsonNode hooks = ran.body().get("hooks");
        assertEquals("APPLIED", hooks.get(0).get("outcome").asText(), hooks.toString());
        assertEquals("0", Files.readString(resolver).strip(), "ops ran the allowed apply as root");
        assertEquals("FAILED", hooks.get(1).get("outcome").asText(), hooks.toString());
        String add = "echo '" + zed.reconciler.ops.SudoAllowed.digest("touch " + firewall) + "  shop/service.exec.www/firewall' >> " + allowList;
        assertTrue(hooks.get(1).get("detail").asText().startsWith("apply refused by zed ops: ") && hooks.get(1).get("detail").asText().endsWith(add), hooks.toString());
        assertTrue(!Files.exists(firewall), "the refused apply ran nowhere");
        String audit = Files.readString(state.resolve("ops-audit.log"));
        assertTrue(audit.contains("\"hook\":\"resolver\"") && audit.contains("ok: {\\\"exit\\\":0"), audit);
        assertTrue(audit.contains("\"hook\":\"firewall\"") && audit.contains("refused: shop/service.exec.www/firewall"), audit);
        assertEquals("SKIPPED", node.send("POST", "/v1/levels/shop/sudo", "{}").body().get("hooks").get(0).get("outcome").asText(),
                "checked by the agent, the applied hook passes");
        assertEquals(200, node.send("DELETE", "/v1/levels/shop", null).status());
    }

    /** A real zed ops that starts services as the test's account, and a node through it. */
    void startOpsWithServices(String root, Path logs) throws Exception {
        ops = new OpsServer(state.resolve("run/ops.sock"), null, Set.of(), new OpsRules(List.of(root), List.of()),
                new AuditLog(state.resolve("ops-audit.log")), p -> ZfsStore.probe(new ProcessCommand(), p),
                new zed.reconciler.ops.OpsServices(new zed.reconciler.ops.ServiceRules(Set.of(zed.reconciler.process.Accounts.USER), Set.of()), logs,
                        state.resolve("ops-state/started.json"))).sudoAllowed(state.resolve("etc/sudo-allowed"));
        ops.start();
        node = TestNode.throughOps(state.resolve("node"), ops.socket());
    }

    /** Until the one service's stdout.log in ops's log directory holds {@code words}. */
    static void awaitLog(Path logs, String words) throws Exception {
        try (var dirs = Files.list(logs)) {
            Path dir = dirs.findFirst().orElseThrow();
            zed.reconciler.host.Await.until("\"" + words + "\" in ops's log of the service", () -> {
                try {
                    return Files.readString(dir.resolve("stdout.log")).contains(words);
                } catch (java.io.IOException e) {
                    return false;
                }
            });
        }
    }
}
