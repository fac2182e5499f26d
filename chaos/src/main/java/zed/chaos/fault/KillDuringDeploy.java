package zed.chaos.fault;

import com.fasterxml.jackson.databind.JsonNode;
import zed.reconciler.dataset.Planner;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

/**
 * Scenario 1 of the chaos suite: the node is killed with SIGKILL at a random point of a deploy (between creates,
 * while it stamps, during the health gate, during an automatic revert, during an operator's rollback), started
 * again, and then the level must hold together:
 * <ul>
 *   <li>it converges, to the newest revision or to its stable one, and its last Converged event says which;</li>
 *   <li>no dataset is half-stamped: each carries {@code com.zed:rev} of that revision and the spec hash of that
 *       revision's dataset;</li>
 *   <li>exactly one process per service, the one the status names (no twin, no orphan);</li>
 *   <li>every revision a push was answered with is in the journal.</li>
 * </ul>
 * The level: {@code datasets} datasets and three {@code python3 -m http.server} services with health checks.
 */
public final class KillDuringDeploy {
    static final String LEVEL = "chaos";
    static final int SERVICES = 3;

    private final AgentNode node;
    private final String root;
    private final Path dir;
    private final int datasets;
    private final Random random;
    /** The round each revision was pushed in: its datasets' declared properties follow from it. */
    private final Map<Long, Integer> roundOf = new HashMap<>();
    private final List<Long> answered = new ArrayList<>();
    private final Outcome outcome = new Outcome("kill -9 of the node mid-deploy", "converged (newest or stable, said by a Converged event); "
            + "every dataset's com.zed:rev and spec-hash those of that revision; exactly one process per service; no answered revision lost");

    KillDuringDeploy(AgentNode node, String root, Path dir, int datasets, long seed) {
        this.node = node;
        this.root = root;
        this.dir = dir;
        this.datasets = datasets;
        this.random = new Random(seed);
    }

    /** The level of round {@code n}: its properties say n; {@code failing} makes a check never pass (the revision fails). */
    String zedfile(int n, boolean failing) {
        StringBuilder z = new StringBuilder("""
                level "chaos" {}
                update {
                  min_healthy_time = "500ms"
                  healthy_deadline = "%s"
                }
                """.formatted(failing ? "4s" : "60s"));
        for (int i = 0; i < datasets; i++) {
            z.append("dataset \"d").append(i).append("\" {\n  properties = { compression = \"on\", \"com.acme:round\" = \"").append(n).append("\" }\n}\n");
        }
        for (int s = 0; s < SERVICES; s++) {
            z.append("""
                    service "exec" "web%d" {
                      vars    = { port = net::pickport() }
                      env     = { GENERATION = "%d" }
                      runtime { cmd = ["python3", "-m", "http.server", "${self.vars.port}", "--bind", "127.0.0.1"] }
                      health "http" {
                        url      = "http://127.0.0.1:${self.vars.port}/%s"
                        interval = "500ms"
                      }
                    }
                    """.formatted(s, n / 2, failing && s == 1 ? "never-there" : ""));
        }
        return z.toString();
    }

    /** The spec hash a dataset of revision {@code rev} carries: its name and the properties its round declared. */
    String specHash(int dataset, long rev) {
        Map<String, String> natives = new TreeMap<>(Map.of("compression", "on", "com.acme:round", String.valueOf(roundOf.get(rev))));
        return Planner.specHash("d" + dataset, natives);
    }

    Outcome run(int rounds) throws Exception {
        long t0 = System.nanoTime();
        push(0, false);
        JsonNode first = settle();
        Duration deploy = Duration.ofNanos(System.nanoTime() - t0);
        check(first);
        for (int n = 1; n <= rounds; n++) {
            outcome.run();
            double kind = random.nextDouble();
            long window;
            if (kind < 0.2 && roundOf.size() >= 2) {
                // an operator's rollback, killed while it stops, rolls back or converges
                node.send("POST", AgentNode.level(LEVEL) + "/rollback", Map.of("target", "@latest"));
                window = deploy.toMillis();
            } else if (kind < 0.4) {
                push(n, true); // fails at its deadline, then reverts: the kill may fall in either
                window = Duration.ofSeconds(4).toMillis() + deploy.toMillis();
            } else {
                push(n, false);
                window = deploy.toMillis();
            }
            Thread.sleep((long) (random.nextDouble() * window)); // the random point of the kill
            node.kill();
            outcome.fault();
            node.start();
            check(settle());
        }
        return outcome;
    }

