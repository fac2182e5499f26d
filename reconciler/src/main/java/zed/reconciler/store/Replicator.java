package zed.reconciler.store;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Replicates a dataset to another dataset or pool with {@code zfs send -p}: properties travel, so the receiver
 * knows what was applied. Incremental from the newest snapshot both sides share; resumable where the platform has
 * resume tokens (OpenZFS: {@code receive -s}, {@code send -t}), the token kept in {@link ResumeTokens} until the
 * next try. Where it has none (zfs-fuse), an interrupted replication restarts from the newest common snapshot.
 * With holds, the newest common snapshot is held ({@value #HOLD}) so that retention cannot prune it.
 */
public final class Replicator {
    public static final String HOLD = "zed-replica";

    /**
     * @param full whether the target was created by this replication (a full send of the first snapshot)
     * @param from the common snapshot the increment started at (the first snapshot after a full send)
     */
    public record Result(String source, String target, boolean full, String from, String to, boolean resumed) {
    }

    /** Runs {@code send | receive}; {@link Pipe#run} for real, a recorder in argv-level tests. */
    @FunctionalInterface
    public interface Pipeline {
        Pipe.Result run(List<String> send, List<String> receive, Duration timeout, long cutAfterBytes);
    }

    private final ZfsStore store;
    private final ResumeTokens tokens;
    private final Duration timeout;
    private final Pipeline pipeline;
    /** For tests: cut the stream after this many bytes (-1: never). */
    private long cutAfterBytes = -1;

    public Replicator(ZfsStore store, ResumeTokens tokens, Duration timeout) {
        this(store, tokens, timeout, Pipe::run);
    }

    public Replicator(ZfsStore store, ResumeTokens tokens, Duration timeout, Pipeline pipeline) {
        this.store = store;
        this.tokens = tokens;
        this.timeout = timeout;
        this.pipeline = pipeline;
    }

    /** Makes the next send stop after {@code bytes}, as a broken link would. */
    public Replicator cutNextAfter(long bytes) {
        this.cutAfterBytes = bytes;
        return this;
    }

    public Result replicate(String source, String target) {
        Names.dataset(source);
        Names.dataset(target);
        Capabilities caps = store.capabilities();
        boolean resumed = false;
        if (caps.resumableReceive()) resumed = resume(source, target);
        List<Snapshot> src = store.snapshots(source);
        if (src.isEmpty()) throw new StoreError(StoreError.Kind.OTHER, source, "has no snapshot to send");
        String newest = src.get(src.size() - 1).name();
        String common = null;
        boolean full = false;
        if (store.exists(target)) {
            Set<String> there = store.snapshots(target).stream().map(Snapshot::name).collect(Collectors.toSet());
            for (Snapshot s : src) if (there.contains(s.name()) && sameGuid(source, target, s.name())) common = s.name();
            if (common == null) {
                throw new StoreError(StoreError.Kind.OTHER, target, "shares no snapshot with " + source + "; refusing to overwrite it");
            }
        } else {
            String first = src.get(0).name();
            pipe(List.of("zfs", "send", "-p", source + "@" + first), receive(target, caps, false), target);
            common = first;
            full = true;
        }
        String from = common;
        if (!common.equals(newest)) {
            pipe(List.of("zfs", "send", "-p", "-I", source + "@" + common, source + "@" + newest), receive(target, caps, true), target);
        }
        if (caps.holds()) {
            holdOnly(source, src, newest);
        }
        return new Result(source, target, full, from, newest, resumed);
    }

    /**
     * Finishes an interrupted receive. The target's own {@code receive_resume_token} is the truth (the stored one
     * may be lost or stale). A token that no longer works (its snapshot was pruned, say) is given up: the partial
     * receive is aborted ({@code receive -A}) and the next increment starts from the newest common snapshot.
     */
    private boolean resume(String source, String target) {
        String token = store.exists(target) ? resumeToken(target) : null;
        if (token == null) token = tokens.get(target);
        if (token == null) return false;
        try {
            pipe(List.of("zfs", "send", "-t", token), receive(target, store.capabilities(), false), target);
        } catch (StoreError e) {
            if (e.kind() == StoreError.Kind.TIMEOUT) throw e;
            store.command().run(List.of("zfs", "receive", "-A", target), store.writeTimeout(), target);
            tokens.put(target, null);
            return false;
        }
        tokens.put(target, null);
        // a resumed stream carries no properties (send -t has no -p): put the state on the standby by hand
        List<Snapshot> there = store.snapshots(target);
        if (!there.isEmpty()) {
            Snapshot newest = there.get(there.size() - 1);
            for (Snapshot s : store.snapshots(source)) {
                if (s.name().equals(newest.name())) store.setOnSnapshot(target, s.name(), s.zedState());
            }
            Map<String, String> state = store.zedState(source);
            if (!state.isEmpty()) store.set(target, state);
        }
        return true;
    }

    private static List<String> receive(String target, Capabilities caps, boolean force) {
        List<String> argv = new ArrayList<>(List.of("zfs", "receive"));
        if (caps.resumableReceive()) argv.add("-s");
        if (force) argv.add("-F"); // a standby's own changes since the last snapshot are not kept
        argv.add(target);
        return argv;
    }

    private void pipe(List<String> send, List<String> receive, String target) {
        long cut = cutAfterBytes;
        cutAfterBytes = -1;
        Pipe.Result r = pipeline.run(send, receive, timeout, cut);
        if (r.ok()) return;
        if (store.capabilities().resumableReceive()) {
            String t = resumeToken(target);
            if (t != null) tokens.put(target, t);
        }
        String why = r.cut() ? "the stream was cut after " + r.bytes() + " bytes" : (r.sendErr() + " " + r.receiveErr()).strip();
        throw new StoreError(StoreError.fromZfs(target, why).kind(), target, "replication interrupted: " + why);
    }

    private String resumeToken(String target) {
        Command.Result r = store.command().run(List.of("zfs", "get", "-H", "-o", "value", "receive_resume_token", target), Duration.ofSeconds(30), target);
        String t = r.ok() ? r.stdout().trim() : "";
        return t.isEmpty() || t.equals("-") ? null : t;
    }

    private boolean sameGuid(String source, String target, String snap) {
        return guid(source + "@" + snap).equals(guid(target + "@" + snap));
    }

    private String guid(String full) {
        Command.Result r = store.command().run(List.of("zfs", "get", "-H", "-o", "value", "guid", full), Duration.ofSeconds(30), full);
        if (!r.ok()) throw StoreError.fromZfs(full, r.stderr());
        return r.stdout().trim();
    }

    /** Holds the newest common snapshot, and releases the hold on older ones. */
    private void holdOnly(String source, List<Snapshot> src, String newest) {
        try {
            store.hold(HOLD, source, newest);
        } catch (StoreError e) {
            if (!e.detail().contains("tag already exists")) throw e;
        }
        for (Snapshot s : src) {
            if (s.name().equals(newest)) continue;
            try {
                store.release(HOLD, source, s.name());
            } catch (StoreError e) {
                // not held: nothing to release
            }
        }
    }
}
