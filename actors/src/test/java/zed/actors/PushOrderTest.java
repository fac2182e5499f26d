package zed.actors;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.FileOutputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Pushes are applied in the order they were accepted, and an evaluation that a newer push overtook is never accepted
 * over it. The child's Zedfile reads a FIFO ({@code file("gate")}), so the test holds its evaluation in flight for as
 * long as it likes: a parent's cascade evaluates the child's old Zedfile, the operator pushes a new one meanwhile,
 * and the new one must be what runs in the end.
 */
class PushOrderTest {
    @TempDir
    Path state;
    TestNode node;

    @AfterEach
    void stop() throws Exception {
        if (node != null) node.close();
    }

    static String parent(int n) {
        return """
                level "infra" {}
                service "exec" "registry" {
                  vars    = { n = %d }
                  runtime { cmd = ["/bin/sh", "-c", "trap 'exit 0' TERM; while true; do sleep 1; done"] }
                }
                update {
                  min_healthy_time = "500ms"
                }
                """.formatted(n);
    }

    static final String CHILD_OLD = """
            level "app" {}
            dataset "old" {
              properties = {
                "com.acme:n"    = "${service.exec.registry.vars.n}"
                "com.acme:gate" = file("gate")
              }
            }
            """;

    static final String CHILD_NEW = """
            level "app" {}
            dataset "new" {}
            """;

