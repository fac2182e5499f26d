package zed.actors.cluster;

import com.typesafe.config.ConfigFactory;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.ClusterSingleton;
import org.apache.pekko.cluster.typed.Join;
import org.apache.pekko.cluster.typed.SingletonActor;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import zed.actors.TestDatabase;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Two clusters of one node each on one real PostgreSQL, as an island makes (a first seed started again while cut off
 * from the others forms a cluster of its own): with the node's singleton lease ({@link PostgresLease#SINGLETON_PATH},
 * as the node configures it) only one of them runs the singleton, and the other runs it once the first is gone.
 */
class SingletonLeaseTest {
    /** The node's lease block, with a short ttl so that the test need not wait 15 s for a dead holder's row. */
    static final String TIMINGS = PostgresLease.SINGLETON_PATH + " { heartbeat-timeout = 3s, heartbeat-interval = 500ms }";
    static TestDatabase db;
    private ActorSystem<Void> first;
    private ActorSystem<Void> second;

    record Ping(ActorRef<String> replyTo) {
    }

    static Behavior<Ping> table(String node) {
        return Behaviors.receiveMessage(p -> {
            p.replyTo().tell(node);
            return Behaviors.same();
        });
    }

    @BeforeAll
    static void database() throws Exception {
        db = TestDatabase.fresh();
    }

    @AfterAll
    static void dropDatabase() throws Exception {
        if (db != null) db.close();
    }

    @AfterEach
    void stop() throws Exception {
        Systems.terminate(first, second);
    }

    private static ActorSystem<Void> cluster() {
        ActorSystem<Void> s = ActorSystem.create(Behaviors.empty(), "zed", ConfigFactory.parseString("""
                pekko.loglevel = ERROR
                pekko.actor.provider = cluster
                pekko.remote.artery.canonical { hostname = "127.0.0.1", port = 0 }
                pekko.cluster.jmx.multi-mbeans-in-same-jvm = on
                pekko.coordinated-shutdown.exit-jvm = off
                pekko.coordinated-shutdown.run-by-jvm-shutdown-hook = off
                pekko.cluster.singleton.use-lease = "%s"
                pekko.cluster.singleton.lease-retry-interval = 500ms
                """.formatted(PostgresLease.SINGLETON_PATH) + TIMINGS)
                .withFallback(ConfigFactory.parseString(PostgresLease.config(db.url)))
                .withFallback(ConfigFactory.load()));
        Cluster c = Cluster.get(s);
        c.manager().tell(Join.create(c.selfMember().address()));
        return s;
    }

    private static ActorRef<Ping> singleton(ActorSystem<Void> s, String node) {
        return ClusterSingleton.get(s).init(SingletonActor.of(table(node), "placement-table"));
    }

    private static String ask(ActorSystem<Void> s, ActorRef<Ping> ref) {
        try {
            return AskPattern.<Ping, String>ask(ref, Ping::new, Duration.ofMillis(500), s.scheduler()).toCompletableFuture().get(2, TimeUnit.SECONDS);
        } catch (Exception e) {
            return null;
        }
    }

    private static String await(ActorSystem<Void> s, ActorRef<Ping> ref, Duration within, String what) throws InterruptedException {
        long deadline = System.nanoTime() + within.toNanos();
        while (System.nanoTime() < deadline) {
            String answer = ask(s, ref);
            if (answer != null) return answer;
            Thread.sleep(100); // polling interval of a deadline wait
        }
        fail("not within " + within.toSeconds() + " s: " + what);
        return null;
    }

    @Test
    void aSecondClusterOnTheSameJournalRunsNoSecondTableUntilTheFirstIsGone() throws Exception {
        first = cluster();
        ActorRef<Ping> one = singleton(first, "first");
        assertEquals("first", await(first, one, Duration.ofSeconds(30), "the first cluster's table"));

        second = cluster();
        ActorRef<Ping> two = singleton(second, "second");
        // its lease is the first's: asked for longer than its retry interval and its first acquire take, no answer
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(6);
        while (System.nanoTime() < until) {
            String answer = ask(second, two);
            if (answer != null) fail("the second cluster ran a table of its own beside the first's: " + answer);
        }
        assertEquals("first", ask(first, one), "the first keeps its table");

        // the first gone (as a crash: its row runs out after the ttl), the second runs it
        first.terminate();
        first.getWhenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
        first = null;
        assertEquals("second", await(second, two, Duration.ofSeconds(20), "the second cluster's table once the first is gone"));
    }
}
