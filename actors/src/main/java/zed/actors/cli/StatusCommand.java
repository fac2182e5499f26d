package zed.actors.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import zed.config.LevelSpec;
import zed.config.eval.ChainEvaluator;

import java.nio.file.Path;
import java.util.concurrent.Callable;

@Command(name = "status", description = "Shows every level of DIR's chain on the node: revision, state, and each resource's state, health and address.")
final class StatusCommand implements Callable<Integer> {
    @Parameters(index = "0", arity = "0..1", paramLabel = "DIR", description = "where the chain ends (default: the working directory)")
    Path dir = Path.of("");

    @Option(names = "--format", paramLabel = "FORMAT", description = "table (default) or json")
    PlanCommand.Format format = PlanCommand.Format.table;

    @Mixin
    NodeOptions nodeOptions;

    @Override
    public Integer call() throws Exception {
        Path home = nodeOptions.home();
        ChainEvaluator.Result local = LocalChain.evaluate(dir, home);
        if (local == null) return 1;
        NodeClient node = LocalChain.answering(nodeOptions.client());
        if (node == null) return 1;
        ArrayNode all = JsonNodeFactory.instance.arrayNode();
        for (LevelSpec l : local.levels()) {
            NodeClient.Answer a = node.get(NodeClient.level(l.id()));
            if (a.status() == 404) {
                all.addObject().put("level", l.id()).put("state", "NotPushed");
                continue;
            }
            if (!a.ok()) {
                a.errors().forEach(System.err::println);
                return 1;
            }
            all.add(a.body());
        }
        if (format == PlanCommand.Format.json) {
            System.out.println(Json.write(all));
            return 0;
        }
        for (JsonNode s : all) {
            print(s.get("level").asText(), s, "");
            // a level on several hosts: each instance, with its host, revision, state and resources
            for (JsonNode i : s.path("instances")) print("host " + i.path("host").asText(), i, "  ");
            rollout(s.path("rollout"));
        }
        return 0;
    }

    /** A multi-host level's rollout: its state, then per host its step, revision and health. */
    private static void rollout(JsonNode r) {
        if (!r.has("state")) return;
        System.out.println("  rollout " + r.path("rollout").asLong() + " (" + r.path("strategy").asText() + ")  " + r.path("state").asText()
                + (r.has("stableRevision") ? "  stable revision " + r.get("stableRevision").asLong() : "") + (r.hasNonNull("error") ? "  error: " + r.get("error").asText() : ""));
        for (JsonNode h : r.path("hosts")) {
            System.out.println("    host " + h.path("host").asText() + "  " + h.path("state").asText()
                    + (h.has("revision") ? "  revision " + h.get("revision").asLong() : "") + running(h) + (h.has("health") ? "  " + h.get("health").asText() : "")
                    + (h.hasNonNull("why") ? "  " + h.get("why").asText() : ""));
        }
    }

    /** " (running N)" when a level or host runs another revision than the last it accepted (after a rollback), else "". */
    private static String running(JsonNode s) {
        return s.has("desiredRevision") && s.get("desiredRevision").asLong() != s.path("revision").asLong() ? " (running " + s.get("desiredRevision").asLong() + ")" : "";
    }

    private static void print(String name, JsonNode s, String indent) {
        System.out.println(indent + name + "  " + s.path("state").asText()
                + (s.has("revision") ? "  revision " + s.get("revision").asLong() : "")
                + running(s)
                + (s.hasNonNull("error") ? "  error: " + s.get("error").asText() : ""));
        JsonNode rep = s.path("replication");
        if (rep.has("standby")) {
            System.out.println(indent + "  replica on " + rep.get("standby").asText() + "  "
                    + (rep.hasNonNull("snapshot") ? rep.get("snapshot").asText() + ", lag " + rep.get("lagSeconds").asLong() + "s" : "none complete yet")
                    + (rep.hasNonNull("error") ? "  last round failed: " + rep.get("error").asText() : ""));
        }
        for (JsonNode r : s.path("resources")) {
            System.out.println(indent + "  " + r.get("kind").asText() + " " + r.get("name").asText() + "  " + r.path("state").asText()
                    + (r.has("gate") ? "  " + r.get("gate").asText() : "") + (r.has("health") ? "  " + r.get("health").asText() : "") + (r.has("print") ? "  " + r.get("print").asText() : "") + job(r));
        }
    }

    /** A job's GPUs, its newest checkpoint's step, and why it waits or failed. */
    private static String job(JsonNode r) {
        if (!r.path("kind").asText().equals("job")) return "";
        java.util.List<String> gpus = new java.util.ArrayList<>();
        r.path("gpus").forEach(g -> gpus.add(g.asText()));
        return (gpus.isEmpty() ? "" : "  on " + String.join(",", gpus)) + (r.hasNonNull("step") ? "  step " + r.get("step").asLong() : "")
                + (r.hasNonNull("why") ? "  " + r.get("why").asText() : "");
    }
}
