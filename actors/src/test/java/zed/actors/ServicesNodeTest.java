package zed.actors;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import zed.reconciler.secret.KeyFile;
import zed.reconciler.secret.SecretStore;
import zed.reconciler.secret.Slot;
import zed.reconciler.store.DirStore;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What a level promises its services, over real HTTP against a real node with real processes: update.max_parallel,
 * runtime.after, a failed start that is tried again, health shown beside the gate, a child that says its parent
 * failed, secrets from the host's store, and the Zedfile rules the node applies.
 */
class ServicesNodeTest {
    @TempDir
    Path state;
    TestNode node;

    @AfterEach
    void stop() throws Exception {
        if (node != null) node.close();
    }

    /** A service that appends "NAME NANOS" to {@code starts} when it starts, then runs until stopped. */
    String service(String name, String version, String extra) {
        return """
                service "exec" "%s" {
                  env = { VERSION = "%s" }
                  runtime {
                    cmd = ["/bin/sh", "-c", "echo %s $(date +%%s%%N) >> %s; trap 'exit 0' TERM; while true; do sleep 1; done"]
                    %s
                  }
                }
                """.formatted(name, version, name, state.resolve("starts"), extra);
    }

    record Start(String name, long nanos) {
    }

    List<Start> starts() throws Exception {
        List<Start> out = new ArrayList<>();
        if (!Files.exists(state.resolve("starts"))) return out;
        for (String l : Files.readAllLines(state.resolve("starts"))) {
            String[] f = l.trim().split(" ");
            if (f.length == 2) out.add(new Start(f[0], Long.parseLong(f[1])));
        }
        return out;
    }

