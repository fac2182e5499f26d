package zed.actors.cli;

import com.fasterxml.jackson.databind.JsonNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import zed.config.Chain;
import zed.config.LevelSpec;
import zed.config.eval.ChainEvaluator;
import zed.config.eval.LevelPlaces;
import zed.reconciler.process.Spawn;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

@Command(name = "up", description = {"Brings the chain that ends at DIR up: pushes each level, root first, to the node (starting one on this",
        "host in the background if none answers at a loopback address), follows it to Converged, and prints the services' addresses."})
final class UpCommand implements Callable<Integer> {
    @Parameters(index = "0", arity = "0..1", paramLabel = "DIR", description = "where the chain ends (default: the working directory)")
    Path dir = Path.of("");

    @Option(names = "--timeout", paramLabel = "DURATION", description = "how long to wait for each level to converge (default 10m)")
    String timeout = "10m";

    @Option(names = "--restart", description = "restart the leaf level's services even when nothing changed")
    boolean restart;

    @Mixin
    NodeOptions nodeOptions;

    @Override
    public Integer call() throws Exception {
        Path home = nodeOptions.home();
        ChainEvaluator.Result local = LocalChain.evaluate(dir, home);
        if (local == null) return 1;
        List<Chain.Link> chain = Chain.discover(dir, home, Path.of("").toAbsolutePath());
        NodeClient node = nodeOptions.client();
        if (!node.alive()) {
            // a node elsewhere is that host's to start: one started here would not be the node that was named
            if (!node.local()) {
                System.err.println("zed: no node answers at " + node.base + "; zed up starts a node only on this host (a loopback address),"
                        + " so start zed agent on that host, or name another node with --node or ZED_NODE");
                return 1;
            }
            if (!startNode(node, home)) return 1;
        }

        List<StartLock> locks = new ArrayList<>();
        try {
            // two zed up never interleave: each level's start.lock, top down, held for the whole bring-up
            for (LevelSpec l : local.levels()) {
                Path state = LevelPlaces.state(home, l.name(), Path.of(l.dir()));
                Files.createDirectories(state);
                locks.add(StartLock.take(state.resolve("start.lock")));
            }
            String parent = null;
            for (int i = 0; i < chain.size(); i++) {
                LevelSpec l = local.levels().get(i);
                Map<String, Object> body = new LinkedHashMap<>();
                body.put("source", Files.readString(chain.get(i).file(), StandardCharsets.UTF_8));
                body.put("filename", chain.get(i).file().getFileName().toString());
                body.put("dir", chain.get(i).file().toAbsolutePath().getParent().toString());
                if (parent != null) body.put("parent", parent);
                if (restart && i == chain.size() - 1) body.put("restart", true);
                NodeClient.Answer a = node.send("PUT", NodeClient.level(l.id()), body);
                if (!a.ok()) {
                    a.errors().forEach(System.err::println);
                    return 1;
                }
                if (a.body().has("rollout")) { // a new revision of a level on several hosts: its rollout decides
                    if (!followRollout(node, l.id(), a.body().path("rollout").asLong())) return 1;
                    parent = l.id();
                    continue;
                }
                if (a.body().has("instances")) { // a level on several hosts: each instance counts its own revisions
                    if (!followInstances(node, l.id(), a.body())) return 1;
                    parent = l.id();
                    continue;
                }
                long rev = a.body().get("revision").asLong();
                System.out.println(l.id() + ": revision " + rev + (a.body().get("changed").asBoolean() ? ""
                        : a.body().path("restarted").asBoolean() ? " (unchanged, services restarting)" : " (unchanged)"));
                // a child never converges before its parent is Converged
                if (!follow(node, l.id(), rev, home)) return 1;
                parent = l.id();
            }
            System.out.println(UiLoginCommand.dashboardLine(node));
            return 0;
        } finally {
            for (StartLock l : locks) l.close();
        }
    }

    /**
     * Starts {@code zed agent} in a process group of its own ({@link Spawn}: it outlives this command and a ^C in this
     * terminal), logging to $ZED_HOME/agent.log, and waits for it to answer.
     */
    static boolean startNode(NodeClient node, Path home) throws IOException, InterruptedException {
        // the node's home and its log are the node's alone (the log may name what it runs)
        zed.actors.node.StateDir.secure(home, false);
        Path log = zed.actors.node.StateDir.privateFile(home.resolve("agent.log"));
        String java = ProcessHandle.current().info().command().orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        String jar = new File(UpCommand.class.getProtectionDomain().getCodeSource().getLocation().getPath()).getAbsolutePath();
        System.err.println("zed: no node answers at " + node.base + "; starting one (log: " + log + ")");
        String listen = node.base.getHost() + ":" + (node.base.getPort() > 0 ? node.base.getPort() : 7700);
        Map<String, String> env = new LinkedHashMap<>(System.getenv());
        env.put("ZED_HOME", home.toString());
        List<String> argv = new java.util.ArrayList<>(List.of(java));
        // the node's class data sharing archive, where the build made one for this jar (bin/zed's, for zed agent): it
        // starts in about half the CPU; -Xshare:auto goes without one that does not fit
        File archive = new File(new File(jar).getParentFile(), "zed-agent.jsa");
        if (archive.lastModified() > new File(jar).lastModified()) argv.addAll(List.of("-XX:SharedArchiveFile=" + archive, "-Xshare:auto", "-Xlog:cds=off", "-Xlog:cds+dynamic=off"));
        argv.addAll(List.of("-jar", jar, "agent", "--listen", listen));
        Spawn.Spawned p = new Spawn(argv, env, null, log, log).start();
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        while (System.nanoTime() < deadline) {
            if (node.alive()) return true;
            if (p.exit().isDone() && !node.alive()) break;
            Thread.sleep(200); // polling a deadline wait for the node to answer
        }
        System.err.println("zed: the node did not start; the end of " + log + ":");
        tail(log, 20).forEach(l -> System.err.println("  " + l));
        return false;
    }

