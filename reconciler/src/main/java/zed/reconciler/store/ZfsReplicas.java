package zed.reconciler.store;

import zed.reconciler.process.Capture;
import zed.reconciler.process.ProcessTree;
import zed.reconciler.replica.ReplicaPlan;
import zed.reconciler.replica.Replicas;
import zed.reconciler.stream.BadStream;
import zed.reconciler.stream.SendStream;
import zed.reconciler.stream.StreamRules;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * {@link Replicas} on ZFS. Sends are {@code zfs send -p} (properties travel, so the standby holds the level's state as
 * it was); receives are {@code zfs receive -F}, without {@code -s}: zfs-fuse's receive takes only {@code -vnF} and
 * {@code -d}, so an interrupted stream leaves nothing behind and the next try sends the increment again from the
 * newest common snapshot. Nor does it take {@code -x} or {@code -u}: every stream it receives is read through
 * {@link SendStream}, which refuses one whose properties its {@link StreamRules} do not allow before it lands. A receive holds the standby pool's write lock ({@link PoolWriteLock}) from start to end.
 */
public final class ZfsReplicas implements Replicas {
    private static final DateTimeFormatter STAMP = zed.reconciler.replica.FailoverPoint.STAMP;
    private final ZfsStore store;
    private final Duration timeout;
    private final StreamRules rules;

    /** A node's own replicas, as root: a received stream's properties by {@link StreamRules#OF_A_ROOT_NODE}. */
    public ZfsReplicas(ZfsStore store, Duration timeout) {
        this(store, timeout, StreamRules.OF_A_ROOT_NODE);
    }

    /**
     * @param timeout how long one send or receive may take once its stream has ended
     * @param rules   what a received stream may set: every stream is read through {@link SendStream} on its way to
     *                {@code zfs receive}, which has no option here to ignore a stream's properties
     */
    public ZfsReplicas(ZfsStore store, Duration timeout, StreamRules rules) {
        this.store = store;
        this.timeout = timeout;
        this.rules = rules;
    }

    @Override
    public List<ReplicaPlan.Snap> snapshots(String dataset) {
        Names.dataset(dataset);
        Command.Result r = store.command().run(List.of("zfs", "get", "-H", "-p", "-r", "-d", "1", "-o", "name,property,value,source", "guid,createtxg", dataset),
                store.readTimeout(), dataset);
        if (!r.ok()) throw StoreError.fromZfs(dataset, r.stderr());
        Map<String, String> guid = new HashMap<>();
        TreeMap<Long, String> byTxg = new TreeMap<>();
        String prefix = dataset + "@";
        for (String[] f : ZfsStore.rows(r.stdout())) {
            if (!f[0].startsWith(prefix)) continue;
            String snap = f[0].substring(prefix.length());
            if (f[1].equals("guid")) guid.put(snap, f[2]);
            else byTxg.put(Long.parseLong(f[2]), snap);
        }
        List<ReplicaPlan.Snap> out = new ArrayList<>();
        for (String s : byTxg.values()) out.add(new ReplicaPlan.Snap(s, guid.get(s)));
        return out;
    }

    @Override
    public ReplicaPlan.Target target(String dataset) {
        if (!store.exists(dataset)) return ReplicaPlan.Target.NONE;
        return new ReplicaPlan.Target(true, store.zedState(dataset).get(REPLICA_OF), snapshots(dataset));
    }

    @Override
    public String snapshot(List<String> datasets, Instant at) {
        String name = PREFIX + STAMP.format(at);
        store.snapshot(datasets, name, Map.of());
        return name;
    }

    @Override
    public void prune(String dataset, String keep) {
        for (ReplicaPlan.Snap s : snapshots(dataset)) {
            if (s.name().equals(keep)) return;
            if (s.name().startsWith(PREFIX)) store.destroySnapshot(dataset, s.name());
        }
    }

    @Override
    public void promote(String dataset) {
        store.inherit(dataset, REPLICA_OF);
    }

