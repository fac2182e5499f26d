package zed.chaos.fault;

import com.fasterxml.jackson.databind.JsonNode;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Scenario 2 of the chaos suite: the pool fills during a deploy. The level's datasets live under a dataset with a
 * quota; a revision reserves more than it allows, so a create fails half-way through the deploy. Then: a typed event
 * names the dataset and the cause (NO_SPACE), the level reverts to its stable revision, no dataset is half-stamped, the
 * node stays healthy, and once space is freed the same revision deploys.
 */
final class PoolFull {
    static final String LEVEL = "full";
    private final AgentNode node;
    private final String root;
    private final Path dir;
    private final Outcome outcome;

    PoolFull(AgentNode node, String root, Path dir, Outcome outcome) {
        this.node = node;
        this.root = root;
        this.dir = dir;
        this.outcome = outcome;
    }

    static String zedfile(boolean big) {
        return """
                level "full" {}
                update {
                  min_healthy_time = "500ms"
                }
                dataset "base" {
                  properties = { reservation = "16M" }
                }
                """ + (big ? """
                dataset "big1" {
                  properties = { reservation = "24M" }
                }
                dataset "big2" {
                  properties = { reservation = "24M" }
                }
                """ : "");
    }

    void run() throws Exception {
        outcome.run();
        HostFacts.zfs("set", "quota=56M", root);
        node.push(LEVEL, dir, zedfile(false));
        JsonNode stable = node.await(LEVEL, s -> s.path("state").asText().equals("Converged"), Duration.ofMinutes(2));
        if (!outcome.check(stable != null && stable.path("state").asText().equals("Converged"), "the small revision did not converge: " + stable)) return;
        long first = stable.get("desiredRevision").asLong();

        NodeCalls.Answer big = node.push(LEVEL, dir, zedfile(true));
        outcome.fault();
        long bigRev = big.body().path("revision").asLong();
        JsonNode back = node.await(LEVEL, s -> s.path("state").asText().equals("Converged") && s.path("revision").asLong() == bigRev
                && s.path("desiredRevision").asLong() == first, Duration.ofMinutes(2));
        outcome.check(back != null && back.path("desiredRevision").asLong() == first, "not reverted to revision " + first + ": " + back);
        List<JsonNode> events = node.events(LEVEL, got -> got.stream().anyMatch(e -> e.path("type").asText().equals("ConvergeFailed")), Duration.ofSeconds(60));
        JsonNode failed = events.stream().filter(e -> e.path("type").asText().equals("ConvergeFailed")).findFirst().orElse(null);
        outcome.check(failed != null && failed.path("cause").asText().equals("NO_SPACE") && failed.path("resource").asText().startsWith("dataset.big"),
                "no typed event naming the dataset and NO_SPACE: " + failed);
        // no dataset half-stamped: each carries a revision and the spec hash of its own spec, or nothing of Zed's
        for (Map.Entry<String, Map<String, String>> d : HostFacts.own(root, "com.zed:rev,com.zed:spec-hash").entrySet()) {
            if (d.getKey().equals(root)) continue;
            boolean whole = d.getValue().containsKey("com.zed:rev") == d.getValue().containsKey("com.zed:spec-hash");
            outcome.check(whole, d.getKey() + " is stamped " + d.getValue());
        }
        outcome.check(node.send("GET", "/v1/health", null).ok(), "the node does not answer its health check");

        HostFacts.zfs("set", "quota=none", root);
        NodeCalls.Answer again = node.push(LEVEL, dir, zedfile(true));
        long rev = again.body().path("revision").asLong();
        outcome.check(again.ok() && rev > bigRev, "the deploy after space was freed was not a new revision: " + again.body());
        JsonNode after = node.await(LEVEL, s -> s.path("state").asText().equals("Converged") && s.path("desiredRevision").asLong() == rev, Duration.ofMinutes(2));
        outcome.check(after != null && after.path("desiredRevision").asLong() == rev, "the deploy after space was freed did not converge: " + after);
        node.send("DELETE", AgentNode.level(LEVEL) + "?destroy=true", null);
    }
}
