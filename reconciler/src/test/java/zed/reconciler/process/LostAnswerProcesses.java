package zed.reconciler.process;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A test double at the {@link Processes} seam for zed ops killed while the agent waits for a start's answer: real
 * processes ({@link LocalProcesses}), but the first start throws after its spawn (as OpsProcesses does when ops's
 * connection ends), and the first {@code lostFinds} finds fail (as while ops is still down).
 */
public final class LostAnswerProcesses implements Processes {
    private final LocalProcesses real = new LocalProcesses();
    private final AtomicInteger starts = new AtomicInteger();
    private final AtomicInteger finds = new AtomicInteger();
    private final int lostFinds;
    /** Every pid spawned, the one whose answer was lost first. */
    public final List<Long> spawned = new CopyOnWriteArrayList<>();

    public LostAnswerProcesses(int lostFinds) {
        this.lostFinds = lostFinds;
    }

    public int starts() {
        return starts.get();
    }

    @Override
    public Launcher.Started start(Launch l) {
        Launcher.Started s = real.start(l);
        spawned.add(s.pid());
        if (starts.incrementAndGet() == 1) throw new Launcher.LaunchError(l.service() + ": not started: zed ops: connection closed before its answer");
        return s;
    }

    @Override
    public Optional<StampedProcess> leader(LaunchToken token) {
        if (finds.incrementAndGet() <= lostFinds) throw new zed.reconciler.store.StoreError(zed.reconciler.store.StoreError.Kind.OTHER, "launch", "zed ops: connection refused");
        return real.leader(token);
    }

    @Override
    public boolean stop(long pid, String startTime, Duration grace) {
        return real.stop(pid, startTime, grace);
    }

    @Override
    public boolean usr1(long pid, String startTime) {
        return real.usr1(pid, startTime);
    }

    @Override
    public void giveHome(String ref, String dataset, Path home, RunAs as) {
        real.giveHome(ref, dataset, home, as);
    }

    @Override
    public Path logDir(Launch launch) {
        return real.logDir(launch);
    }

    @Override
    public void rotateLogs(Launch launch, long cap, int keep) {
        real.rotateLogs(launch, cap, keep);
    }
}