    /** After a rollback: follows the level until it converges on whatever revision it now holds. */
    boolean followAny(NodeClient node, String level, Path home) throws Exception {
        long deadline = System.nanoTime() + durationOf(timeout).toNanos();
        // the rollback was journaled before the node answered: the level is RollingBack now, not Converged
        while (System.nanoTime() < deadline) {
            NodeClient.Answer a = node.get(NodeClient.level(level));
            JsonNode s = a.body();
            if (a.ok() && s.get("state").asText().equals("Converged")) {
                System.out.println(level + ": Converged at revision " + s.get("desiredRevision").asLong());
                return true;
            }
            if (a.ok() && s.get("state").asText().equals("Failed")) {
                System.err.println(level + ": " + s.path("error").asText());
                failures(s, node.local() ? home : null, level);
                return false;
            }
            Thread.sleep(300); // polling interval of a deadline wait
        }
        System.err.println(level + ": not converged within " + timeout);
        return false;
    }

    /**
     * Follows the level's event stream until it converges at {@code rev} (true) or fails (false), showing its resources
     * as they change (see {@link LevelFollower}).
     */
    boolean follow(NodeClient node, String level, long rev, Path home) throws Exception {
        LevelFollower.Outcome o = new LevelFollower(node, Progress.forStdout()).follow(level, rev, durationOf(timeout));
        JsonNode s = o.status();
        switch (o.result()) {
            case CONVERGED -> {
                System.out.println(level + ": Converged at revision " + rev);
                for (JsonNode r : s.get("resources")) if (r.has("print")) System.out.println("  " + r.get("name").asText() + "  " + r.get("print").asText());
                return true;
            }
            case FAILED -> {
                long desired = s.path("desiredRevision").asLong();
                System.err.println(level + ": revision " + rev + " failed: " + failure(s, rev)
                        + (desired < rev ? " (reverted to revision " + desired + ")" : ""));
                failures(o.resources(), node.local() ? home : null, level);
                return false;
            }
            case STOPPED -> System.err.println(level + ": stopped before revision " + rev + " converged");
            case TIMED_OUT -> System.err.println(level + ": not converged within " + timeout);
            case LOST -> System.err.println(o.message());
        }
        return false;
    }

    /**
     * Follows a level with one instance per host until every instance converged the revision it accepted (the
     * pushed one: {@code instances[].revision}), or one failed it; polls the level's status, which gathers theirs.
     */
    boolean followInstances(NodeClient node, String level, JsonNode pushed) throws Exception {
        Map<String, Long> want = new LinkedHashMap<>();
        for (JsonNode i : pushed.path("instances")) {
            want.put(i.path("host").asText(), i.path("revision").asLong());
            System.out.println(level + " on " + i.path("host").asText() + ": revision " + i.path("revision").asLong() + (i.path("changed").asBoolean() ? "" : " (unchanged)"));
        }
        long deadline = System.nanoTime() + durationOf(timeout).toNanos();
        while (System.nanoTime() < deadline) {
            NodeClient.Answer a = node.get(NodeClient.level(level));
            if (a.ok()) {
                int converged = 0;
                for (JsonNode i : a.body().path("instances")) {
                    Long rev = want.get(i.path("host").asText());
                    if (rev == null) continue;
                    String state = i.path("state").asText();
                    if (state.equals("Converged") && i.path("desiredRevision").asLong() == rev) converged++;
                    if (state.equals("Failed") || state.equals("Converged") && i.path("desiredRevision").asLong() < rev) {
                        System.err.println(level + " on " + i.path("host").asText() + ": revision " + rev + " failed: " + failure(i, rev));
                        return false;
                    }
                }
                if (converged == want.size()) {
                    System.out.println(level + ": Converged on " + String.join(", ", want.keySet()));
                    return true;
                }
            }
            Thread.sleep(300); // polling interval of a deadline wait
        }
        System.err.println(level + ": not converged on every host within " + timeout);
        return false;
    }

