package zed.reconciler.process;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;

/**
 * A process and its descendants, listed at one instant, to be stopped together. Listed before anything is signalled:
 * once a parent dies its children belong to init and no longer show up as its descendants.
 *
 * @param group whether {@code root} leads a process group of its own that is signalled too: that reaches members whose
 *              parent has already died, which are no longer descendants
 */
public record ProcessTree(ProcessHandle root, List<ProcessHandle> descendants, boolean group) {
    /** How often a wait looks again: the processes are not all our children, so there is nothing to be woken by. */
    private static final long POLL_NANOS = Duration.ofMillis(10).toNanos();

    public ProcessTree {
        descendants = List.copyOf(descendants);
    }

    public static ProcessTree of(ProcessHandle root) {
        return new ProcessTree(root, root.descendants().toList(), false);
    }

    /** A process group leader (a service), its group and its descendants, some of which may have left the group. */
    static ProcessTree ofGroup(ProcessHandle leader) {
        return new ProcessTree(leader, leader.descendants().toList(), true);
    }

    /**
     * @param onTerm    whether every process went on SIGTERM, within the grace
     * @param survivors pids that refused SIGKILL (not ours to signal: root processes under sudo) and still run; the
     *                  operator has to see to them
     */
    public record Stopped(boolean onTerm, List<Long> survivors) {
        public Stopped {
            survivors = List.copyOf(survivors);
        }
    }

    /**
     * SIGTERM to every process, up to {@code grace} for all of them to go, then SIGKILL to what is left; a zero grace
     * sends SIGKILL at once. The root is signalled first, so that it cannot start more while the rest are. An
     * interrupt cuts the grace short: what is left gets SIGKILL at once, and the interrupt stays set.
     */
    public Stopped stop(Duration grace) {
        if (grace.compareTo(Duration.ZERO) > 0) {
            // a leader gets its TERM through its group, and only one: some programs take a second TERM as "now"
            if (group) Signals.group(root.pid(), Signals.TERM);
            else root.destroy();
            descendants.forEach(ProcessHandle::destroy);
            if (awaitGone(all(), grace)) return new Stopped(true, List.of());
        }
        if (group) Signals.group(root.pid(), Signals.KILL);
        List<Long> survivors = new ArrayList<>();
        for (ProcessHandle h : all()) {
            // destroyForcibly is false only when kill(2) was refused, which for a live process means not ours
            if (h.isAlive() && !h.destroyForcibly() && h.isAlive()) survivors.add(h.pid());
        }
        return new Stopped(false, survivors);
    }

    private List<ProcessHandle> all() {
        return Stream.concat(Stream.of(root), descendants.stream()).toList();
    }

    /** Whether the process is gone within {@code within}; false at once when the thread is interrupted. */
    static boolean awaitGone(ProcessHandle process, Duration within) {
        return awaitGone(List.of(process), within);
    }

    private static boolean awaitGone(List<ProcessHandle> processes, Duration within) {
        long deadline = System.nanoTime() + within.toNanos();
        while (processes.stream().anyMatch(ProcessTree::running)) {
            if (System.nanoTime() - deadline >= 0 || Thread.currentThread().isInterrupted()) return false;
            LockSupport.parkNanos(POLL_NANOS);
        }
        return true;
    }

    /**
     * Alive and not a zombie. A zombie has ended and only waits for its parent to collect it, which in a container
     * whose init does not reap may be never; on Linux {@code /proc} tells them apart. Every thread is looked at, not
     * the process's first one alone: that one shows as a zombie as soon as it has exited, while the others may still
     * be closing the process's files (a server's listening socket among them).
     */
    static boolean running(ProcessHandle process) {
        if (!process.isAlive()) return false;
        if (HostOs.current() != HostOs.LINUX) return true;
        try (Stream<Path> tasks = Files.list(Path.of("/proc", Long.toString(process.pid()), "task"))) {
            return tasks.anyMatch(ProcessTree::threadRuns);
        } catch (IOException | RuntimeException e) {
            return process.isAlive(); // gone meanwhile, or nothing we can read: ask again
        }
    }

    private static boolean threadRuns(Path task) {
        try {
            String stat = Files.readString(task.resolve("stat"));
            char state = stat.charAt(stat.lastIndexOf(')') + 2);
            return state != 'Z' && state != 'X';
        } catch (IOException e) {
            return false; // that thread has gone
        }
    }
}
