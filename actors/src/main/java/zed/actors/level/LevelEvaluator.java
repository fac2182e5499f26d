package zed.actors.level;

import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import zed.actors.node.NodeConfig;
import zed.config.Chain;
import zed.config.Diagnostic;
import zed.config.LevelSpec;
import zed.config.eval.ChainEvaluator;
import zed.config.eval.EvalInputs;
import zed.config.eval.LocalHost;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Evaluates a level's Zedfile where the level runs (ARCHITECTURE.md: the functions resolve this host's paths, ports
 * and environment): with the chain above it as its parents accepted it, and the port allocations the levels hold.
 */
final class LevelEvaluator {
    private LevelEvaluator() {
    }

    sealed interface Outcome {
    }

    /** @param ports the allocations of this level only ({@code <level>|...}) */
    record Ok(LevelSpec leaf, Map<String, Integer> ports) implements Outcome {
    }

    record Invalid(List<Diagnostic> errors) implements Outcome {
    }

    record WrongId(String message) implements Outcome {
    }

    record NoParent(String parent) implements Outcome {
    }

    static final Duration ASK = Duration.ofSeconds(10);
    /** A chain deeper than this is a loop in the parents, not a federation. */
    static final int MAX_DEPTH = 64;

    /** The levels above {@code parent} and itself, root first; null when one of them does not exist or is stopped. */
    static CompletionStage<List<RevisionLog>> ancestors(ActorSystem<?> system, KnownLevels levels, String parent) {
        return ancestors(system, levels, parent, new ArrayList<>());
    }

    private static CompletionStage<List<RevisionLog>> ancestors(ActorSystem<?> system, KnownLevels levels, String parent, List<RevisionLog> acc) {
        if (parent == null) return CompletableFuture.completedFuture(acc);
        if (acc.size() > MAX_DEPTH) return CompletableFuture.completedFuture(null);
        // a level the cluster has not placed does not exist: asked, it would wait for a placement that never comes
        return levels.knows(parent).thenCompose(known -> !known ? CompletableFuture.<List<RevisionLog>>completedFuture(null)
                // which instance's context would it read? Refused until a child reads one entry per instance
                : !levels.instances(parent).isEmpty() ? CompletableFuture.<List<RevisionLog>>failedFuture(new IllegalStateException("the parent level " + parent
                + " runs on several hosts (hosts = [...]): a level below a multi-host level is not supported yet"))
                : ClusterSharding.get(system).entityRefFor(LevelEntity.KEY, parent).<LevelCommand.Status>ask(LevelCommand.Get::new, ASK).thenCompose(st -> {
            RevisionLog s = st.state();
            if (!s.exists() || s.stopped()) return CompletableFuture.completedFuture(null);
            acc.add(0, s);
            return ancestors(system, levels, s.source().parent(), acc);
        }));
    }

    /**
     * @param above      the chain above, root first (from {@link #ancestors})
     * @param ownPorts   the allocations this level holds already
     * @param levelHosts level id → its host: the levels above may run on other hosts, and each is evaluated as its
     *                   host runs it ({@code host::name()}, the address of its services)
     * @param addresses  host name → where the other hosts reach it
     */
    static Outcome evaluate(NodeConfig config, String id, String source, String filename, String dir, List<RevisionLog> above,
                            Map<String, Integer> ownPorts, Map<String, String> levelHosts, Map<String, String> addresses) {
        List<Chain.Link> links = new ArrayList<>();
        Map<Path, byte[]> contents = new HashMap<>();
        Map<String, Integer> ports = new HashMap<>();
        for (RevisionLog s : above) {
            // each level above as it runs: its desired revision's Zedfile
            RevisionLog.Revision r = s.source();
            Path f = Path.of(r.dir()).resolve(r.filename());
            links.add(new Chain.Link(f, f.toString(), false));
            contents.put(f, r.source().getBytes(StandardCharsets.UTF_8));
            ports.putAll(s.ports());
        }
        Path f = Path.of(dir).resolve(filename);
        links.add(new Chain.Link(f, f.toString(), false));
        contents.put(f, source.getBytes(StandardCharsets.UTF_8));
        ports.putAll(ownPorts);
        // the ports this node's levels hold are theirs: a running service keeps its port
        EvalInputs inputs = new EvalInputs(new LocalHost(System.getenv(), new HashSet<>(ports.values()), config.cluster().host()).inCluster(levelHosts, addresses), config.stateDir(), config.pool(),
                config.stateDir().resolve("store"), ports);
        ChainEvaluator.Result r = ChainEvaluator.evaluate(links, contents, inputs);
        if (!r.ok()) return new Invalid(r.errors());
        LevelSpec leaf = r.leaf();
        // an instance of a multi-host level (level@host) evaluates its level's Zedfile, as its host runs it
        String level = zed.actors.cluster.Instances.levelOf(id);
        if (!leaf.id().equals(level)) return new WrongId("this Zedfile resolves to level " + leaf.id() + ", but was pushed as " + level);
        // the node placed the level by the host its Zedfile names (DeclaredHost): a level evaluated elsewhere is a mistake
        if (leaf.host() != null && !leaf.host().equals(config.cluster().host())) {
            return new WrongId("this Zedfile places level " + id + " on host " + leaf.host() + ", but it runs on host " + config.cluster().host());
        }
        Map<String, Integer> mine = new LinkedHashMap<>();
        r.ports().forEach((k, v) -> {
            if (k.startsWith(level + "|")) mine.put(k, v);
        });
        return new Ok(leaf, mine);
    }
}