    @Override
    public List<String> replicasOf(String root, String level, String origin) {
        return ofLevel(root, level, of -> java.util.Objects.equals(origin, of));
    }

    @Override
    public List<String> toTakeOver(String root, String level, String origin) {
        return ofLevel(root, level, of -> of == null || of.equals(origin));
    }

    /** The level's datasets under {@code root} whose replica-of ({@code null}: none) passes {@code origin}. */
    private List<String> ofLevel(String root, String level, java.util.function.Predicate<String> origin) {
        // one recursive read of the two properties, not one read per dataset: a failover waits for it
        Names.dataset(root);
        Command.Result r = store.command().run(List.of("zfs", "get", "-H", "-r", "-o", "name,property,value,source", Observation.LEVEL + "," + REPLICA_OF, root),
                store.readTimeout(), root);
        if (!r.ok()) throw StoreError.fromZfs(root, r.stderr());
        Map<String, Map<String, String>> own = new TreeMap<>();
        for (String[] f : ZfsStore.rows(r.stdout())) {
            if (f[0].indexOf('@') >= 0) continue;
            Map<String, String> m = own.computeIfAbsent(f[0], k -> new HashMap<>());
            if ((f[3].equals("local") || f[3].equals("received")) && !f[2].equals("-")) m.put(f[1], f[2]);
        }
        List<String> out = new ArrayList<>();
        own.forEach((dataset, m) -> {
            if (level.equals(m.get(Observation.LEVEL)) && origin.test(m.get(REPLICA_OF))) out.add(dataset);
        });
        return out;
    }

    @Override
    public void takeOver(String dataset, String snapshot) {
        Names.dataset(dataset);
        PoolWriteLock.holding(ZfsStore.pool(dataset), () -> {
            // mounted again after, as a receive is (remount): zfs-fuse leaves a reader's view as it was otherwise. One
            // that is busy (a shell in it) is rolled back mounted, and keeps the old view until its next mount
            Command.Result unmounted = store.command().run(List.of("zfs", "umount", dataset), store.writeTimeout(), dataset);
            try {
                zfs(dataset, "rollback", "-r", dataset + "@" + Names.snapshot(snapshot));
                zfs(dataset, "inherit", REPLICA_OF, dataset);
            } catch (RuntimeException failed) {
                // mounted again as it was, so that a failover asked again (AutoFailover tries again) finds it as before
                if (unmounted.ok()) store.command().run(List.of("zfs", "mount", dataset), store.writeTimeout(), dataset);
                throw failed;
            }
            if (unmounted.ok()) zfs(dataset, "mount", dataset);
            return null;
        });
    }

    @Override
    public void demote(String dataset, String of) {
        store.set(dataset, Map.of(REPLICA_OF, of));
    }

    @Override
    public Sending send(String dataset, ReplicaPlan.Step step) {
        List<String> argv = new ArrayList<>(List.of("zfs", "send", "-p"));
        if (step instanceof ReplicaPlan.Full f) argv.add(dataset + "@" + Names.snapshot(f.snapshot()));
        else if (step instanceof ReplicaPlan.Again a) argv.add(dataset + "@" + Names.snapshot(a.snapshot()));
        else if (step instanceof ReplicaPlan.Incremental i) argv.addAll(List.of("-I", dataset + "@" + Names.snapshot(i.from()), dataset + "@" + Names.snapshot(i.to())));
        else throw new IllegalArgumentException("nothing to send for " + step);
        Names.dataset(dataset);
        try {
            Capture err = Capture.create();
            Process p = Pipe.start(new ProcessBuilder(argv).redirectInput(ProcessBuilder.Redirect.from(Pipe.NO_INPUT)).redirectError(err.file().toFile()), dataset);
            return new Running(p, err, dataset);
        } catch (IOException e) {
            throw new StoreError(StoreError.Kind.OTHER, dataset, e.toString());
        }
    }