    List<Start> awaitStarts(int n) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (starts().size() < n) {
            if (System.nanoTime() > deadline) throw new AssertionError("fewer than " + n + " starts: " + starts());
            Thread.sleep(100); // polling interval of a deadline wait
        }
        return starts();
    }

    static final String UPDATE = """
            level "shop" {}
            update {
              min_healthy_time = "1s"
              max_parallel     = %d
            }
            """;

    @Test
    void maxParallelRestartsThatManyServicesAtATimeEachUntilItsGatePasses() throws Exception {
        node = TestNode.start(state);
        String v1 = UPDATE.formatted(1) + service("a", "1", "") + service("b", "1", "") + service("c", "1", "");
        node.push("shop", "shop", null, v1);
        node.converged("shop", 1);
        List<Start> first = awaitStarts(3);
        long spread = first.stream().mapToLong(Start::nanos).max().orElseThrow() - first.stream().mapToLong(Start::nanos).min().orElseThrow();
        assertTrue(spread < Duration.ofSeconds(1).toNanos(), "new services replace nothing: they start together: " + first);

        String v2 = UPDATE.formatted(1) + service("a", "2", "") + service("b", "2", "") + service("c", "2", "");
        node.push("shop", "shop", null, v2);
        node.converged("shop", 2);
        List<Start> restarts = awaitStarts(6).subList(3, 6);
        for (int i = 1; i < restarts.size(); i++) {
            long gap = restarts.get(i).nanos() - restarts.get(i - 1).nanos();
            // each restart waits for the one before it to pass its gate: alive 1s, then healthy for min_healthy_time 1s
            assertTrue(gap >= Duration.ofMillis(1800).toNanos(), "max_parallel = 1 restarts one at a time: " + restarts);
        }

        String v3 = UPDATE.formatted(3) + service("a", "3", "") + service("b", "3", "") + service("c", "3", "");
        node.push("shop", "shop", null, v3);
        node.converged("shop", 3);
        List<Start> together = awaitStarts(9).subList(6, 9);
        long spread3 = together.stream().mapToLong(Start::nanos).max().orElseThrow() - together.stream().mapToLong(Start::nanos).min().orElseThrow();
        assertTrue(spread3 < Duration.ofSeconds(1).toNanos(), "max_parallel = 3 restarts all three at once: " + together);
    }

    @Test
    void aServiceWithAfterStartsOnlyOnceTheNamedOneIsHealthy() throws Exception {
        node = TestNode.start(state);
        Path ready = state.resolve("db-ready");
        String level = """
                level "shop" {}
                update {
                  min_healthy_time = "500ms"
                }
                service "exec" "db" {
                  runtime { cmd = ["/bin/sh", "-c", "sleep 2; touch %s; trap 'exit 0' TERM; while true; do sleep 1; done"] }
                  health "exec" {
                    command  = ["test", "-f", "%s"]
                    interval = "300ms"
                  }
                }
                """.formatted(ready, ready) + service("app", "1", "after = [service.exec.db]");
        node.push("shop", "shop", null, level);
        node.converged("shop", 1);
        Start app = awaitStarts(1).get(0);
        long readyAt = Files.getLastModifiedTime(ready).toMillis();
        assertTrue(app.nanos() / 1_000_000 >= readyAt, "app started at " + app.nanos() / 1_000_000 + ", before db was ready at " + readyAt);
    }

    /**
     * A new process is probed as soon as it runs, and again every 200 ms until its check passes: its healthy time starts
     * at its first answer, not up to an interval later (a failover's converge waited for it). Here the check's interval
     * is 30 s and the service answers 1 s after its start: Converged within seconds, not after 30.
     */
    @Test
    void aNewProcessIsProbedAtOnceAndSoonAgainUntilItAnswers() throws Exception {
        node = TestNode.start(state);
        Path ready = state.resolve("web-ready");
        String level = """
                level "shop" {}
                update {
                  min_healthy_time = "500ms"
                }
                service "exec" "web" {
                  runtime { cmd = ["/bin/sh", "-c", "sleep 1; touch %s; trap 'exit 0' TERM; while true; do sleep 1; done"] }
                  health "exec" {
                    command  = ["test", "-f", "%s"]
                    interval = "30s"
                  }
                }
                """.formatted(ready, ready);
        long t0 = System.nanoTime();
        node.push("shop", "shop", null, level);
        node.converged("shop", 1);
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertTrue(ms < 15_000, "Converged " + ms + " ms after the push: the check waited for its 30 s interval");
        long readyAt = Files.getLastModifiedTime(ready).toMillis();
        assertTrue(System.currentTimeMillis() >= readyAt + 500, "Converged before the check had passed for min_healthy_time");
    }

    @Test
    void aServiceThatCannotStartYetIsTriedAgainUntilItsDeadline() throws Exception {
        node = TestNode.start(state);
        Path later = state.resolve("later.sh");
        node.push("shop", "shop", null, """
                level "shop" {}
                update {
                  min_healthy_time = "500ms"
                }
                service "exec" "late" {
                  runtime { cmd = ["%s"] }
                }
                """.formatted(later));
        JsonNode retrying = node.await("shop", s -> why(s, "service.exec.late").startsWith("retrying"), "the failed start to be tried again");
        assertEquals("Converging", retrying.get("state").asText(), "one failed start fails nothing: " + retrying);
        Files.writeString(later, "#!/bin/sh\ntrap 'exit 0' TERM\nwhile true; do sleep 1; done\n");
        assertTrue(later.toFile().setExecutable(true));
        node.converged("shop", 1);
    }

    @Test
    void healthSaysWhatTheChecksSayNowBesideTheGatesVerdict() throws Exception {
        node = TestNode.start(state);
        Path ok = state.resolve("ok");
        Files.writeString(ok, "");
        node.push("shop", "shop", null, """
                level "shop" {}
                update {
                  min_healthy_time = "500ms"
                }
                service "exec" "web" {
                  runtime { cmd = ["/bin/sh", "-c", "trap 'exit 0' TERM; while true; do sleep 1; done"] }
                  health "exec" {
                    command           = ["test", "-f", "%s"]
                    interval          = "300ms"
                    failure_threshold = 2
                  }
                }
                """.formatted(ok));
        JsonNode s = node.converged("shop", 1);
        JsonNode web = resource(s, "service.exec.web");
        assertEquals("passed", web.get("gate").asText());
        assertEquals("Healthy", web.get("health").asText());
        Files.delete(ok);
        JsonNode sick = node.await("shop", x -> resource(x, "service.exec.web").path("health").asText().equals("Unhealthy"), "the service to be unhealthy");
        assertEquals("passed", resource(sick, "service.exec.web").get("gate").asText(), "the revision's gate passed, and stays so");
        assertEquals("Converged", sick.get("state").asText());
    }

    @Test
    void aChildWhoseParentFailedSaysSoInItsStatus() throws Exception {
        node = TestNode.start(state);
        node.push("infra", "infra", null, """
                level "infra" {}
                update {
                  min_healthy_time = "500ms"
                  healthy_deadline = "2s"
                }
                service "exec" "broken" {
                  runtime { cmd = ["/bin/sh", "-c", "exit 3"] }
                }
                """);
        node.await("infra", x -> x.path("state").asText().equals("Failed"), "the parent to fail");
        assertEquals(200, node.push("infra/app", "infra/app", "infra", "level \"app\" {}\n").status());
        JsonNode child = node.await("infra/app", x -> x.has("waiting"), "the child to say what it waits for");
        assertTrue(child.get("waiting").asText().startsWith("the parent level infra is Failed ("), child.toString());
        assertTrue(child.get("waiting").asText().contains("service.exec.broken"), child.toString());
    }

    static final String SECRET_VALUE = "canary-0b9e4d61";

    /**
     * A Zedfile's {@code secret(slot, field?)}: resolved from the host's encrypted store when the process starts, into
     * its environment; a slot that is not set fails that service's start with an error that names the slot. The value
     * shows in no status, nor on the command line of any process on the host (events, logs, journal and metrics: the
     * canary test of issue 13, not built yet).
     */
    @Test
    void aServiceGetsItsSecretAtStartAndAMissingSlotFailsItsStartByName() throws Exception {
        // what zed secrets init and set do, on the node's dir store
        SecretStore.init(new DirStore(state.resolve("store")), null);
        SecretStore secrets = new SecretStore(new DirStore(state.resolve("store")), null, KeyFile.create(KeyFile.in(state)), Clock.systemUTC());
        secrets.set(new Slot("db"), null, (SECRET_VALUE + "\n").getBytes(StandardCharsets.UTF_8));
        secrets.set(new Slot("api"), "token", ("t-" + SECRET_VALUE).getBytes(StandardCharsets.UTF_8));
        Path seen = state.resolve("seen");
        node = TestNode.start(state);
        node.push("shop", "shop", null, """
                level "shop" {}
                update {
                  min_healthy_time = "300ms"
                }
                service "exec" "web" {
                  env = { PW = secret("db"), AUTH = "Bearer ${secret("api", "token")}" }
                  runtime { cmd = ["/bin/sh", "-c", "printf '%%s|%%s' \\"$PW\\" \\"$AUTH\\" > %s.tmp && mv %s.tmp %s; trap 'exit 0' TERM; while true; do sleep 1; done"] }
                }
                service "exec" "orphan" {
                  env = { PW = secret("nope") }
                  runtime { cmd = ["/bin/sh", "-c", "trap 'exit 0' TERM; while true; do sleep 1; done"] }
                }
                """.formatted(seen, seen, seen));
        JsonNode failing = node.await("shop", s -> why(s, "service.exec.orphan").contains("secret slot \"nope\" is not set"),
                "the start of the service without its secret to fail, naming the slot");
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!Files.exists(seen)) {
            if (System.nanoTime() > deadline) throw new AssertionError("the service with its secrets did not start: " + node.get("/v1/levels/shop"));
            Thread.sleep(100); // polling interval of a deadline wait
        }
        assertEquals(SECRET_VALUE + "|Bearer t-" + SECRET_VALUE, Files.readString(seen), "the environment the process got");
        // each start recorded its service as the slot's consumer: the slot no one set is "unset"
        assertEquals(List.of("shop/exec/web"), secrets.record(new Slot("db")).consumers());
        java.util.Map<String, String> verdicts = new java.util.TreeMap<>();
        for (SecretStore.Checked c : secrets.verify()) verdicts.put(c.slot().name(), c.verdict().word() + " " + c.record().consumers());
        assertEquals(java.util.Map.of("api", "ok [shop/exec/web]", "db", "ok [shop/exec/web]", "nope", "unset [shop/exec/orphan]"), verdicts);

        JsonNode status = node.get("/v1/levels/shop");
        assertFalse(status.toString().contains(SECRET_VALUE), status.toString());
        assertFalse(failing.toString().contains(SECRET_VALUE), failing.toString());
        // no process on the host has the value on its command line (what ps shows)
        try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
            procs.filter(p -> p.getFileName().toString().matches("\\d+")).forEach(p -> {
                try {
                    String cmdline = new String(Files.readAllBytes(p.resolve("cmdline")), StandardCharsets.UTF_8);
                    assertFalse(cmdline.contains(SECRET_VALUE), p + ": " + cmdline);
                } catch (java.io.IOException gone) {
                    // the process ended meanwhile
                }
            });
        }
        assertTrue(Files.readString(state.resolve("store/zed/secrets/db.age"), StandardCharsets.ISO_8859_1).startsWith("age-encryption.org/v1"));
    }

    @Test
    void theNodeAppliesTheZedfilesRules() throws Exception {
        node = TestNode.start(state);
        TestNode.Answer fast = node.push("fast", "fast", null, """
                level "fast" {}
                service "exec" "web" {
                  runtime { cmd = ["/bin/sh", "-c", "trap 'exit 0' TERM; while true; do sleep 1; done"] }
                  health "exec" {
                    command  = ["true"]
                    interval = "500ms"
                  }
                }
                """);
        assertEquals(200, fast.status(), "a 500ms interval without a timeout is fine: " + fast.body());

        TestNode.Answer revert = node.push("norevert", "norevert", null, """
                level "norevert" {}
                snapshots {
                  before_deploy = false
                }
                update {
                  auto_revert = true
                }
                """);
        assertEquals(400, revert.status());
        JsonNode e = revert.body().get("errors").get(0);
        assertEquals(6, e.get("line").asInt(), e.toString());
        assertTrue(e.get("message").asText().contains("before_deploy"), e.toString());

        // a job whose model needs more VRAM than this host has (no GPU here): refused at push, at the job, with the table
        TestNode.Answer model = node.push("gpu", "gpu", null, """
                level "gpu" {}
                dataset "models/llama" {}
                dataset "runs/ft" {}
                model "llama" {
                  dataset  = "models/llama"
                  requires = { vram = "1G" }
                }
                job "ft" {
                  model   = model.llama
                  dataset = "runs/ft"
                  runtime { cmd = ["true"] }
                }
                """);
        assertEquals(400, model.status());
        assertEquals(1, model.body().get("errors").size(), model.body().toString());
        JsonNode fits = model.body().get("errors").get(0);
        assertEquals(8, fits.get("line").asInt(), fits.toString());
        assertTrue(fits.get("message").asText().startsWith("job \"ft\" (model llama): fits on no host: no host has a GPU with 1024 MiB free"), fits.toString());
        assertTrue(fits.get("message").asText().contains("HOST  GPU  NAME"), "the table of free VRAM: " + fits);
        assertEquals(404, node.send("GET", "/v1/levels/gpu", null).status(), "a refused first push leaves no level behind");
    }

    @Test
    void aServiceNamingNoSuchUserOrOneThatCannotReachItsHomeFailsItsStartSayingSo() throws Exception {
        zed.reconciler.process.Accounts.user();
        node = TestNode.start(state);
        Path home = state.resolve("www-home");
        Files.createDirectories(home);
        node.push("shop", "shop", null, """
                level "shop" {}
                dataset "www" { mountpoint = "%s" }
                dataset "ghost" { mountpoint = "%s" }
                service "exec" "www" {
                  dataset = "www"
                  user = "%s"
                  runtime { cmd = ["/bin/sh", "-c", "trap 'exit 0' TERM; while true; do sleep 1; done"] }
                }
                service "exec" "ghost" {
                  dataset = "ghost"
                  user = "zedtest-nosuch"
                  runtime { cmd = ["/bin/sh", "-c", "trap 'exit 0' TERM; while true; do sleep 1; done"] }
                }
                """.formatted(home, state.resolve("ghost-home"), zed.reconciler.process.Accounts.USER));
        // the home is in the node's state directory, which is the node's alone (0700)
        JsonNode status = node.await("shop", st -> why(st, "service.exec.ghost").contains("user \"zedtest-nosuch\" does not exist on this host")
                        && why(st, "service.exec.www").contains("user \"" + zed.reconciler.process.Accounts.USER + "\" cannot reach its home"),
                "each service's start to fail, saying why");
        assertTrue(why(status, "service.exec.www").contains(state + " is closed to it"), status.toString());
        assertEquals(0L, resource(status, "service.exec.ghost").path("pid").asLong(0), "nothing ran for it, as root or anyone: " + status);
        assertEquals(0L, resource(status, "service.exec.www").path("pid").asLong(0), status.toString());
        // and one that names a user but no dataset is refused at its position: its home would hold the node's logs
        TestNode.Answer refused = node.push("bare", "bare", null, """
                level "bare" {}
                service "exec" "www" {
                  user = "www"
                  runtime { cmd = ["/bin/true"] }
                }
                """);
        assertEquals(400, refused.status(), refused.body().toString());
        assertEquals(3, refused.body().get("errors").get(0).get("line").asInt(), refused.body().toString());
    }

    static JsonNode resource(JsonNode status, String name) {
        for (JsonNode r : status.path("resources")) if (r.path("name").asText().equals(name)) return r;
        return com.fasterxml.jackson.databind.node.MissingNode.getInstance();
    }

    static String why(JsonNode status, String name) {
        return resource(status, name).path("why").asText("");
    }

    static Predicate<JsonNode> converged(long rev) {
        return s -> s.path("state").asText().equals("Converged") && s.path("desiredRevision").asLong() == rev;
    }
}
