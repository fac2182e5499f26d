package zed.actors.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.pekko.actor.Address;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.actor.typed.receptionist.Receptionist;
import org.apache.pekko.cluster.Member;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.typed.Cluster;
import zed.actors.cluster.PlacementTable;
import zed.actors.host.HostCard;
import zed.actors.host.HostCards;
import zed.actors.level.KnownLevels;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * {@code GET /v1/hosts}: every member of the cluster with its status as this node sees it, what its host tells of
 * itself (pool, free space, GPUs; asked of every host at once, for at most {@link #ASK}), and the levels placed on
 * it. A host that does not answer is still listed, with a note saying so.
 */
final class HostsJson {
    static final Duration ASK = Duration.ofSeconds(3);
    private static final ObjectMapper JSON = new ObjectMapper();

    private HostsJson() {
    }

    static CompletionStage<ObjectNode> of(ActorSystem<?> system, KnownLevels levels) {
        Cluster cluster = Cluster.get(system);
        return HostCards.ask(system, ASK).thenApply(byAddress -> {
            ObjectNode o = JSON.createObjectNode();
            ArrayNode hosts = o.putArray("hosts");
            Set<Member> unreachable = cluster.state().getUnreachable();
            List<Member> members = new ArrayList<>();
            cluster.state().getMembers().forEach(members::add);
            members.sort((m, n) -> String.valueOf(PlacementTable.Members.hostOf(m)).compareTo(String.valueOf(PlacementTable.Members.hostOf(n))));
            for (Member m : members) {
                String name = PlacementTable.Members.hostOf(m);
                if (name == null) continue;
                ObjectNode h = hosts.addObject();
                h.put("name", name);
                h.put("address", m.address().host().getOrElse(() -> "") + ":" + m.address().port().getOrElse(() -> 0));
                h.put("status", status(m, unreachable.contains(m)));
                h.put("self", m.equals(cluster.selfMember()));
                HostCard.Report r = byAddress.get(m.address());
                if (r == null) {
                    h.putNull("pool");
                    h.putArray("gpus");
                    h.put("note", "no answer from the host in " + ASK.toSeconds() + " s");
                } else {
                    if (r.pool() == null) h.putNull("pool");
                    else h.putObject("pool").put("name", r.pool()).put("free", r.free()).put("available", r.available());
                    ArrayNode g = h.putArray("gpus");
                    // free: less what the jobs placed on the host hold
                    for (HostCard.GpuCard c : r.gpus()) g.addObject().put("uuid", c.uuid()).put("name", c.name())
                            .put("vramTotal", c.vramMb() << 20).put("vramFree", Math.max(0, c.vramMb() - c.heldMb()) << 20);
                    if (r.note() == null) h.putNull("note");
                    else h.put("note", r.note());
                }
                ArrayNode l = h.putArray("levels");
                levels.on(name).forEach(l::add);
            }
            return o;
        });
    }

    private static String status(Member m, boolean unreachable) {
        if (unreachable) return "unreachable";
        MemberStatus s = m.status();
        if (s == MemberStatus.up()) return "up";
        if (s == MemberStatus.joining() || s == MemberStatus.weaklyUp()) return "joining";
        if (s == MemberStatus.leaving() || s == MemberStatus.exiting()) return "leaving";
        return "down";
    }
}
