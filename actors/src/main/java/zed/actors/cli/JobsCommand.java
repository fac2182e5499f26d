package zed.actors.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;

@Command(name = "jobs", description = {"Lists every job of every level the cluster runs: its state, host, GPUs, the newest checkpoint's step",
        "and metrics, how many checkpoints its dataset keeps, and why it waits or failed."})
final class JobsCommand implements Callable<Integer> {
    @Option(names = "--format", paramLabel = "FORMAT", description = "table (default) or json")
    PlanCommand.Format format = PlanCommand.Format.table;

    @Mixin
    NodeOptions nodeOptions;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Listed l = list(nodeOptions.client(), err);
        if (l == null) return 1;
        ArrayNode jobs = l.jobs();
        if (format == PlanCommand.Format.json) {
            ObjectNode o = JsonNodeFactory.instance.objectNode();
            o.set("jobs", jobs);
            out.println(Json.write(o));
        } else {
            out.print(table(jobs));
        }
        out.flush();
        return l.complete() ? 0 : 1;
    }

    /** Every job of every level; {@code complete}: every level answered (those that did not are said on err). */
    record Listed(ArrayNode jobs, boolean complete) {
    }

    /** The jobs of every level the node knows, one request per level; null when no node answers (said on err). */
    static Listed list(NodeClient node, PrintWriter err) {
        NodeClient.Answer list = node.sendOrSay("GET", "/v1/levels", null, err);
        if (list == null) return null;
        if (list.body() == null || !list.body().path("levels").isArray()) {
            err.println("zed: the node at " + node.base + " answered without a list of levels");
            err.flush();
            return null;
        }
        ArrayNode jobs = JsonNodeFactory.instance.arrayNode();
        // a level that does not answer is said, and the others' jobs still shown: the exit code tells a script
        boolean complete = true;
        for (JsonNode id : list.body().get("levels")) {
            NodeClient.Answer a;
            try {
                a = node.get(NodeClient.level(id.asText()));
            } catch (IOException e) {
                err.println("zed: no node answers at " + node.base + ": " + e.getMessage());
                err.flush();
                return null;
            }
            if (a.status() == 404) continue; // destroyed since the list was read
            if (!a.ok() || a.body() == null) {
                a.errors().forEach(m -> err.println("zed: level " + id.asText() + ": " + m));
                complete = false;
                continue;
            }
            of(id.asText(), a.body(), jobs);
        }
        err.flush();
        return new Listed(jobs, complete);
    }

    /** The level of the job named {@code job}: the one level with a job of that name; null when none or several (said on err). */
    static String levelOf(NodeClient node, String job, PrintWriter err) {
        Listed l = list(node, err);
        if (l == null) return null;
        java.util.Map<String, String> named = new java.util.LinkedHashMap<>();
        List<String> all = new ArrayList<>();
        for (JsonNode j : l.jobs()) {
            all.add(j.path("level").asText() + " " + j.path("job").asText());
            if (j.path("job").asText().equals(job)) named.put(j.path("level").asText(), j.path("host").asText());
        }
        if (named.size() != 1) {
            err.println(named.isEmpty()
                    ? "zed: no job named " + job + (all.isEmpty() ? "; there are no jobs" : "; the jobs are (level job): " + String.join(", ", all))
                    + (l.complete() ? "" : " (some levels did not answer)")
                    : "zed: jobs named " + job + " run in levels " + String.join(", ", named.keySet()) + ": say which with --level LEVEL");
            err.flush();
            return null;
        }
        return named.keySet().iterator().next();
    }

    /**
     * The jobs of one level's status, each as {@code zed jobs --format json} gives it: level, job, state, host, gpus,
     * step, metrics, checkpoints, newest (the newest checkpoint's snapshot name), why. Stable names, whatever else the
     * level's status carries.
     */
    static void of(String level, JsonNode status, ArrayNode into) {
        for (JsonNode r : status.path("resources")) {
            if (!r.path("kind").asText().equals("job")) continue;
            ObjectNode j = into.addObject();
            j.put("level", level);
            j.put("job", r.path("name").asText());
            j.put("state", r.path("state").asText());
            j.put("host", r.hasNonNull("host") ? r.get("host").asText() : status.path("host").asText(null));
            ArrayNode gpus = j.putArray("gpus");
            r.path("gpus").forEach(g -> gpus.add(g.asText()));
            if (r.hasNonNull("step")) j.put("step", r.get("step").asLong());
            else j.putNull("step");
            ObjectNode m = j.putObject("metrics");
            Map<String, JsonNode> sorted = new TreeMap<>();
            r.path("metrics").fields().forEachRemaining(e -> sorted.put(e.getKey(), e.getValue()));
            sorted.forEach(m::set);
            j.put("checkpoints", r.path("checkpoints").asInt());
            if (r.hasNonNull("step") && r.path("checkpoints").asInt() > 0) j.put("newest", "ckpt-" + r.get("step").asLong());
            else j.putNull("newest");
            if (r.hasNonNull("why")) j.put("why", r.get("why").asText());
            else j.putNull("why");
        }
    }

    /** One row per job; a Pending or Failed job's reason on a line of its own below the table (it is long). */
    static String table(JsonNode jobs) {
        if (jobs.isEmpty()) return "no jobs\n";
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[]{"LEVEL", "JOB", "STATE", "HOST", "GPUS", "STEP", "METRICS", "CHECKPOINTS"});
        List<String> whys = new ArrayList<>();
        for (JsonNode j : jobs) {
            List<String> gpus = new ArrayList<>();
            j.path("gpus").forEach(g -> gpus.add(g.asText()));
            List<String> metrics = new ArrayList<>();
            j.path("metrics").fields().forEachRemaining(e -> metrics.add(e.getKey() + "=" + number(e.getValue())));
            rows.add(new String[]{j.path("level").asText(), j.path("job").asText(), j.path("state").asText(), j.path("host").asText("-"),
                    gpus.isEmpty() ? "-" : String.join(",", gpus), j.hasNonNull("step") ? String.valueOf(j.get("step").asLong()) : "-",
                    metrics.isEmpty() ? "-" : String.join(",", metrics),
                    j.path("checkpoints").asInt() + (j.hasNonNull("newest") ? " (newest " + j.get("newest").asText() + ")" : "")});
            if (j.hasNonNull("why")) whys.add(j.path("level").asText() + " " + j.path("job").asText() + ": " + j.get("why").asText());
        }
        StringBuilder b = new StringBuilder(zed.reconciler.Columns.render(rows));
        for (String w : whys) b.append(w).append('\n');
        return b.toString();
    }

    /** A metric as the job posted it, without a trailing ".0" on a whole number. */
    private static String number(JsonNode v) {
        double d = v.asDouble();
        return d == Math.rint(d) && Math.abs(d) < 1e15 ? String.valueOf((long) d) : String.format(Locale.ROOT, "%s", v.asText());
    }
}
