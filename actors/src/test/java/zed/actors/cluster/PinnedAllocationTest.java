package zed.actors.cluster;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import org.apache.pekko.actor.Address;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.sharding.external.ExternalShardAllocation;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.Entity;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Join;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import zed.actors.JsonEvent;

import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Two real cluster nodes in one JVM (Artery on loopback): an entity runs where the external allocation places its
 * shard, and nowhere else: not on the node that asked when its shard has no location, and not on the node that asked
 * when its node has left. Pekko's own ExternalShardAllocationStrategy would start it on the asking node in both.
 */
class PinnedAllocationTest {
    static final EntityTypeKey<Where> KEY = EntityTypeKey.create(Where.class, "probe");
    /** Which node started which entity: system name → entity ids. */
    static final Map<String, Set<String>> STARTED = new ConcurrentHashMap<>();

    public record Where(ActorRef<Here> replyTo) implements JsonEvent {
    }

    public record Here(String node) implements JsonEvent {
    }

    private ActorSystem<Void> a;
    private ActorSystem<Void> b;

    private static Config config() {
        return ConfigFactory.parseString("""
                pekko.loglevel = WARNING
                pekko.actor.provider = cluster
                pekko.actor.serialization-bindings { "zed.actors.JsonEvent" = jackson-json }
                pekko.remote.artery.canonical { hostname = "127.0.0.1", port = 0 }
                pekko.cluster.jmx.multi-mbeans-in-same-jvm = on
                pekko.cluster.sharding.retry-interval = 200ms
                pekko.coordinated-shutdown.exit-jvm = off
                pekko.coordinated-shutdown.run-by-jvm-shutdown-hook = off
                """).withFallback(ConfigFactory.load());
    }

    private static ActorSystem<Void> node(String name) {
        ActorSystem<Void> s = ActorSystem.create(Behaviors.empty(), "zed", config());
        ClusterSharding.get(s).init(Entity.of(KEY, ctx -> Behaviors.setup(c -> {
                    STARTED.computeIfAbsent(name, k -> ConcurrentHashMap.newKeySet()).add(ctx.getEntityId());
                    return Behaviors.<Where>receiveMessage(w -> {
                        w.replyTo().tell(new Here(name));
                        return Behaviors.same();
                    });
                }))
                // one shard per entity, its id the entity's, as levels are placed (Placement.PerLevel)
                .withMessageExtractor(new org.apache.pekko.cluster.sharding.typed.ShardingMessageExtractor<org.apache.pekko.cluster.sharding.typed.ShardingEnvelope<Where>, Where>() {
                    @Override
                    public String entityId(org.apache.pekko.cluster.sharding.typed.ShardingEnvelope<Where> e) {
                        return e.entityId();
                    }

                    @Override
                    public String shardId(String entityId) {
                        return entityId;
                    }

                    @Override
                    public Where unwrapMessage(org.apache.pekko.cluster.sharding.typed.ShardingEnvelope<Where> e) {
                        return e.message();
                    }
                })
                .withAllocationStrategy(new PinnedAllocation(org.apache.pekko.actor.typed.javadsl.Adapter.toClassic(s), KEY.name())));
        return s;
    }

    @AfterEach
    void stop() throws Exception {
        for (ActorSystem<Void> s : new ActorSystem[]{a, b}) {
            if (s == null) continue;
            s.terminate();
            s.getWhenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
        }
    }

    @Test
    void anEntityRunsOnItsPlacedNodeAndNowhereElse() throws Exception {
        STARTED.clear();
        a = node("a");
        Cluster ca = Cluster.get(a);
        ca.manager().tell(Join.create(ca.selfMember().address()));
        b = node("b");
        Cluster cb = Cluster.get(b);
        cb.manager().tell(Join.create(ca.selfMember().address()));
        await(() -> count(ca, MemberStatus.up()) == 2, "both nodes up");
        Address addrA = ca.selfMember().address();
        Address addrB = cb.selfMember().address();
        ExternalShardAllocation.get(a).getClient(KEY.name()).setShardLocations(Map.of("on-a", addrA, "on-b", addrB))
                .toCompletableFuture().get(10, TimeUnit.SECONDS);

        // asked from a: each runs where it is placed
        assertEquals("b", where(a, "on-b", Duration.ofSeconds(20)));
        assertEquals("a", where(a, "on-a", Duration.ofSeconds(20)));
        assertEquals("b", where(b, "on-b", Duration.ofSeconds(20)));

        // no location: refused, and started on no node (the external strategy would start it on a)
        assertThrows(Exception.class, () -> where(a, "nowhere", Duration.ofSeconds(3)));
        assertFalse(STARTED.getOrDefault("a", Set.of()).contains("nowhere"), "a level with no placement started on the node that asked");

        // its node gone: the entity does not follow the request to a
        b.terminate();
        b.getWhenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
        b = null;
        await(() -> count(ca, MemberStatus.up()) == 1 && ca.state().getUnreachable().isEmpty(), "b has left");
        assertThrows(Exception.class, () -> where(a, "on-b", Duration.ofSeconds(3)));
        assertFalse(STARTED.getOrDefault("a", Set.of()).contains("on-b"), "a level whose host left started on the node that asked");
        assertEquals(Set.of("on-a"), STARTED.get("a"));
    }

    private static String where(ActorSystem<Void> from, String id, Duration within) throws Exception {
        return ClusterSharding.get(from).entityRefFor(KEY, id).<Here>ask(Where::new, within).toCompletableFuture()
                .get(within.toMillis() + 1000, TimeUnit.MILLISECONDS).node();
    }

    private static int count(Cluster c, MemberStatus status) {
        int n = 0;
        for (org.apache.pekko.cluster.Member m : c.state().getMembers()) if (m.status() == status) n++;
        return n;
    }

    private static void await(BooleanSupplier ok, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!ok.getAsBoolean()) {
            if (System.nanoTime() > deadline) throw new AssertionError("not within 60 s: " + what);
            Thread.sleep(50); // polling interval of a deadline wait
        }
        assertTrue(ok.getAsBoolean());
    }
}