    /** Lets one evaluation that reads the gate through: opens it (waiting for the reader), writes, closes. */
    static CompletableFuture<OutputStream> opened(Path fifo) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return new FileOutputStream(fifo.toFile()); // blocks until an evaluation opens it to read
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }, r -> new Thread(r, "fifo-writer").start());
    }

    static void release(OutputStream gate) throws Exception {
        gate.write("x".getBytes(StandardCharsets.UTF_8));
        gate.close();
    }

    @Test
    void aPushThatCameWhileACascadeWasEvaluatedIsWhatRunsInTheEnd() throws Exception {
        node = TestNode.start(state);
        Path dir = state.resolve("infra/app");
        Files.createDirectories(dir);
        Path fifo = dir.resolve("gate");
        assertEquals(0, new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor());

        node.push("infra", "infra", null, parent(1));
        node.converged("infra", 1);
        CompletableFuture<OutputStream> first = opened(fifo);
        CompletableFuture<TestNode.Answer> child = CompletableFuture.supplyAsync(() -> call(() -> node.push("infra/app", "infra/app", "infra", CHILD_OLD)));
        release(first.get(60, TimeUnit.SECONDS));
        assertEquals(200, child.get(60, TimeUnit.SECONDS).status());
        node.converged("infra/app", 1);

        // the parent changes: the child evaluates its Zedfile again, and that evaluation is held at the gate
        CompletableFuture<OutputStream> cascade = opened(fifo);
        node.push("infra", "infra", null, parent(2));
        OutputStream held = cascade.get(60, TimeUnit.SECONDS);
        // meanwhile the operator pushes a new Zedfile for the child
        CompletableFuture<TestNode.Answer> newer = CompletableFuture.supplyAsync(() -> call(() -> node.push("infra/app", "infra/app", "infra", CHILD_NEW)));
        try {
            newer.get(2, TimeUnit.SECONDS); // it waits its turn behind the evaluation in flight (or, broken, answers at once)
        } catch (TimeoutException waiting) {
            // in order: it is evaluated once the cascade's evaluation is done
        }
        release(held);
        TestNode.Answer answer = newer.get(60, TimeUnit.SECONDS);
        assertEquals(200, answer.status(), String.valueOf(answer.body()));
        long rev = answer.body().get("revision").asLong();
        JsonNode s = node.converged("infra/app", rev);
        JsonNode later = node.get("/v1/levels/infra%2Fapp");
        assertEquals(rev, later.get("revision").asLong(), "nothing was accepted after the operator's push: " + later);
        boolean runsNew = false;
        for (JsonNode r : s.get("resources")) runsNew |= r.get("name").asText().equals("new");
        assertTrue(runsNew, "the operator's Zedfile runs, not the one the cascade evaluated: " + s);
        assertEquals(3, rev, "the cascade's revision 2, then the push's revision 3");
    }

    @Test
    void refusedPushesToALevelThatNeverGotARevisionAreAllAnsweredWhenTheyComeAtOnce() throws Exception {
        // found by the API fuzzer: the first refusal passivated the entity under the pushes that waited behind it,
        // and their answers were lost (a 503 after the ask's 15 s)
        node = TestNode.start(state);
        Files.createDirectories(state.resolve("other"));
        String body = node.json.writeValueAsString(java.util.Map.of("source", "level \"other\" {}\n", "dir", state.resolve("other").toString()));
        java.util.concurrent.ExecutorService clients = java.util.concurrent.Executors.newFixedThreadPool(8);
        try {
            java.util.List<CompletableFuture<TestNode.Answer>> pushes = new java.util.ArrayList<>();
            for (int i = 0; i < 24; i++) {
                String id = "new" + i % 3; // resolves to level "other": every push is refused
                pushes.add(CompletableFuture.supplyAsync(() -> call(() -> node.send("PUT", "/v1/levels/" + id, body)), clients));
            }
            for (CompletableFuture<TestNode.Answer> p : pushes) {
                TestNode.Answer a = p.get(60, TimeUnit.SECONDS);
                assertEquals(400, a.status(), String.valueOf(a.body()));
            }
        } finally {
            clients.shutdownNow();
        }
        assertEquals("[]", node.get("/v1/levels").get("levels").toString(), "a refused level does not live on");
    }

    @Test
    void aStopThatAPushAndASecondStopOvertookIsAnsweredToo() throws Exception {
        // found by the API fuzzer: the second stop replaced the first one under way, whose DELETE never got an answer
        // (pekko closed the connection after its 60 s idle timeout)
        node = TestNode.start(state);
        Path dir = state.resolve("slow");
        Files.createDirectories(dir);
        Path gate = dir.resolve("gate");
        assertEquals(0, new ProcessBuilder("mkfifo", gate.toString()).start().waitFor());
        // a service that, told to stop, waits at the gate before it exits
        String slow = "level \"slow\" {}\nservice \"exec\" \"s\" {\n  runtime { cmd = [\"/bin/sh\", \"-c\", \"trap 'cat " + gate
                + " >/dev/null; exit 0' TERM; while true; do sleep 1; done\"] }\n}\nupdate {\n  min_healthy_time = \"500ms\"\n}\n";
        assertEquals(200, node.push("slow", "slow", null, slow).status());
        node.converged("slow", 1);
        java.util.concurrent.ExecutorService clients = java.util.concurrent.Executors.newFixedThreadPool(2);
        try {
            CompletableFuture<OutputStream> stopping = opened(gate);
            CompletableFuture<TestNode.Answer> first = CompletableFuture.supplyAsync(() -> call(() -> node.send("DELETE", "/v1/levels/slow", null)), clients);
            OutputStream held = stopping.get(60, TimeUnit.SECONDS); // the service is stopping, held at the gate
            assertEquals(200, node.push("slow", "slow", null, slow).status(), "a push restarts the stopped level");
            CompletableFuture<TestNode.Answer> second = CompletableFuture.supplyAsync(() -> call(() -> node.send("DELETE", "/v1/levels/slow", null)), clients);
            node.await("slow", s -> s.path("revision").asLong() == 2 && s.path("state").asText().equals("Stopped"), "the second stop to be journaled");
            release(held);
            assertEquals(200, first.get(60, TimeUnit.SECONDS).status(), "the first DELETE is answered");
            assertEquals(200, second.get(60, TimeUnit.SECONDS).status(), "the second DELETE is answered");
        } finally {
            clients.shutdownNow();
        }
    }

    interface Call<T> {
        T run() throws Exception;
    }

    static <T> T call(Call<T> c) {
        try {
            return c.run();
        } catch (Exception e) {
            throw new java.util.concurrent.CompletionException(e);
        }
    }

}
