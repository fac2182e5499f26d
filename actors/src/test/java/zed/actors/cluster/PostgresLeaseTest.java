package zed.actors.cluster;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.coordination.lease.LeaseException;
import org.apache.pekko.coordination.lease.LeaseSettings;
import org.apache.pekko.coordination.lease.scaladsl.Lease;
import org.apache.pekko.coordination.lease.scaladsl.LeaseProvider;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import scala.jdk.javaapi.FutureConverters;
import zed.actors.TestDatabase;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The split brain resolver's lease on a real PostgreSQL (a database of this class's own, beside the one
 * {@code ZED_TEST_POSTGRES_URL} names; with {@code ZED_REQUIRE_POSTGRES=1} a missing one fails instead of skipping).
 * Each test takes a lease name of its own. Timings are short (a 3 s heartbeat-timeout) and every wait has a deadline.
 */
class PostgresLeaseTest {
    static final Duration TTL = Duration.ofSeconds(3);
    static final Duration INTERVAL = Duration.ofMillis(500);
    static final Duration OPERATION = Duration.ofSeconds(2);
    /** Scheduling noise on a busy 2-core CI machine. */
    static final Duration SLACK = Duration.ofSeconds(2);
    static final String TIMINGS = "heartbeat-timeout = 3s, heartbeat-interval = 500ms, lease-operation-timeout = 2s, hold-after-use = 0s";
    static final Duration HOLD = Duration.ofMillis(2500);

    static TestDatabase db;
    final List<AutoCloseable> opened = new ArrayList<>();
    final String name = "test-" + UUID.randomUUID();

    @BeforeAll
    static void database() throws Exception {
        db = TestDatabase.fresh();
    }

    @AfterAll
    static void dropDatabase() throws Exception {
        if (db != null) db.close();
    }

    @AfterEach
    void closeLeases() throws Exception {
        for (AutoCloseable c : opened) c.close();
    }

    static Config block(String url) {
        return ConfigFactory.parseString(TIMINGS).withFallback(ConfigFactory.parseString(PostgresLease.config(url)).getConfig(PostgresLease.CONFIG_PATH));
    }

    PostgresLease lease(String owner) {
        return lease(db.url, owner);
    }

    PostgresLease lease(String url, String owner) {
        return lease(block(url), owner);
    }

    PostgresLease lease(Config block, String owner) {
        PostgresLease l = new PostgresLease(LeaseSettings.apply(block, name, owner));
        opened.add(l);
        return l;
    }

    static <T> T within(Duration d, CompletionStage<T> stage) throws Exception {
        return stage.toCompletableFuture().get(d.toMillis(), TimeUnit.MILLISECONDS);
    }

    static boolean answer(CompletionStage<Boolean> stage) throws Exception {
        return within(OPERATION.plus(SLACK), stage);
    }

