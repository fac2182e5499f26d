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
import java.util.Set;
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

    /**
     * A level of the chain above, as it runs: its revision log, or, for a level that runs on several hosts, each
     * instance's (host → log, in the order of its {@code hosts = [...]}); {@code log} is then the instance this host
     * runs, else the first: what a child inherits from the level itself (its pool) is read as this host would run it.
     */
    record Above(RevisionLog log, Map<String, RevisionLog> instances) {
        static Above one(RevisionLog log) {
            return new Above(log, Map.of());
        }
    }

    /** The levels above {@code parent} and itself, root first; null when one of them does not exist or is stopped. */
    static CompletionStage<List<Above>> ancestors(ActorSystem<?> system, KnownLevels levels, String parent) {
        return ancestors(system, levels, parent, new ArrayList<>());
    }

    private static CompletionStage<List<Above>> ancestors(ActorSystem<?> system, KnownLevels levels, String parent, List<Above> acc) {
        if (parent == null) return CompletableFuture.completedFuture(acc);
        if (acc.size() > MAX_DEPTH) return CompletableFuture.completedFuture(null);
        // a level the cluster has not placed does not exist: asked, it would wait for a placement that never comes
        return levels.knows(parent).thenCompose(known -> {
            if (!known) return CompletableFuture.<List<Above>>completedFuture(null);
            List<String> instances = levels.instances(parent);
            CompletionStage<Above> above = instances.isEmpty()
                    ? ClusterSharding.get(system).entityRefFor(LevelEntity.KEY, parent).<LevelCommand.Status>ask(LevelCommand.Get::new, ASK)
                    .thenApply(st -> !st.state().exists() || st.state().stopped() ? null : Above.one(st.state()))
                    : instances(system, parent, instances, levels.self());
            return above.thenCompose(a -> {
                if (a == null) return CompletableFuture.<List<Above>>completedFuture(null);
                acc.add(0, a);
                return ancestors(system, levels, a.log().source().parent(), acc);
            });
        });
    }

    /**
     * Every instance of a multi-host level, as it runs. A child reads each, so an instance that does not answer (its
     * host away) fails the evaluation with its host named, rather than leaving it out of what the child reads.
     */
    private static CompletionStage<Above> instances(ActorSystem<?> system, String parent, List<String> ids, String self) {
        List<CompletableFuture<RevisionLog>> asks = new ArrayList<>();
        for (String id : ids) {
            String host = zed.actors.cluster.Instances.hostOf(id);
            asks.add(ClusterSharding.get(system).entityRefFor(LevelEntity.KEY, id).<LevelCommand.Status>ask(LevelCommand.Get::new, ASK)
                    .handle((st, e) -> {
                        if (e != null) throw new IllegalStateException("the parent level " + parent + " runs on several hosts, and its instance on host "
                                + host + " did not answer (is its host away?): this level reads every instance; " + e.getMessage());
                        return st.state();
                    }).toCompletableFuture());
        }
        return CompletableFuture.allOf(asks.toArray(new CompletableFuture[0])).thenApply(done -> {
            Map<String, RevisionLog> byHost = new HashMap<>();
            for (int i = 0; i < ids.size(); i++) {
                RevisionLog s = asks.get(i).join();
                if (s.exists() && !s.stopped()) byHost.put(zed.actors.cluster.Instances.hostOf(ids.get(i)), s);
            }
            if (byHost.isEmpty()) return null;
            // in the order its hosts are written, as the level's status lists them
            RevisionLog any = byHost.values().iterator().next();
            List<String> order = new ArrayList<>(declaredHosts(any));
            byHost.keySet().stream().sorted().filter(h -> !order.contains(h)).forEach(order::add);
            Map<String, RevisionLog> ordered = new LinkedHashMap<>();
            for (String h : order) if (byHost.containsKey(h)) ordered.put(h, byHost.get(h));
            RevisionLog main = ordered.getOrDefault(self, ordered.values().iterator().next());
            return new Above(main, ordered);
        });
    }

    /** The hosts a revision's Zedfile names, in the order written; empty when it cannot tell. */
    private static List<String> declaredHosts(RevisionLog s) {
        try {
            return zed.config.DeclaredHost.of(s.source().filename(), s.source().source()).hosts();
        } catch (RuntimeException e) {
            return List.of();
        }
    }

    /**
     * @param above      the chain above, root first (from {@link #ancestors})
     * @param ownPorts   the allocations this level holds already
     * @param levelHosts level id → its host: the levels above may run on other hosts, and each is evaluated as its
     *                   host runs it ({@code host::name()}, the address of its services)
     * @param addresses  host name → where the other hosts reach it
     */
    static Outcome evaluate(NodeConfig config, String id, String source, String filename, String dir, List<Above> above,
                            Map<String, Integer> ownPorts, Map<String, String> levelHosts, Map<String, String> addresses) {
        List<Chain.Link> links = new ArrayList<>();
        Map<Path, byte[]> contents = new HashMap<>();
        Map<String, Integer> ports = new HashMap<>();
        Map<Integer, List<ChainEvaluator.Instance>> instances = new HashMap<>();
        Set<Integer> held = new HashSet<>();
        for (Above a : above) {
            // each level above as it runs: its desired revision's Zedfile
            RevisionLog.Revision r = a.log().source();
            Path f = Path.of(r.dir()).resolve(r.filename());
            List<ChainEvaluator.Instance> each = new ArrayList<>();
            a.instances().forEach((h, s) -> {
                // each instance as its host runs it: its own revision (a rollout may be under way), its own ports there
                Path g = Path.of(s.source().dir()).resolve(s.source().filename());
                each.add(new ChainEvaluator.Instance(h, g, s.source().source().getBytes(StandardCharsets.UTF_8), s.ports()));
                held.addAll(s.ports().values());
            });
            if (!each.isEmpty()) instances.put(links.size(), each);
            links.add(new Chain.Link(f, f.toString(), false));
            contents.put(f, r.source().getBytes(StandardCharsets.UTF_8));
            ports.putAll(a.log().ports());
        }
        Path f = Path.of(dir).resolve(filename);
        links.add(new Chain.Link(f, f.toString(), false));
        contents.put(f, source.getBytes(StandardCharsets.UTF_8));
        ports.putAll(ownPorts);
        // the ports this node's levels hold are theirs: a running service keeps its port
        held.addAll(ports.values());
        EvalInputs inputs = new EvalInputs(new LocalHost(System.getenv(), held, config.cluster().host()).inCluster(levelHosts, addresses), config.stateDir(), config.pool(),
                config.stateDir().resolve("store"), ports);
        ChainEvaluator.Result r = ChainEvaluator.evaluate(links, contents, instances, inputs);
        if (!r.ok()) return new Invalid(r.errors());
        LevelSpec leaf = r.leaf();
        // an instance of a multi-host level (level@host) evaluates its level's Zedfile, as its host runs it
        String level = zed.actors.cluster.Instances.levelOf(id);
        if (!leaf.id().equals(level)) return new WrongId("this Zedfile resolves to level " + leaf.id() + ", but was pushed as " + level);
        // the node placed the level by the host its Zedfile names (DeclaredHost): a level evaluated elsewhere is a mistake
        if (leaf.host() != null && !leaf.host().equals(config.cluster().host())) {
            return new WrongId("this Zedfile places level " + id + " on host " + leaf.host() + ", but it runs on host " + config.cluster().host());
        }
        if (leaf.pool() == null) {
            // a snapshot is received into a pool: the dir store has none to receive into
            List<Diagnostic> noPool = new ArrayList<>();
            for (LevelSpec.ModelSpec m : leaf.models()) {
                if (m.source() == null || m.source().host() == null) continue;
                noPool.add(new Diagnostic(m.source().pos(), "model \"" + m.name() + "\": source { host, snapshot } is received into a ZFS pool, and this "
                        + "level keeps its datasets in the dir store (no pool): use source { path = ... }, or run the level on a pool"));
            }
            if (!noPool.isEmpty()) return new Invalid(noPool);
        }
        Map<String, Integer> mine = new LinkedHashMap<>();
        r.ports().forEach((k, v) -> {
            if (k.startsWith(level + "|")) mine.put(k, v);
        });
        return new Ok(leaf, mine);
    }

    /**
     * A job whose model fits on no GPU of this host, even with every GPU free, is refused at its push, at its place,
     * with the table of the host's GPUs: it would wait for ever. A job that fits once GPUs are freed is accepted, and
     * waits (Pending). Jobs are placed on the host the level runs on (placement across the cluster is later work).
     * Runs off the entity's thread: it may wait for the host's first inventory.
     */
    static Outcome placeJobs(Outcome o, zed.actors.job.JobGpus gpus) {
        if (!(o instanceof Ok ok) || ok.leaf().jobs().isEmpty()) return o;
        List<Diagnostic> errors = new ArrayList<>();
        for (LevelSpec.JobSpec job : ok.leaf().jobs()) {
            LevelSpec.Requires need = ok.leaf().models().stream().filter(m -> m.name().equals(job.model())).findFirst()
                    .map(LevelSpec.ModelSpec::requires).orElse(LevelSpec.Requires.DEFAULT);
            java.util.Optional<String> refused;
            try {
                refused = gpus.refusal(need);
            } catch (RuntimeException unknown) {
                continue; // no inventory to judge by: the job waits, and its status says why
            }
            refused.ifPresent(why -> errors.add(new Diagnostic(job.pos(), "job \"" + job.name() + "\" (model " + job.model() + "): " + why)));
        }
        return errors.isEmpty() ? o : new Invalid(errors);
    }
}
