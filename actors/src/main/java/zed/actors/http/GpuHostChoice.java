package zed.actors.http;

import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.typed.Cluster;
import zed.actors.cluster.PlacementTable;
import zed.actors.host.HostCard;
import zed.actors.host.HostCards;
import zed.actors.level.KnownLevels;
import zed.config.eval.DeclaredGpus;
import zed.reconciler.gpu.GpuHold;
import zed.reconciler.gpu.GpuLevelHost;
import zed.reconciler.gpu.HostGpus;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Where a new level of GPU jobs runs when its Zedfile names no host: on the host of the cluster whose GPUs fit its
 * jobs ({@link GpuLevelHost}), from every host's card (its inventory, less what its placed jobs hold). On a cluster of
 * one, and for a level that is placed already, nothing is chosen here: the level's host judges its jobs when it
 * evaluates the Zedfile ({@code LevelEvaluator.placeJobs}).
 */
final class GpuHostChoice {
    private GpuHostChoice() {
    }

    /** @return the choice, or null when there is none to make (the level goes where a push without jobs goes) */
    static CompletionStage<GpuLevelHost.Choice> forNewLevel(ActorSystem<?> system, KnownLevels levels, String id, DeclaredGpus gpus) {
        Set<String> members = PlacementTable.Members.hostNames(Cluster.get(system));
        if (gpus.jobs().isEmpty() || members.size() < 2) return CompletableFuture.completedFuture(null);
        return levels.knows(id).thenCompose(known -> known ? CompletableFuture.completedFuture(null)
                : HostCards.ask(system, HostsJson.ASK).thenApply(cards -> choose(gpus, cards.values(), members)));
    }

    static GpuLevelHost.Choice choose(DeclaredGpus gpus, Collection<HostCard.Report> cards, Set<String> members) {
        List<HostGpus> hosts = new ArrayList<>();
        List<GpuHold> holds = new ArrayList<>();
        for (HostCard.Report r : cards) {
            if (r == null || !r.inventoried() || !members.contains(r.host())) continue;
            hosts.add(r.placeable());
            // the card says how much its jobs hold, not which: one hold for all of them
            for (HostCard.GpuCard c : r.gpus()) if (c.heldMb() > 0) holds.add(new GpuHold("(placed jobs)", r.host(), c.uuid(), c.heldMb()));
        }
        GpuLevelHost.Choice c = GpuLevelHost.choose(gpus.jobs().stream().map(n -> new GpuLevelHost.Need(n.job(), n.requires())).toList(), hosts, holds);
        // a refusal needs every member's inventory: a host that did not answer may have the GPU it needs
        boolean everyHost = hosts.stream().map(HostGpus::host).collect(java.util.stream.Collectors.toSet()).containsAll(members);
        return c instanceof GpuLevelHost.Refused && !everyHost ? null : c;
    }

    /** The refusal's place: the job that fits nowhere, else the level's first job. */
    static zed.config.Diagnostic refusal(DeclaredGpus gpus, GpuLevelHost.Refused r) {
        DeclaredGpus.Need at = gpus.jobs().stream().filter(n -> Objects.equals(n.job(), r.job())).findFirst().orElse(gpus.jobs().get(0));
        String who = r.job() == null ? "job \"" + at.job() + "\" and the level's other jobs" : "job \"" + at.job() + "\" (model " + at.model() + ")";
        return new zed.config.Diagnostic(at.pos(), who + ": " + r.message());
    }
}