    /**
     * Follows a multi-host level's rollout {@code n} until it ends (Stable: every host passed; Reverted, Aborted or Failed: why,
     * per host) or waits for {@code zed promote}; polls the level's status, which shows it.
     */
    boolean followRollout(NodeClient node, String level, long n) throws Exception {
        System.out.println(level + ": rollout " + n + " under way");
        long deadline = System.nanoTime() + durationOf(timeout).toNanos();
        while (System.nanoTime() < deadline) {
            NodeClient.Answer a = node.get(NodeClient.level(level));
            JsonNode r = a.ok() ? a.body().path("rollout") : null;
            if (r != null && r.path("rollout").asLong() == n) {
                String state = r.path("state").asText();
                if (state.equals("Stable")) {
                    for (JsonNode h : r.path("hosts")) System.out.println(level + " on " + h.path("host").asText() + ": revision " + h.path("handedRevision").asLong());
                    List<String> hosts = new java.util.ArrayList<>();
                    r.path("hosts").forEach(h -> hosts.add(h.path("host").asText()));
                    System.out.println(level + ": Converged on " + String.join(", ", hosts));
                    return true;
                }
                if (state.equals("WaitingForPromotion")) {
                    List<String> passed = new java.util.ArrayList<>();
                    for (JsonNode h : r.path("hosts")) if (h.path("state").asText().equals("PASSED")) passed.add(h.path("host").asText());
                    System.out.println(level + ": the canaries passed (" + String.join(", ", passed) + "); the rollout waits for zed promote " + level
                            + " (or zed promote " + level + " --abort)");
                    return true;
                }
                if (state.equals("Reverted") || state.equals("Aborted") || state.equals("Failed")) {
                    System.err.println(level + ": rollout " + n + " " + state + (state.equals("Failed") ? "" : ": every host it changed is back on the stable revision"));
                    for (JsonNode h : r.path("hosts")) {
                        System.err.println("  host " + h.path("host").asText() + "  " + h.path("state").asText() + (h.hasNonNull("why") ? "  " + h.get("why").asText() : ""));
                    }
                    return false;
                }
            }
            Thread.sleep(300); // polling interval of a deadline wait
        }
        System.err.println(level + ": rollout " + n + " did not end within " + timeout);
        return false;
    }

    /** Why revision {@code rev} did not converge, in the level's words; never an empty or unknown reason. */
    static String failure(JsonNode status, long rev) {
        String error = status.path("error").asText("");
        if (!error.isBlank()) return error;
        long desired = status.path("desiredRevision").asLong();
        if (desired != rev) return "the level went on to revision " + desired + " before revision " + rev + " converged";
        return "the level is " + status.path("state").asText("in an unknown state");
    }

    /**
     * A failure block for each failed resource: its error and the last lines of its log.
     *
     * @param home where the node keeps the logs, $ZED_HOME; null when the node is on another host (so are its logs)
     */
    static void failures(JsonNode status, Path home, String level) {
        List<JsonNode> resources = new ArrayList<>();
        status.get("resources").forEach(resources::add);
        failures(resources, home, level);
    }

    static void failures(List<JsonNode> resources, Path home, String level) {
        for (JsonNode r : resources) {
            if (!r.get("kind").asText().equals("service") || r.path("gate").asText().equals("passed")) continue;
            System.err.println("  " + r.get("name").asText() + ": " + r.path("state").asText() + " " + r.path("why").asText(""));
            if (home == null) continue;
            String name = r.get("name").asText().replaceFirst("^service\\.[a-z]+\\.", "");
            try (var dirs = Files.list(home.resolve("state"))) {
                for (Path d : dirs.toList()) {
                    Path log = d.resolve("var").resolve(name).resolve("log").resolve("stderr.log");
                    if (Files.isRegularFile(log) && d.getFileName().toString().startsWith(level.substring(level.lastIndexOf('/') + 1) + "-")) {
                        System.err.println("    last lines of " + log + ":");
                        tail(log, 10).forEach(l -> System.err.println("    | " + l));
                    }
                }
            } catch (IOException ignored) {
                // no logs to show
            }
        }
    }

    static List<String> tail(Path f, int n) {
        try {
            List<String> all = Files.readAllLines(f, StandardCharsets.UTF_8);
            return all.subList(Math.max(0, all.size() - n), all.size());
        } catch (IOException e) {
            return List.of();
        }
    }

    static Duration durationOf(String s) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(\\d+)(ms|s|m|h)").matcher(s);
        if (!m.matches()) throw new picocli.CommandLine.ParameterException(new picocli.CommandLine(new UpCommand()), "not a duration: " + s);
        long n = Long.parseLong(m.group(1));
        return switch (m.group(2)) {
            case "ms" -> Duration.ofMillis(n);
            case "s" -> Duration.ofSeconds(n);
            case "m" -> Duration.ofMinutes(n);
            default -> Duration.ofHours(n);
        };
    }
}