    private void push(int n, boolean failing) throws Exception {
        long newest = node.status(LEVEL).path("revision").asLong(0);
        try {
            NodeCalls.Answer a = node.push(LEVEL, dir, zedfile(n, failing));
            if (a.ok() && a.body().path("changed").asBoolean()) {
                answered.add(a.body().get("revision").asLong());
                roundOf.put(a.body().get("revision").asLong(), n);
            }
        } catch (java.io.IOException lost) {
            // the node died with the push in flight: whether it was accepted, the revision number will say
        }
        pending = n;
        pendingFrom = newest;
    }

    /** A push whose answer may have been lost to a kill: its round, and the newest revision before it. */
    private int pending = -1;
    private long pendingFrom;

    /** Waits for the level to settle after a restart: Converged, within 3 minutes. */
    private JsonNode settle() throws Exception {
        JsonNode s = node.await(LEVEL, x -> x.path("state").asText().equals("Converged"), Duration.ofMinutes(3));
        long newest = s == null ? 0 : s.path("revision").asLong();
        if (pending >= 0 && newest > pendingFrom && !roundOf.containsKey(newest)) roundOf.put(newest, pending);
        pending = -1;
        return s;
    }

    private void check(JsonNode s) throws Exception {
        boolean settled = s != null && s.path("state").asText().equals("Converged");
        if (!outcome.check(settled, "not Converged within 3 minutes (" + (settled ? "" : node.threadDump()) + "): " + s)) return;
        long desired = s.get("desiredRevision").asLong();
        long newest = s.get("revision").asLong();
        outcome.check(desired == newest || s.path("stableRevision").asLong() == desired, "converged on " + desired + ", neither the newest " + newest
                + " nor the stable revision");
        List<JsonNode> events = node.events(LEVEL, got -> {
            java.util.Set<Long> seen = new java.util.HashSet<>();
            boolean converged = false;
            for (JsonNode e : got) {
                if (e.path("type").asText().equals("SpecAccepted")) seen.add(e.path("revision").asLong());
                if (e.path("type").asText().equals("Converged")) converged = e.path("revision").asLong() == desired;
            }
            return converged && seen.containsAll(answered);
        }, Duration.ofSeconds(60));
        JsonNode lastConverged = null;
        java.util.Set<Long> accepted = new java.util.HashSet<>();
        for (JsonNode e : events) {
            if (e.path("type").asText().equals("Converged")) lastConverged = e;
            if (e.path("type").asText().equals("SpecAccepted")) accepted.add(e.path("revision").asLong());
        }
        outcome.check(lastConverged != null && lastConverged.path("revision").asLong() == desired, "the last Converged event is " + lastConverged
                + ", not revision " + desired);
        for (long r : answered) outcome.check(r <= newest && accepted.contains(r), "revision " + r + " was answered, and is not in the journal");

        Map<String, Map<String, String>> stamps = HostFacts.own(root, "com.zed:rev,com.zed:spec-hash");
        if (outcome.check(roundOf.containsKey(desired), "revision " + desired + " came from no push this run made")) {
            for (int i = 0; i < datasets; i++) {
                Map<String, String> own = stamps.getOrDefault(root + "/d" + i, Map.of());
                outcome.check(String.valueOf(desired).equals(own.get("com.zed:rev")) && specHash(i, desired).equals(own.get("com.zed:spec-hash")),
                        "d" + i + " is stamped " + own + ", not revision " + desired);
            }
        }
        for (JsonNode r : s.path("resources")) {
            if (!r.path("kind").asText().equals("service")) continue;
            String port = r.path("ports").path("port").asText();
            List<Long> running = HostFacts.processes("http.server", port);
            outcome.check(running.equals(List.of(r.path("pid").asLong())), r.path("name").asText() + " on port " + port + " runs as " + running
                    + ", the status says pid " + r.path("pid").asLong());
        }
    }

    /** The ports of the level's services, as its status last said. */
    List<String> ports() throws Exception {
        List<String> out = new ArrayList<>();
        for (JsonNode r : node.status(LEVEL).path("resources")) if (r.path("kind").asText().equals("service")) out.add(r.path("ports").path("port").asText());
        return out;
    }
}