    private final class Running implements Sending {
        private final Process process;
        private final Capture err;
        private final String dataset;

        Running(Process process, Capture err, String dataset) {
            this.process = process;
            this.err = err;
            this.dataset = dataset;
        }

        @Override
        public InputStream stream() {
            return process.getInputStream();
        }

        @Override
        public void finish() {
            try {
                if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                    throw new StoreError(StoreError.Kind.TIMEOUT, dataset, "zfs send did not finish within " + timeout.toSeconds() + "s");
                }
                if (process.exitValue() != 0) throw StoreError.fromZfs(dataset, "zfs send failed: " + err.read(0).strip());
            } catch (IOException e) {
                throw new StoreError(StoreError.Kind.OTHER, dataset, e.toString());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new StoreError(StoreError.Kind.OTHER, dataset, "interrupted");
            } finally {
                close();
            }
        }

        @Override
        public void close() {
            // never a signal first: a killed zfs send leaks a hold on its snapshot in zfs-fuse (see Pipe), which
            // then cannot be destroyed until the daemon restarts. Its reader gone, it gets a broken pipe and exits.
            try {
                process.getInputStream().close();
            } catch (IOException ignored) {
                // closing is all that is asked
            }
            try {
                if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) ProcessTree.of(process.toHandle()).stop(Duration.ofSeconds(5));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            err.close();
        }
    }

    @Override
    public void receive(String target, ReplicaPlan.Step step, InputStream stream, String origin) {
        Names.dataset(target);
        // checked before anything is destroyed or created for it: a refused stream leaves the old replica as it was
        SendStream.Header header = checked(target, stream);
        PoolWriteLock.holding(ZfsStore.pool(target), () -> {
            prepare(target, step);
            run(target, header);
            // what the stream carried says the primary runs its services; here they do not run. Before the remount,
            // so that a reader who sees the new files sees these too
            zfs(target, "set", REPLICA_OF + "=" + origin, target);
            for (String stamp : RUNNING_STAMPS) zfs(target, "inherit", stamp, target);
            remount(target);
            return null;
        });
        // the older replication snapshots came along with -I; the newest is all the next increment needs
        List<ReplicaPlan.Snap> there = snapshots(target);
        if (!there.isEmpty()) prune(target, there.get(there.size() - 1).name());
    }

    @Override
    public void receiveModel(String target, ReplicaPlan.Step step, InputStream stream, String origin) {
        Names.dataset(target);
        SendStream.Header header = step instanceof ReplicaPlan.UpToDate ? null : checked(target, stream);
        PoolWriteLock.holding(ZfsStore.pool(target), () -> {
            if (step instanceof ReplicaPlan.UpToDate u) {
                List<ReplicaPlan.Snap> there = snapshots(target);
                // a later snapshot was received before this one was asked for again: back to it (it is only a copy)
                if (!there.get(there.size() - 1).name().equals(u.snapshot())) zfs(target, "rollback", "-r", target + "@" + Names.snapshot(u.snapshot()));
            } else {
                // a full receive -F is refused into a dataset that has a snapshot: what it held (no common snapshot) goes
                if (step instanceof ReplicaPlan.Full && store.exists(target)) destroyTree(target);
                if (step instanceof ReplicaPlan.Incremental i) {
                    for (String s : zed.reconciler.model.ModelReceive.after(snapshots(target), i.from())) zfs(target, "destroy", target + "@" + Names.snapshot(s));
                }
                prepare(target, step);
                run(target, header);
            }
            // the source's own stamps (its level, its model) would say this copy is that level's dataset here:
            // received properties replace local ones, and only inherit removes them
            for (String k : store.zedState(target).keySet()) zfs(target, "inherit", k, target);
            zfs(target, "set", "readonly=on", target);
            zfs(target, "set", zed.reconciler.model.ModelReceive.RECEIVED_FROM + "=" + origin, target);
            remount(target);
            return null;
        });
    }

    /** What must go before the stream lands: ancestors for a first receive, the old copy or the standby's own snapshots. */
    private void prepare(String target, ReplicaPlan.Step step) {
        if (step instanceof ReplicaPlan.Again) destroyTree(target);
        if (step instanceof ReplicaPlan.Full || step instanceof ReplicaPlan.Again) {
            int slash = target.lastIndexOf('/');
            if (slash > 0) zfs(target, "create", "-p", target.substring(0, slash));
        }
        if (step instanceof ReplicaPlan.Incremental i) for (String s : i.discard()) zfs(target, "destroy", target + "@" + Names.snapshot(s));
    }

    /**
     * zfs-fuse leaves the kernel's page cache of a mounted dataset as it was before an incremental receive: a reader
     * sees the old files until the next mount. Mounted again, the replica shows what it holds. One that is busy (a shell
     * in it) cannot be, and keeps the old view until then: the data received is complete either way.
     */
    private void remount(String target) {
        Command.Result r = store.command().run(List.of("zfs", "umount", target), store.writeTimeout(), target);
        if (r.ok()) zfs(target, "mount", target);
    }

    /** -f: unmounted even when a reader had it open a moment ago; zfs-fuse may still call it busy for a moment after. */
    private void destroyTree(String target) {
        WhileBusy.retry(() -> zfs(target, "destroy", "-r", "-f", target));
    }

    /** A write inside the pool's lock: straight to the command, since the store's own writes take the lock again. */
    private void zfs(String subject, String... args) {
        List<String> argv = new ArrayList<>(List.of("zfs"));
        argv.addAll(List.of(args));
        Command.Result r = store.command().run(argv, store.writeTimeout(), subject);
        if (!r.ok()) throw StoreError.fromZfs(subject, r.stderr());
    }

    /** The stream's header read and checked, or the refusal: nothing has been written for it yet. */
    private SendStream.Header checked(String target, InputStream stream) {
        try {
            return SendStream.open(stream, rules);
        } catch (BadStream refused) {
            throw new StoreError(StoreError.Kind.INVALID_PROPERTY, target, "stream refused, nothing received: " + refused.getMessage());
        } catch (IOException e) {
            throw new StoreError(StoreError.Kind.OTHER, target, "replication interrupted: the stream broke in its header: " + e.getMessage());
        }
    }

    private void run(String target, SendStream.Header stream) {
        List<String> argv = List.of("zfs", "receive", "-F", target);
        try (Capture err = Capture.create()) {
            Process p = Pipe.start(new ProcessBuilder(argv).redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(err.file().toFile()), target);
            String broken = null;
            BadStream refused = null;
            try (OutputStream out = p.getOutputStream()) {
                stream.forward(out);
            } catch (BadStream e) {
                // the receive gets its input cut short, fails and keeps no part of this piece (as for a broken link)
                refused = e;
            } catch (IOException e) {
                // the stream broke (the primary or the link went away), or the receive did: its exit says which
                broken = e.getMessage();
            }
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                ProcessTree.of(p.toHandle()).stop(Duration.ZERO);
                throw new StoreError(StoreError.Kind.TIMEOUT, target, "zfs receive did not finish within " + timeout.toSeconds() + "s");
            }
            if (refused != null) {
                throw new StoreError(StoreError.Kind.INVALID_PROPERTY, target, "stream refused part way (earlier snapshots of a package may have landed): " + refused.getMessage());
            }
            if (p.exitValue() != 0 || broken != null) {
                String why = (broken != null ? "the stream broke: " + broken + "; " : "") + err.read(0).strip();
                throw new StoreError(StoreError.fromZfs(target, why).kind(), target, "replication interrupted: " + why);
            }
        } catch (IOException e) {
            throw new StoreError(StoreError.Kind.OTHER, target, e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StoreError(StoreError.Kind.OTHER, target, "interrupted");
        }
    }
}
