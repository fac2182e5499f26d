package zed.chaos.fault;

import com.fasterxml.jackson.databind.JsonNode;
import zed.reconciler.process.Subprocess;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Scenario 4 of the chaos suite: the zfs-fuse daemon is killed under a converged level, and started again. Meanwhile
 * the node backs off, and says the pool is unavailable, in the level's status and with an event; once the daemon is
 * back, the level's datasets converge again, with an event, and its services were never restarted (their pids are the
 * same), since nothing about them changed.
 */
final class ZfsRestart {
    static final String LEVEL = "zfsdown";
    private final AgentNode node;
    private final Path repo;
    private final Path dir;
    private final Outcome outcome;

    ZfsRestart(AgentNode node, Path repo, Path dir, Outcome outcome) {
        this.node = node;
        this.repo = repo;
        this.dir = dir;
        this.outcome = outcome;
    }

    static String zedfile() {
        StringBuilder z = new StringBuilder("""
                level "zfsdown" {}
                update {
                  min_healthy_time = "500ms"
                }
                """);
        for (int i = 0; i < 10; i++) z.append("dataset \"d").append(i).append("\" {\n  properties = { \"com.acme:tier\" = \"gold\" }\n}\n");
        for (int s = 0; s < 2; s++) {
            z.append("service \"exec\" \"worker").append(s).append("\" {\n  dataset = \"d").append(s)
                    .append("\"\n  runtime { cmd = [\"/bin/sh\", \"-c\", \"trap 'exit 0' TERM; while true; do sleep 1; done\"] }\n}\n");
        }
        return z.toString();
    }

    static List<Long> pids(JsonNode status) {
        List<Long> out = new ArrayList<>();
        for (JsonNode r : status.path("resources")) if (r.path("kind").asText().equals("service")) out.add(r.path("pid").asLong());
        return out;
    }

    void run() throws Exception {
        outcome.run();
        node.push(LEVEL, dir, zedfile());
        JsonNode up = node.await(LEVEL, s -> s.path("state").asText().equals("Converged"), Duration.ofMinutes(2));
        if (!outcome.check(up != null && up.path("state").asText().equals("Converged"), "did not converge: " + up)) return;
        List<Long> before = pids(up);

        long daemon = Long.parseLong(Files.readString(Path.of("/run/zfs-fuse.pid")).strip());
        ProcessHandle.of(daemon).ifPresent(ProcessHandle::destroyForcibly);
        outcome.fault();
        JsonNode down = node.await(LEVEL, s -> !s.path("pool").path("available").asBoolean(true), Duration.ofSeconds(60));
        outcome.check(down != null && !down.path("pool").path("available").asBoolean(true), "the status never said the pool is unavailable: " + down);
        outcome.check(node.send("GET", "/v1/health", null).ok(), "the node does not answer its health check with its pool gone");

        Subprocess.Result r = Subprocess.of(List.of(repo.resolve("scripts/test-pool.sh").toString(), "restart-daemon"), Duration.ofMinutes(2)).mergingErrors().run();
        if (!outcome.check(r.exit() == 0, "zfs-fuse did not start again: " + r.stdout())) return;
        JsonNode back = node.await(LEVEL, s -> s.path("pool").path("available").asBoolean(false) && s.path("state").asText().equals("Converged")
                && allConverged(s), Duration.ofMinutes(2));
        outcome.check(back != null && allConverged(back) && back.path("pool").path("available").asBoolean(false), "the datasets did not converge again: " + back);
        if (back != null) outcome.check(pids(back).equals(before), "services were restarted: " + before + " became " + pids(back));
        List<JsonNode> events = node.events(LEVEL, got -> got.stream().anyMatch(e -> e.path("type").asText().equals("PoolAvailable")), Duration.ofSeconds(60));
        outcome.check(events.stream().anyMatch(e -> e.path("type").asText().equals("PoolUnavailable")), "no PoolUnavailable event");
        outcome.check(events.stream().anyMatch(e -> e.path("type").asText().equals("PoolAvailable")), "no PoolAvailable event");
        node.send("DELETE", AgentNode.level(LEVEL) + "?destroy=true", null);
    }

    static boolean allConverged(JsonNode s) {
        for (JsonNode r : s.path("resources")) {
            if (r.path("kind").asText().equals("dataset") && !r.path("state").asText().equals("converged")) return false;
        }
        return true;
    }
}
