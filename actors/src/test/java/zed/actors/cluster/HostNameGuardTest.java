package zed.actors.cluster;

import com.typesafe.config.ConfigFactory;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Join;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Two real cluster nodes in one JVM, both calling themselves h1: the one that joined second stops, saying why. */
class HostNameGuardTest {
    private ActorSystem<Void> first;
    private ActorSystem<Void> second;

    private static ActorSystem<Void> node(String host) {
        return ActorSystem.create(Behaviors.empty(), "zed", ConfigFactory.parseString("""
                pekko.loglevel = ERROR
                pekko.actor.provider = cluster
                pekko.remote.artery.canonical { hostname = "127.0.0.1", port = 0 }
                pekko.cluster.jmx.multi-mbeans-in-same-jvm = on
                pekko.cluster.roles = ["host", "host=%s"]
                pekko.coordinated-shutdown.exit-jvm = off
                pekko.coordinated-shutdown.run-by-jvm-shutdown-hook = off
                """.formatted(host)).withFallback(ConfigFactory.load()));
    }

    @AfterEach
    void stop() throws Exception {
        for (ActorSystem<Void> s : new ActorSystem[]{first, second}) {
            if (s == null) continue;
            s.terminate();
            s.getWhenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
        }
    }

    @Test
    void theSecondNodeOfAHostNameStops() throws Exception {
        first = node("h1");
        CompletableFuture<String> firstStops = new CompletableFuture<>();
        first.systemActorOf(HostNameGuard.create("h1", firstStops::complete), "guard", Props.empty());
        Cluster c1 = Cluster.get(first);
        c1.manager().tell(Join.create(c1.selfMember().address()));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (c1.selfMember().status() != MemberStatus.up()) {
            assertTrue(System.nanoTime() < deadline, "the first node did not come up");
            Thread.sleep(50); // polling interval of a deadline wait
        }
        second = node("h1");
        CompletableFuture<String> secondStops = new CompletableFuture<>();
        second.systemActorOf(HostNameGuard.create("h1", secondStops::complete), "guard", Props.empty());
        Cluster.get(second).manager().tell(Join.create(c1.selfMember().address()));
        String why = secondStops.get(60, TimeUnit.SECONDS);
        assertTrue(why.startsWith("another node already runs as host h1 (at " + c1.selfMember().address() + "); this one ("), why);
        assertTrue(why.endsWith(") stops: start it with a --host of its own"), why);
        assertFalse(firstStops.isDone(), "the node that was there first stays");
        assertEquals(MemberStatus.up(), c1.selfMember().status());
    }
}
