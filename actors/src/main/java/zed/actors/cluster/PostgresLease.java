package zed.actors.cluster;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigUtil;
import org.apache.pekko.actor.ExtendedActorSystem;
import org.apache.pekko.cluster.Cluster;
import org.apache.pekko.coordination.lease.LeaseException;
import org.apache.pekko.coordination.lease.LeaseSettings;
import org.apache.pekko.coordination.lease.LeaseTimeoutException;
import org.apache.pekko.coordination.lease.javadsl.Lease;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.SQLException;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * Pekko's Lease on the PostgreSQL every node already journals to, for the split brain resolver's
 * {@code lease-majority}: with it two hosts are a safe cluster, the database being the referee (docs: CLUSTER.md,
 * "Split brain"). One row per lease in {@code zed_lease}; whether it is free is decided on the database's clock alone
 * ({@link LeaseRow}).
 *
 * <p>Pekko's {@code LeaseProvider} builds it by reflection from the block {@link #config} writes
 * ({@code lease-class}, the timeouts, {@code url}); the split brain resolver names the owner (the node's
 * {@code host:port}). While held, the row is renewed every {@code heartbeat-interval}; a renewal that finds the row
 * taken over, or that cannot reach the database for {@code heartbeat-timeout}, loses the lease: the lost callback runs,
 * {@link #checkLease()} turns false, and the node downs itself. Every call answers within
 * {@code lease-operation-timeout}, with a {@link LeaseException} when the database did not say yes or no; but an
 * acquire that finds the holder has stopped renewing (dead) waits for its row to run out and takes it, within
 * heartbeat-timeout (see {@link #retryAfterRefusal}): so that of two hosts, the one that lives on wins even when the
 * other died holding the lease.
 *
 * <p>A lease stays held for {@code hold-after-use} after it was last used (acquired, or found held by
 * {@link #checkLease()}); a release before then is answered at once and carried out then. Pekko's resolver, when it
 * finds the lease still held from an earlier decision, acts on a new one without acquiring, and without moving the
 * time at which it releases the earlier one: so it could release the lease a moment after downing a new other side,
 * and that side would take it and down this one (both sides live: a partition test saw it). Held after every use,
 * the lease outlives each decision by {@code release-after}, as the resolver means it to.
 *
 * <p>Implements the Java Lease, which {@code LeaseProvider} wraps for the split brain resolver itself.
 */
public final class PostgresLease extends Lease implements AutoCloseable {
    /** Where {@link #config} puts the block: the value of {@code lease-majority.lease-implementation}. */
    public static final String CONFIG_PATH = "zed.lease";
    /** How long a holder that stopped renewing keeps the row (heartbeat-timeout): see {@link #config}. */
    public static final Duration HEARTBEAT_TIMEOUT = Duration.ofSeconds(20);
    /** How long one acquire, renewal or release may take (lease-operation-timeout): see {@link #config}. */
    public static final Duration OPERATION_TIMEOUT = Duration.ofSeconds(5);

    private static final Logger log = LoggerFactory.getLogger(PostgresLease.class);
    private static final Consumer<Optional<Throwable>> NOBODY = lost -> {
    };

    /** The lease as this node holds it: renewed at that instant of this JVM's monotonic clock, told through onLost. */
    private record Held(long renewedAtNanos, Consumer<Optional<Throwable>> onLost) {
    }

    /** A step on the lease's thread that completes the caller's answer itself. */
    private interface Step<T> {
        void run(CompletableFuture<T> answer) throws SQLException;
    }

    /** What one claim decided: yes or no ({@code ours}), or null and to claim again in {@code retryNanos}. */
    private record Attempt(Boolean ours, long retryNanos) {
        static Attempt answer(boolean ours) {
            return new Attempt(ours, 0);
        }

        static Attempt retryIn(long nanos) {
            return new Attempt(null, nanos);
        }
    }

    private final LeaseSettings settings;
    private final LeaseRow row;
    /** "lease [name] at jdbc:postgresql://host/db": what every message names, never the URL's query string. */
    private final String where;
    private final long ttlNanos;
    private final long intervalNanos;
    /**
     * How long a renewal stays fresh: a heartbeat-interval and one operation's time (the longest a live holder's
     * renewals are apart). A holder says it holds the lease only while its last renewal is this fresh, and another
     * owner waits for a row only once its holder's last renewal is older than this (see {@link #retryAfterRefusal}).
     */
    private final long freshNanos;
    /**
     * How long a holder keeps a lease it cannot renew: heartbeat-timeout less one operation's time, so that a renewal
     * begun before then has ended (answered or timed out) by the time the row may run out, and the holder has let go
     * (and downs itself) no later than that. The other side, which takes the row once it ran out, then downs this one
     * and starts its levels a removal margin later (stable-after, 7 s): the services' stop grace (3 s) fits in it. A
     * holder that let go only at its next look after heartbeat-timeout, up to an operation's time (5 s) past it, would
     * stop its services up to 8 s after the row's end.
     */
    private final long keepNanos;
    /** What the node does when it loses the lease it held: downs itself (see {@link #lose}). */
    private final Runnable afterLoss;
    private final Duration operationTimeout;
    private final long holdAfterUseNanos;
    /**
     * How long the smaller side of a split leaves a free row to the other side before it claims it ({@code minority-wait}):
     * see {@link #claim}. Zed's stand-in for Pekko's {@code acquire-lease-delay-for-minority}, which Zed sets to 0.
     */
    private final long minorityWaitNanos;
    /** Whether this node is on the smaller side of the split now, as the resolver counts it ({@link Split}). */
    private final BooleanSupplier minority;
    /** When the lease was last used: acquired, or found held by {@link #checkLease()}. */
    private volatile long usedAtNanos;
    /** The lease's thread only: a release waiting for hold-after-use to pass since the last use. */
    private ScheduledFuture<?> pendingRelease;
    /**
     * One thread for all of this lease's database work, heartbeats included: steps never overlap, so at most one
     * connection is open, and an acquire, a renewal and a release see each other's outcome in order.
     */
    private final ScheduledThreadPoolExecutor thread;
    private volatile Held held;
    private volatile boolean closed;
    /** The lease's thread only. */
    private ScheduledFuture<?> nextBeat;
    private String lastFailure = "";

    /** The constructor LeaseProvider tries first: the lease stops heartbeating when the actor system terminates. */
    public PostgresLease(LeaseSettings settings, ExtendedActorSystem system) {
        this(settings, () -> downSelf(system), minority(system));
        system.registerOnTermination(this::close);
    }

    /** Whether the node is on the smaller side of a split now; an actor system that is no cluster has no split. */
    private static BooleanSupplier minority(ExtendedActorSystem system) {
        if (!(system.provider() instanceof org.apache.pekko.cluster.ClusterActorRefProvider)) return () -> false;
        return () -> Split.of(Cluster.get(system).state()).minority();
    }

    public PostgresLease(LeaseSettings settings) {
        this(settings, () -> {
        });
    }

    /** {@code afterLoss} runs on the lease's thread when a lease this node held is lost. */
    PostgresLease(LeaseSettings settings, Runnable afterLoss) {
        this(settings, afterLoss, () -> false);
    }

    /** {@code minority}: whether this node is on the smaller side of a split, asked when an acquire begins. */
    PostgresLease(LeaseSettings settings, Runnable afterLoss, BooleanSupplier minority) {
        this.settings = settings;
        this.afterLoss = afterLoss;
        this.minority = minority;
        Config c = settings.leaseConfig();
        String url = c.hasPath("url") ? c.getString("url").strip() : "";
        if (url.isEmpty()) {
            throw new IllegalArgumentException("lease [" + settings.leaseName() + "]: its config block has no url (the node's journal URL)");
        }
        this.where = "lease [" + settings.leaseName() + "] at " + LeaseRow.redacted(url);
        if (!url.startsWith("jdbc:postgresql:")) throw new IllegalArgumentException(where + ": not a jdbc:postgresql: URL");
        Duration ttl = settings.timeoutSettings().getHeartbeatTimeout();
        this.ttlNanos = ttl.toNanos();
        this.intervalNanos = settings.timeoutSettings().getHeartbeatInterval().toNanos();
        this.operationTimeout = settings.timeoutSettings().getOperationTimeout();
        this.freshNanos = Math.min(ttlNanos, intervalNanos + operationTimeout.toNanos());
        this.keepNanos = Math.max(intervalNanos, ttlNanos - operationTimeout.toNanos());
        this.holdAfterUseNanos = c.hasPath("hold-after-use") ? c.getDuration("hold-after-use").toNanos() : 0;
        this.minorityWaitNanos = c.hasPath("minority-wait") ? c.getDuration("minority-wait").toNanos() : 0;
        this.row = new LeaseRow(url, optional(c, "user"), optional(c, "password"), operationTimeout, settings.leaseName(), settings.ownerName(), ttl);
        this.thread = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "zed-lease-" + settings.leaseName());
            t.setDaemon(true);
            return t;
        });
        thread.setRemoveOnCancelPolicy(true);
    }

    /**
     * The lease's config block at {@link #CONFIG_PATH}, for the node to parse into its own config. The timings fit a
     * split brain decision: the resolver holds the lease only while it downs the other side (then releases it), so
     * {@code heartbeat-timeout} matters only when the holder dies (or is cut from the database) holding it: an
     * acquire then waits for the row to run out, that long after the last renewal at most. The survivor of two hosts
     * asks at the earliest the failure detector's 4 s and {@code stable-after} (7 s) after the death, later than
     * the 7 s a renewal stays fresh, so it always sees a dead holder as dead.
     */
    public static String config(String jdbcUrl) {
        return """
                %s {
                  lease-class = "%s"
                  # a holder that stops renewing (dead, or cut from the database) keeps the lease this long, on the database's
                  # clock; another side that asks meanwhile waits for it to run out (see the class): a survivor of two hosts
                  # gets it this long after the dead holder's last renewal at most
                  heartbeat-timeout = %ds
                  # less than half of heartbeat-timeout (Pekko requires it); with lease-operation-timeout, how fresh a live
                  # holder's last renewal always is (7 s): an older one is taken for a dead holder's, and waited for
                  heartbeat-interval = 2s
                  # acquire and release answer within this, yes, no or a LeaseException; as the journal's 5 s connection timeout
                  lease-operation-timeout = %ds
                  # held this long after its last use, a release waiting till then (see the class): as the resolver's
                  # lease-majority.release-after, the time it gives the other side to down itself
                  hold-after-use = 40s
                  # the smaller side of a split (the resolver asks at once on both sides) leaves a free row to the other
                  # side this long before it claims it, and hears no as soon as the other side holds it (see the class)
                  minority-wait = %ds
                  # the node's journal URL; user and password, empty, leave the URL's own (or the driver's default, the OS user)
                  url = %s
                  user = ""
                  password = ""
                }
                """.formatted(CONFIG_PATH, PostgresLease.class.getName(), HEARTBEAT_TIMEOUT.toSeconds(), OPERATION_TIMEOUT.toSeconds(),
                Downing.MINORITY_DELAY.toSeconds(), ConfigUtil.quoteString(jdbcUrl));
    }

    @Override
    public LeaseSettings getSettings() {
        return settings;
    }

    @Override
    public CompletionStage<Boolean> acquire() {
        return claim(null);
    }

    @Override
    public CompletionStage<Boolean> acquire(Consumer<Optional<Throwable>> leaseLostCallback) {
        return claim(leaseLostCallback);
    }

    /**
     * Claims, and claims again while waiting for a dead holder's row to run out, until a deadline at most.
     *
     * <p>The split-brain resolver asks for the lease at once on both sides of a split (Zed sets Pekko's
     * {@code acquire-lease-delay-for-minority} to 0). The smaller side ({@link Split#minority}) does not claim a free
     * row for {@code minority-wait} (6 s): it looks at the row every {@link #LOOK_EVERY} instead, so that the larger
     * side, whose failure detector or resolver may lag, takes it first; it claims the row only if it is still free
     * then (the other side is gone: it must take over). And it hears no as soon as a live holder has the row, so
     * that it downs itself, and stops its levels with a standby, within one look of the other side's decision rather
     * than a fixed delay after its own: the standby's removal margin need only cover that (docs/cluster.md, How long a
     * lost host takes).
     */
    private CompletionStage<Boolean> claim(Consumer<Optional<Throwable>> onLost) {
        long now = System.nanoTime();
        long giveWay = held == null && minorityWaitNanos > 0 && minority.getAsBoolean() ? minorityWaitNanos : 0;
        if (giveWay > 0) log.warn("{}: this node is on the smaller side of the split: it leaves the lease to the other side for {} ms, and claims it then if still free", where, TimeUnit.NANOSECONDS.toMillis(giveWay));
        return claimUntil(onLost, now + giveWay + ttlNanos + operationTimeout.toNanos(), now + giveWay);
    }

    /** How often the smaller side looks at the row while it leaves it to the other side. */
    static final long LOOK_EVERY = TimeUnit.MILLISECONDS.toNanos(250);

    private CompletionStage<Boolean> claimUntil(Consumer<Optional<Throwable>> onLost, long deadline, long claimFrom) {
        return this.<Attempt>call("acquire", answer -> claimOnce(answer, onLost, deadline, claimFrom)).thenCompose(a -> {
            if (a.ours() != null) return CompletableFuture.completedFuture(a.ours());
            // off the lease's thread meanwhile: the wait holds no thread and no connection
            return CompletableFuture.runAsync(() -> {
            }, CompletableFuture.delayedExecutor(a.retryNanos(), TimeUnit.NANOSECONDS)).thenCompose(x -> claimUntil(onLost, deadline, claimFrom));
        });
    }

    private void claimOnce(CompletableFuture<Attempt> answer, Consumer<Optional<Throwable>> onLost, long deadline, long claimFrom) throws SQLException {
        Held before = held;
        long sent = System.nanoTime();
        if (before == null && sent < claimFrom) {
            LeaseRow.Claim look = row.look();
            if (!look.ours()) {
                // free: the other side's to take for a while yet; held: no at once (a live holder) or its row waited for
                long retry = look.holder() == null || look.left().isNegative() ? Math.min(LOOK_EVERY, claimFrom - sent) : retryAfterRefusal(look, deadline);
                answer.complete(retry > 0 ? Attempt.retryIn(retry) : Attempt.answer(false));
                return;
            }
        }
        LeaseRow.Claim claim = row.claim();
        if (claim.ours()) {
            // held before the caller hears yes, so that its checkLease() right after says true; the first renewal
            // cannot run before this step ends, so the lost callback never runs before the answer is out
            usedAtNanos = sent;
            hold(new Held(sent, onLost != null ? onLost : before != null ? before.onLost() : NOBODY));
            if (!answer.complete(Attempt.answer(true)) && before == null) {
                // the caller heard a timeout: it must not be left holding a lease it does not know it has
                held = null;
                stopBeating();
                row.giveBack();
            }
        } else if (before != null) {
            answer.complete(Attempt.answer(false));
            lose(before, "taken over by another owner");
        } else {
            long retry = retryAfterRefusal(claim, deadline);
            answer.complete(retry > 0 ? Attempt.retryIn(retry) : Attempt.answer(false));
        }
    }

    /**
     * After a refused claim: 0 to answer no, or how long to wait before claiming again. A holder that renews lives,
     * and the answer is no at once, as Pekko's split brain resolver expects of the side without the lease (it downs
     * itself, on time for the other side's removal margin). A holder whose last renewal is older than a live holder's
     * ever is (heartbeat-interval plus an operation's time: {@link #freshNanos}) is taken for dead, and waited for:
     * its row runs out within heartbeat-timeout of that renewal, and this side claims again then (and every
     * heartbeat-interval meanwhile, to hear at once if the holder renews after all: then no). Without the wait, a
     * survivor of two hosts whose other host died holding the lease (Pekko's resolver holds it for
     * {@code release-after} after each decision) could not take it, and would down itself too.
     *
     * <p>Safe, whatever the timing: the row alone decides who holds the lease (the claim's one atomic statement,
     * expiry on the database's clock), and this side gets it only once the row ran out, that is heartbeat-timeout
     * after the old holder's last renewal reached the database; the old holder counts its lease from the instant it
     * sent that renewal, so it holds it no longer there ({@link #checkLease}), and loses it then if alive
     * ({@link #lose}). So two live sides never hold it at once. And since the old holder says it holds it only while
     * its last renewal is fresh, from the moment this side starts to wait, the old holder cannot act on the lease in
     * a new decision without renewing it first, which ends the wait with no.
     */
    private long retryAfterRefusal(LeaseRow.Claim claim, long deadline) {
        long left = claim.left().toNanos();
        long now = System.nanoTime();
        if (claim.holder() == null || left < 0) return now < deadline ? TimeUnit.MILLISECONDS.toNanos(1) : 0; // freed meanwhile
        if (ttlNanos - left < freshNanos) return 0;
        if (now + left > deadline) return 0;
        // just past the row's end, on this clock (which may run a little behind the database's: the claim then waits again)
        return Math.min(intervalNanos, left + TimeUnit.MILLISECONDS.toNanos(10));
    }

    /**
     * True: the row is ours, the database cannot have let anyone else have it yet, and nobody waits for it. Measured
     * from the instant the last renewal was sent, before the database read its clock, so the lease ends here no later
     * than there; and only while that renewal is fresh, so that a holder cut from the database does not act on a
     * lease another side has begun to wait for ({@link #retryAfterRefusal}). A live holder's renewals always are.
     */
    @Override
    public boolean checkLease() {
        Held h = held;
        long now = System.nanoTime();
        boolean ours = h != null && !closed && now - h.renewedAtNanos() < freshNanos;
        if (ours) usedAtNanos = now;
        return ours;
    }

    /**
     * Deletes the row if it is ours. True once the database has answered: this owner does not hold the lease any
     * more, whether it still did or not (the split brain resolver asks again on every tick until it hears true).
     * Within hold-after-use of the last use, true at once, and the row is deleted (still renewed till then) once
     * that has passed since the last use, unless the lease is used again meanwhile.
     */
    @Override
    public CompletionStage<Boolean> release() {
        return call("release", answer -> {
            if (!releaseWhenUnused()) answer.complete(true);
            else {
                giveBack();
                answer.complete(true);
            }
        });
    }

    /** On the lease's thread: true when the lease may go now; otherwise the release is set for when it may. */
    private boolean releaseWhenUnused() {
        if (pendingRelease != null) pendingRelease.cancel(false);
        pendingRelease = null;
        long wait = usedAtNanos + holdAfterUseNanos - System.nanoTime();
        if (held == null || wait <= 0) return true;
        try {
            pendingRelease = thread.schedule(() -> {
                pendingRelease = null;
                if (!releaseWhenUnused()) return;
                try {
                    giveBack();
                } catch (SQLException | RuntimeException e) {
                    // the row stays ours until its ttl runs out (renewals stopped): the others wait that long at most
                    held = null;
                    stopBeating();
                    log.warn("{}: release failed: {}; the lease runs out in {} ms", where, detail(e), TimeUnit.NANOSECONDS.toMillis(ttlNanos));
                }
            }, wait, TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException closing) {
            return true;
        }
        return false;
    }

    /** Not held here before the row is gone there: the other side may take it the moment it is. */
    private void giveBack() throws SQLException {
        held = null;
        stopBeating();
        row.giveBack();
    }

    /**
     * Stops heartbeating without releasing, as a crash would: the row runs out after {@code heartbeat-timeout}. Runs
     * when the actor system terminates, which is what Pekko's split brain resolver expects ("The lease will not be
     * released until after the lease heartbeat-timeout").
     */
    @Override
    public void close() {
        closed = true;
        held = null;
        thread.shutdownNow();
    }

    private <T> CompletionStage<T> call(String what, Step<T> step) {
        CompletableFuture<T> answer = new CompletableFuture<>();
        // on the JDK's own timer, not the lease's thread, which may be the one stuck in the database
        CompletableFuture.delayedExecutor(operationTimeout.toMillis(), TimeUnit.MILLISECONDS, Runnable::run).execute(() ->
                answer.completeExceptionally(new LeaseTimeoutException(where + ": " + what + " got no answer within " + operationTimeout.toMillis() + " ms")));
        try {
            thread.execute(() -> {
                if (answer.isDone()) return; // timed out while waiting for the thread: too late to start
                try {
                    step.run(answer);
                } catch (SQLException | RuntimeException e) {
                    answer.completeExceptionally(failure(what, e));
                }
            });
        } catch (RejectedExecutionException e) {
            answer.completeExceptionally(new LeaseException(where + ": " + what + " after the lease was closed"));
        }
        return answer;
    }

    private void hold(Held h) {
        if (closed) return;
        held = h;
        if (nextBeat == null) beatIn(intervalNanos);
    }

    private void beat() {
        nextBeat = null;
        Held h = held;
        if (h == null || closed) return;
        long sent = System.nanoTime();
        if (sent - h.renewedAtNanos() >= keepNanos) {
            lose(h, unrenewed());
            return;
        }
        try {
            if (!row.renew()) {
                lose(h, "taken over by another owner");
            } else if (!closed) {
                held = new Held(sent, h.onLost());
                beatIn(intervalNanos);
            }
        } catch (SQLException | RuntimeException e) {
            lastFailure = detail(e);
            long left = keepNanos - (System.nanoTime() - h.renewedAtNanos());
            if (left <= 0) {
                lose(h, unrenewed());
            } else {
                log.warn("{}: renew failed: {}; trying again, the lease is lost in {} ms unless renewed", where, lastFailure, TimeUnit.NANOSECONDS.toMillis(left));
                // no later than the instant it would be lost, so that the callback runs then
                beatIn(Math.min(intervalNanos, left));
            }
        }
    }

    private String unrenewed() {
        return "not renewed within heartbeat-timeout less an operation's time (" + TimeUnit.NANOSECONDS.toMillis(keepNanos) + " ms): " + lastFailure;
    }

    private void beatIn(long nanos) {
        try {
            nextBeat = thread.schedule(this::beat, nanos, TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException closing) {
            nextBeat = null;
        }
    }

    private void stopBeating() {
        if (nextBeat != null) nextBeat.cancel(false);
        nextBeat = null;
    }

    /**
     * The lease is gone: its row ran out unrenewed (cut from the database), or was taken over after that. The node
     * downs itself ({@link #afterLoss}): another side may hold the lease now, or soon, and down this one, and this
     * node may have acted on the lease in a decision just before it was cut off. Pekko's resolver passes no lost
     * callback, so without this a holder cut from the database right after downing the other side would live on
     * beside that side, which took the lease once the row ran out. It loses it here no later than the row runs out there.
     */
    private void lose(Held h, String reason) {
        held = null;
        stopBeating();
        LeaseException why = new LeaseException(where + " lost: " + reason);
        log.warn(why.getMessage());
        try {
            h.onLost().accept(Optional.of(why));
        } catch (RuntimeException e) {
            log.error("{}: the lease-lost callback failed", where, e);
        }
        try {
            afterLoss.run();
        } catch (RuntimeException e) {
            log.error("{}: could not act on the lost lease", where, e);
        }
    }

    /** Downs this node, as the side without the lease would be: its levels stand down ({@code ZedNode}). */
    private static void downSelf(ExtendedActorSystem system) {
        if (system.whenTerminated().isCompleted()) return;
        Cluster cluster = Cluster.get(system);
        log.error("the split-brain lease was lost: this node ({}) downs itself, since the other side may hold it now", cluster.selfAddress());
        cluster.down(cluster.selfAddress());
    }

    /** The database's error, with nothing of the URL past its redacted form and no password. */
    private LeaseException failure(String what, Exception e) {
        return new LeaseException(where + ": " + what + " failed: " + detail(e));
    }

    private String detail(Exception e) {
        String state = e instanceof SQLException s && s.getSQLState() != null ? " (SQLState " + s.getSQLState() + ")" : "";
        String kind = e instanceof SQLException ? "" : e.getClass().getSimpleName() + ": ";
        return kind + row.scrubbed(e.getMessage()) + state;
    }

    private static String optional(Config c, String key) {
        return c.hasPath(key) ? c.getString(key) : "";
    }

    @Override
    public String toString() {
        return "PostgresLease(" + where + ", owner " + settings.ownerName() + ")";
    }
}
