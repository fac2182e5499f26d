package zed.actors.node;

import org.apache.pekko.Done;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.typed.ActorSystem;
import zed.reconciler.process.Launcher;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * A node the cluster downs stops the services of its levels with a standby as soon as it learns it is downed: at the
 * first phase of its coordinated shutdown, beside the phases that follow, not once its actor system has ended. On a
 * loaded host the system took longer to end than the margin before the standby starts those levels (a CI run saw
 * {@code actor-system-terminate timed out}, and the agent then waited without end), so the level ran on two hosts.
 * From the same moment the node's launcher starts nothing, so that no actor still running starts a service again.
 */
public final class StandDown {
    /** Why the launcher refuses, in a service's error. */
    static final String WHY = "the cluster downed this node";

    private final AtomicBoolean begun = new AtomicBoolean();
    private final CompletableFuture<List<String>> done = new CompletableFuture<>();
    private final CompletableFuture<Void> shutdownBegun = new CompletableFuture<>();
    private final BooleanSupplier downed;
    private final Launcher launcher;
    private final Supplier<List<String>> stop;

    private StandDown(BooleanSupplier downed, Launcher launcher, Supplier<List<String>> stop) {
        this.downed = downed;
        this.launcher = launcher;
        this.stop = stop;
    }

    /**
     * @param downed whether the shutdown under way is the cluster's downing of this node (asked when it begins)
     * @param stop   stops the services of the levels with a standby, one line each ({@link zed.actors.replica.Fencing#standDown})
     */
    public static StandDown register(ActorSystem<?> system, BooleanSupplier downed, Launcher launcher, Supplier<List<String>> stop) {
        StandDown s = new StandDown(downed, launcher, stop);
        CoordinatedShutdown.get(system).addTask(CoordinatedShutdown.PhaseBeforeServiceUnbind(), "zed-stand-down", () -> {
            s.shutdownBegun.complete(null);
            if (s.downed.getAsBoolean()) s.begin();
            // the other phases go on meanwhile: the level entities stop sooner, and try no start the launcher refuses
            return CompletableFuture.completedFuture(Done.getInstance());
        });
        return s;
    }

    /** Begins the stand-down unless it has begun, on a thread of its own (it waits for processes to end). */
    public void begin() {
        if (!begun.compareAndSet(false, true)) return;
        launcher.refuse(WHY);
        Thread t = new Thread(() -> {
            try {
                done.complete(stop.get());
            } catch (Throwable e) {
                done.completeExceptionally(e);
            }
        }, "zed-stand-down");
        t.setDaemon(true);
        t.start();
    }

    /** Whether the stand-down has begun (the node was downed, or {@link #begin} was called). */
    public boolean begun() {
        return begun.get();
    }

    /** Completes when the node's coordinated shutdown begins, whatever its reason. */
    public CompletableFuture<Void> shutdownBegun() {
        return shutdownBegun;
    }

    /**
     * The services stopped, one line each, once the stand-down is over.
     *
     * @throws TimeoutException  when it is not over within the wait
     * @throws RuntimeException  what stopped it (a service that survived SIGKILL, a pool that did not answer)
     */
    public List<String> await(long seconds) throws TimeoutException, InterruptedException {
        try {
            return done.get(seconds, TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
        }
    }
}