    static void eventually(Duration d, String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + d.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) fail("not within " + d.toMillis() + " ms: " + what);
            Thread.sleep(20);
        }
    }

    String owner() throws Exception {
        List<String> rows = db.query("SELECT owner FROM zed_lease WHERE name = '" + name + "'");
        return rows.isEmpty() ? null : rows.get(0);
    }

    @Test
    void ofTwoOwnersAskingAtOnceExactlyOneGetsIt() throws Exception {
        PostgresLease a = lease("a");
        PostgresLease b = lease("b");
        CompletionStage<Boolean> fa = a.acquire();
        CompletionStage<Boolean> fb = b.acquire();
        boolean ra = answer(fa);
        boolean rb = answer(fb);
        assertNotEquals(ra, rb, "exactly one of the two holds it");
        assertEquals(ra, a.checkLease());
        assertEquals(rb, b.checkLease());
        assertEquals(ra ? "a" : "b", owner());
        // asking again changes nothing: the holder keeps it, the other is refused
        assertEquals(ra, answer(a.acquire()));
        assertEquals(rb, answer(b.acquire()));
    }

    @Test
    void theHolderRenewsPastTheTtlAndKeepsIt() throws Exception {
        PostgresLease a = lease("a");
        PostgresLease b = lease("b");
        CompletableFuture<Optional<Throwable>> lost = new CompletableFuture<>();
        assertTrue(answer(a.acquire(lost::complete)));
        long until = System.nanoTime() + TTL.multipliedBy(2).plus(INTERVAL).toNanos();
        while (System.nanoTime() < until) {
            assertTrue(a.checkLease(), "the holder still holds it");
            assertFalse(answer(b.acquire()), "the other is refused while the holder renews");
        }
        assertFalse(lost.isDone(), "never lost");
        assertEquals("a", owner());
        assertEquals(List.of("t"), db.query("SELECT expires_at > now() FROM zed_lease WHERE name = '" + name + "'"));
    }

    @Test
    void theOtherGetsItOnceTheHolderReleases() throws Exception {
        PostgresLease a = lease("a");
        PostgresLease b = lease("b");
        assertTrue(answer(a.acquire()));
        assertFalse(answer(b.acquire()));
        assertTrue(answer(a.release()));
        assertFalse(a.checkLease());
        assertNull(owner(), "the row is gone");
        assertTrue(answer(b.acquire()), "free at once, with no wait for the ttl");
        assertTrue(b.checkLease());
        // a release by one that does not hold it leaves the holder's row alone
        assertTrue(answer(a.release()));
        assertEquals("b", owner());
        assertTrue(b.checkLease());
    }

    /**
     * The resolver, finding the lease held from an earlier decision, downs a new other side without acquiring and
     * then releases on the earlier decision's time: the lease must stay held for hold-after-use after that use, or
     * the new other side takes it and downs this one too.
     */
    @Test
    void aReleaseSoonAfterAUseWaitsTillHoldAfterUseHasPassed() throws Exception {
        Config held = ConfigFactory.parseString("hold-after-use = " + HOLD.toMillis() + "ms").withFallback(block(db.url));
        PostgresLease a = lease(held, "a");
        PostgresLease b = lease("b");
        assertTrue(answer(a.acquire()));
        assertTrue(a.checkLease(), "used again for a second decision");
        long used = System.nanoTime();
        assertTrue(answer(a.release()), "answered at once");
        assertFalse(answer(b.acquire()), "the other side may not take it within hold-after-use of the last use");
        assertEquals("a", owner());
        assertTrue(a.checkLease(), "still renewed meanwhile");
        used = System.nanoTime();
        // released once hold-after-use has passed since that last use, and then the other side gets it
        eventually(HOLD.plus(INTERVAL).plus(SLACK), "the row gone after hold-after-use", () -> {
            try {
                return owner() == null;
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        });
        assertTrue(System.nanoTime() - used >= HOLD.toNanos() - Duration.ofMillis(50).toNanos(), "not before hold-after-use passed");
        assertFalse(a.checkLease());
        assertTrue(answer(b.acquire()));
    }

    @Test
    void theOtherGetsItOnlyAfterTheTtlOnceTheHolderStopsHeartbeating() throws Exception {
        PostgresLease a = lease("a");
        PostgresLease b = lease("b");
        assertTrue(answer(a.acquire()));
        a.close(); // as a crash: no release
        long stopped = System.nanoTime();
        assertFalse(answer(b.acquire()), "still the dead holder's until its row runs out");
        eventually(TTL.plus(SLACK), "the other acquires once the row ran out", () -> {
            try {
                return answer(b.acquire());
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        });
        Duration waited = Duration.ofNanos(System.nanoTime() - stopped);
        // the holder's last renewal was at most one interval before it stopped; the row outlived it by the ttl
        assertTrue(waited.compareTo(TTL.minus(INTERVAL)) >= 0, "got it after " + waited.toMillis() + " ms, before the ttl ran out");
        assertEquals("b", owner());
    }

    /**
     * Two hosts, the lease holder dies holding it (as after the resolver downed a third): the survivor, asking once the
     * dead holder's last renewal is stale (later than heartbeat-interval plus an operation's time, 2.5 s here; a
     * real survivor asks 11 s after the death at the earliest), waits in that one acquire for the row to run out and
     * gets it: no later than heartbeat-interval after the row's end, which is heartbeat-timeout after the holder's
     * last renewal.
     */
    @Test
    void aSurvivorGetsTheLeaseOfAHolderThatDiedHoldingIt() throws Exception {
        PostgresLease a = lease("a");
        PostgresLease b = lease("b");
        assertTrue(answer(a.acquire()));
        a.close(); // dies: no release, no more renewals
        eventually(TTL.plus(SLACK), "the dead holder's last renewal is stale", () -> rowAge() > 2.6);
        double left = TTL.toMillis() / 1000.0 - rowAge();
        long asked = System.nanoTime();
        assertTrue(answer(b.acquire()), "the survivor gets it in the one acquire");
        Duration took = Duration.ofNanos(System.nanoTime() - asked);
        assertTrue(took.toMillis() >= left * 1000 - 100, "not before the row ran out: " + took.toMillis() + " ms, the row had " + left + " s left");
        assertTrue(took.compareTo(Duration.ofMillis((long) (left * 1000)).plus(INTERVAL).plus(SLACK)) <= 0, "took " + took.toMillis() + " ms");
        assertTrue(b.checkLease());
        assertEquals("b", owner());
    }

    /** A holder that renews is refused at once, whoever asks: the side without the lease downs itself on time. */
    @Test
    void aLiveHoldersLeaseIsNotWaitedFor() throws Exception {
        PostgresLease a = lease("a");
        PostgresLease b = lease("b");
        assertTrue(answer(a.acquire()));
        long until = System.nanoTime() + TTL.plus(INTERVAL).toNanos();
        while (System.nanoTime() < until) {
            long asked = System.nanoTime();
            assertFalse(answer(b.acquire()));
            // a wait would last till the next renewal at least (0.5 s here); a refusal is one round trip
            assertTrue(System.nanoTime() - asked < INTERVAL.toNanos(), "refused after " + (System.nanoTime() - asked) / 1_000_000 + " ms");
        }
        assertTrue(a.checkLease());
    }

    /** A lease on the smaller side of a split (as {@link Split} would say), leaving a free row to the other side for {@code wait}. */
    PostgresLease minority(String owner, Duration wait) {
        Config block = ConfigFactory.parseString("minority-wait = " + wait.toMillis() + "ms").withFallback(block(db.url));
        PostgresLease l = new PostgresLease(LeaseSettings.apply(block, name, owner), () -> {
        }, () -> true);
        opened.add(l);
        return l;
    }

    /**
     * The resolver asks on both sides at its decision; the smaller side leaves the free row to the larger one, and
     * hears no as soon as the larger side holds it (one look, 250 ms), not once its wait is over: it then downs itself
     * and stands down within a look of the larger side's decision, which is what the standby's margin is for.
     */
    @Test
    void theSmallerSideLeavesAFreeRowToTheOtherAndHearsNoAsSoonAsTheOtherTakesIt() throws Exception {
        PostgresLease small = minority("small", Duration.ofSeconds(8));
        PostgresLease large = lease("large");
        long asked = System.nanoTime();
        CompletionStage<Boolean> smallAnswer = small.acquire();
        Thread.sleep(1000); // the larger side's resolver decides a second later (its failure detector lagged)
        assertNull(owner(), "the smaller side has not claimed the free row");
        assertFalse(smallAnswer.toCompletableFuture().isDone(), "nor answered: it leaves the row to the other side");
        assertTrue(answer(large.acquire()), "the larger side takes it");
        long taken = System.nanoTime();
        assertFalse(within(SLACK.plus(OPERATION), smallAnswer));
        long after = (System.nanoTime() - taken) / 1_000_000;
        assertTrue(after < 1500, "no " + after + " ms after the other side took it");
        assertTrue((System.nanoTime() - asked) / 1_000_000 < 8000, "before its wait was over");
        assertEquals("large", owner());
        assertTrue(large.checkLease());
        assertFalse(small.checkLease());
    }

    /** The other side never came (it died): the smaller side takes the free row once its wait is over, and not before. */
    @Test
    void theSmallerSideTakesAFreeRowOnceItsWaitIsOver() throws Exception {
        Duration wait = Duration.ofMillis(2500);
        PostgresLease small = minority("small", wait);
        long asked = System.nanoTime();
        CompletionStage<Boolean> answer = small.acquire();
        Thread.sleep(1000); // a moment into its wait: the scenario's time, not a wait for something
        assertNull(owner(), "still left to the other side");
        assertTrue(within(wait.plus(OPERATION).plus(SLACK), answer));
        assertTrue(System.nanoTime() - asked >= wait.toNanos(), "not before its wait was over");
        assertEquals("small", owner());
        assertTrue(small.checkLease());
    }

    /** A live holder's row is no at once, wait or not: the smaller side does not wait out its wait to hear it. */
    @Test
    void theSmallerSideHearsNoAtOnceWhenTheOtherSideHoldsItAlready() throws Exception {
        PostgresLease large = lease("large");
        assertTrue(answer(large.acquire()));
        PostgresLease small = minority("small", Duration.ofSeconds(8));
        long asked = System.nanoTime();
        assertFalse(answer(small.acquire()));
        assertTrue(System.nanoTime() - asked < INTERVAL.toNanos(), "refused after " + (System.nanoTime() - asked) / 1_000_000 + " ms");
    }

    /** Seconds since the row was last written (claimed or renewed), on the database's clock. */
    double rowAge() {
        return rowAge(TTL);
    }

    double rowAge(Duration ttl) {
        try {
            List<String> rows = db.query("SELECT extract(epoch FROM now() - (expires_at - interval '" + ttl.toMillis() + " milliseconds')) FROM zed_lease WHERE name = '" + name + "'");
            return rows.isEmpty() ? -1 : Double.parseDouble(rows.get(0));
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    /**
     * Two owners that take and give back the lease as fast as they can, a third looking all the while: never both
     * hold it at once.
     */
    @Test
    void twoLiveOwnersNeverHoldItAtOnce() throws Exception {
        PostgresLease a = lease("a");
        PostgresLease b = lease("b");
        long until = System.nanoTime() + Duration.ofSeconds(4).toNanos();
        AtomicInteger both = new AtomicInteger();
        AtomicInteger taken = new AtomicInteger();
        // a's releases begun: a said yes before and after b did, with no release of its own between, so it held it
        // all the while, b's yes included
        AtomicInteger aReleases = new AtomicInteger();
        Thread look = new Thread(() -> {
            while (System.nanoTime() < until) {
                int before = aReleases.get();
                if (a.checkLease() && b.checkLease() && a.checkLease() && aReleases.get() == before) both.incrementAndGet();
            }
        });
        look.start();
        List<CompletableFuture<Void>> owners = new ArrayList<>();
        for (PostgresLease l : List.of(a, b)) {
            owners.add(CompletableFuture.runAsync(() -> {
                try {
                    while (System.nanoTime() < until) {
                        if (answer(l.acquire())) {
                            taken.incrementAndGet();
                            if (l == a) aReleases.incrementAndGet();
                            assertTrue(answer(l.release()));
                        }
                    }
                } catch (Exception e) {
                    throw new AssertionError(e);
                }
            }));
        }
        for (CompletableFuture<Void> f : owners) f.get(30, TimeUnit.SECONDS);
        look.join();
        assertEquals(0, both.get(), "both held it at once");
        assertTrue(taken.get() > 2, "taken " + taken.get() + " times");
    }

    /**
     * A holder cut from the database (alive): the other side, asking once its renewals are stale, waits and gets the
     * lease when the row runs out; the cut holder says it holds it no longer from the time the other began to wait,
     * and has downed itself by the time the other gets it (its last renewal failed within an operation's time).
     */
    @Test
    void aHolderCutFromTheDatabaseLetsGoAndDownsItselfAsTheOtherTakesIt() throws Exception {
        URI pg = URI.create(db.url.substring("jdbc:".length()));
        try (CuttableLink link = new CuttableLink(pg.getHost(), pg.getPort())) {
            CompletableFuture<Long> downed = new CompletableFuture<>();
            PostgresLease a = new PostgresLease(LeaseSettings.apply(block(db.url.replace(pg.getHost() + ":" + pg.getPort(), "127.0.0.1:" + link.port())), name, "a"),
                    () -> downed.complete(System.nanoTime()));
            opened.add(a);
            PostgresLease b = lease("b");
            assertTrue(answer(a.acquire()));
            link.cut();
            eventually(TTL.plus(SLACK), "the cut holder's last renewal is stale", () -> rowAge() > 2.6);
            assertFalse(a.checkLease(), "stale: the cut holder no longer acts on it");
            CompletionStage<Boolean> asked = b.acquire();
            while (!asked.toCompletableFuture().isDone()) assertFalse(a.checkLease() && b.checkLease());
            assertTrue(answer(asked));
            long got = System.nanoTime();
            assertFalse(a.checkLease());
            long down = within(OPERATION.plus(SLACK), downed);
            assertTrue(down - got < OPERATION.toNanos(), "downed itself " + (down - got) / 1_000_000 + " ms after the other got it");
            assertEquals("b", owner());
        }
    }

    /** The side that waits for a stale holder hears no once the holder renews after all (its link back). */
    @Test
    void aWaitingSideHearsNoWhenTheHolderRenewsAfterAll() throws Exception {
        URI pg = URI.create(db.url.substring("jdbc:".length()));
        try (CuttableLink link = new CuttableLink(pg.getHost(), pg.getPort())) {
            CompletableFuture<Long> downed = new CompletableFuture<>();
            PostgresLease a = new PostgresLease(LeaseSettings.apply(ConfigFactory.parseString("heartbeat-timeout = 8s").withFallback(
                    block(db.url.replace(pg.getHost() + ":" + pg.getPort(), "127.0.0.1:" + link.port()))), name, "a"),
                    () -> downed.complete(System.nanoTime()));
            opened.add(a);
            PostgresLease b = lease(ConfigFactory.parseString("heartbeat-timeout = 8s").withFallback(block(db.url)), "b");
            assertTrue(answer(a.acquire()));
            link.cut();
            Duration ttl = Duration.ofSeconds(8);
            eventually(ttl, "the cut holder's last renewal is stale", () -> rowAge(ttl) > 2.6);
            CompletionStage<Boolean> asked = b.acquire();
            // more than a poll (0.5 s) later: b waits for the stale row, it did not answer no at once
            eventually(ttl, "a poll later", () -> rowAge(ttl) > 3.4);
            assertFalse(asked.toCompletableFuture().isDone(), "waiting for the stale holder's row to run out");
            link.heal();
            assertFalse(within(Duration.ofSeconds(8).plus(SLACK), asked), "no: the holder renewed");
            assertEquals("a", owner());
            eventually(SLACK, "the holder holds it again", a::checkLease);
            assertFalse(downed.isDone(), "the holder never lost it");
        }
    }

    @Test
    void aHolderWhoseRowWasTakenOverIsToldAndLetsGo() throws Exception {
        PostgresLease a = lease("a");
        CompletableFuture<Optional<Throwable>> lost = new CompletableFuture<>();
        assertTrue(answer(a.acquire(lost::complete)));
        db.execute("UPDATE zed_lease SET owner = 'intruder' WHERE name = '" + name + "'");
        Optional<Throwable> why = within(INTERVAL.plus(OPERATION).plus(SLACK), lost);
        assertFalse(a.checkLease());
        assertTrue(why.isPresent() && why.get().getMessage().contains("taken over"), String.valueOf(why));
        assertEquals("intruder", owner(), "the new owner's row is left alone");
        assertFalse(answer(a.acquire()), "and cannot be taken back before it runs out");
    }

    @Test
    void aHolderCutFromTheDatabaseLosesItWhenTheTtlRunsOut() throws Exception {
        URI pg = URI.create(db.url.substring("jdbc:".length()));
        try (CuttableLink link = new CuttableLink(pg.getHost(), pg.getPort())) {
            // a ttl well apart from a failed renewal's time (1 s, its operation timeout), so that a busy machine's late
            // renewals cannot blur the two: losing it at the first failure would be about 1.5 s after the cut
            Duration ttl = Duration.ofSeconds(8);
            PostgresLease a = new PostgresLease(LeaseSettings.apply(ConfigFactory.parseString(
                    "heartbeat-timeout = 8s, heartbeat-interval = 500ms, lease-operation-timeout = 1s").withFallback(
                    block(db.url.replace(pg.getHost() + ":" + pg.getPort(), "127.0.0.1:" + link.port()))), name, "a"));
            opened.add(a);
            PostgresLease b = lease("b");
            CompletableFuture<Optional<Throwable>> lost = new CompletableFuture<>();
            assertTrue(answer(a.acquire(lost::complete)));
            link.cut();
            long cut = System.nanoTime();
            Optional<Throwable> why = within(ttl.plus(OPERATION).plus(SLACK), lost);
            Duration after = Duration.ofNanos(System.nanoTime() - cut);
            assertTrue(after.compareTo(ttl.dividedBy(2)) >= 0, "lost after " + after.toMillis() + " ms: failed renewals must not lose it before the ttl");
            // and let go before the row can run out there (heartbeat-timeout less an operation's time after the last
            // renewal, 7 s here), so that the other side's removal margin covers only the services' stop
            assertTrue(after.compareTo(ttl) < 0, "lost " + after.toMillis() + " ms after the cut: the row may have run out by then");
            assertFalse(a.checkLease());
            assertTrue(why.isPresent() && why.get().getMessage().contains("not renewed"), String.valueOf(why));
            eventually(ttl.plus(SLACK), "the other acquires the row that ran out", () -> {
                try {
                    return answer(b.acquire());
                } catch (Exception e) {
                    throw new AssertionError(e);
                }
            });
        }
    }

    @Test
    void anUnreachableDatabaseFailsAcquireWithinTheOperationTimeout() throws Exception {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = s.getLocalPort();
        }
        LeaseException refused = failsInTime(lease("jdbc:postgresql://127.0.0.1:" + closedPort + "/zed?user=zed&password=s3cret-pw", "a").acquire());
        assertTrue(refused.getMessage().contains("acquire failed") && refused.getMessage().contains("127.0.0.1:" + closedPort + " refused"), refused.getMessage());
        assertFalse(refused.getMessage().contains("s3cret") || refused.getMessage().contains("password="), refused.getMessage());

        // a port that takes the connection and then says nothing: the driver would wait for ever without a timeout
        try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            PostgresLease hung = lease("jdbc:postgresql://127.0.0.1:" + silent.getLocalPort() + "/zed?user=zed&password=s3cret-pw", "a");
            LeaseException timedOut = failsInTime(hung.acquire());
            assertFalse(timedOut.getMessage().contains("s3cret"), timedOut.getMessage());
            assertFalse(hung.checkLease());
            failsInTime(hung.release());
        }
    }

    static LeaseException failsInTime(CompletionStage<Boolean> stage) throws Exception {
        long start = System.nanoTime();
        ExecutionException e = assertThrows(ExecutionException.class, () -> within(OPERATION.plus(SLACK), stage));
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        assertTrue(took.compareTo(OPERATION.plusMillis(500)) <= 0, "answered after " + took.toMillis() + " ms");
        return assertInstanceOf(LeaseException.class, e.getCause());
    }

    @Test
    void leaseProviderBuildsItFromTheActorSystemsConfigAsTheSplitBrainResolverDoes() throws Exception {
        Config config = ConfigFactory.parseString("pekko.loglevel = WARNING\n" + PostgresLease.CONFIG_PATH + " { " + TIMINGS + " }")
                .withFallback(ConfigFactory.parseString(PostgresLease.config(db.url)))
                .withFallback(ConfigFactory.load());
        assertEquals(db.url, config.getString(PostgresLease.CONFIG_PATH + ".url"), "the URL survives HOCON quoting");
        ActorSystem system = ActorSystem.create("lease", config);
        try {
            // as SplitBrainResolverProvider: LeaseProvider(system).getLease(leaseName, lease-implementation, host:port)
            Lease a = LeaseProvider.get(system).getLease(name, PostgresLease.CONFIG_PATH, "lease@127.0.0.1:2552");
            Lease b = LeaseProvider.get(system).getLease(name, PostgresLease.CONFIG_PATH, "lease@127.0.0.1:2553");
            assertEquals(TTL.toMillis(), a.settings().timeoutSettings().getHeartbeatTimeout().toMillis(), "the lease's own block, over pekko's defaults");
            assertTrue(answer(scala(a.acquire())));
            assertTrue(a.checkLease());
            assertFalse(answer(scala(b.acquire())));
            assertEquals("lease@127.0.0.1:2552", owner());
            assertTrue(answer(scala(a.release())));
            assertTrue(answer(scala(b.acquire())));
            system.terminate();
            within(Duration.ofSeconds(30), system.getWhenTerminated().toCompletableFuture());
            // the actor system's end stops the heartbeat without releasing, as Pekko's resolver expects
            assertFalse(b.checkLease());
            assertEquals("lease@127.0.0.1:2553", owner());
        } finally {
            system.terminate();
        }
    }

    @SuppressWarnings("unchecked")
    static CompletionStage<Boolean> scala(scala.concurrent.Future<Object> f) {
        return (CompletionStage<Boolean>) (CompletionStage<?>) FutureConverters.asJava(f);
    }
}
