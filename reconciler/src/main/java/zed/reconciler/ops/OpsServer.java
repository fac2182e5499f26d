package zed.reconciler.ops;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import jdk.net.ExtendedSocketOptions;
import jdk.net.UnixDomainPrincipal;
import zed.reconciler.store.Snapshot;
import zed.reconciler.store.Store;
import zed.reconciler.store.StoreError;
import zed.reconciler.store.ZfsReplicas;
import zed.reconciler.store.ZfsStore;
import zed.reconciler.replica.ReplicaPlan;
import zed.reconciler.replica.Replicas;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Semaphore;
import java.util.function.Function;

/**
 * {@code zed ops}: the root side of the privilege boundary. It serves typed store operations on a Unix socket (mode
 * 0660, group {@code group}) to the users it is told to serve, checked by {@code SO_PEERCRED}; every request is
 * checked by {@link OpsRules} before it reaches the {@link Store}; refusals and destructive operations go to the
 * {@link AuditLog}. It loads none of the node's machinery: a socket, Jackson and the store.
 */
public final class OpsServer implements AutoCloseable {
    /** The systemd unit's socket (the distribution's {@code zed-ops.service}). */
    public static final Path DEFAULT_SOCKET = Path.of("/run/zed/ops.sock");
    /** How long a send or receive may take once its stream has ended (the agent's own wait, ReplicaSender.TRANSFER). */
    static final java.time.Duration TRANSFER = java.time.Duration.ofMinutes(30);
    /** Connections served at once; a further one waits for a free place. */
    static final int CONNECTIONS = 32;

    private final Path socket;
    private final String group;
    private final Set<String> served;
    private final OpsRules rules;
    private final AuditLog audit;
    private final Function<String, ZfsStore> storeOfPool;
    private final Map<String, ZfsStore> stores = new java.util.concurrent.ConcurrentHashMap<>();
    private final Map<String, Replicas> replicas = new java.util.concurrent.ConcurrentHashMap<>();
    private final Semaphore places = new Semaphore(CONNECTIONS);
    private final ReceivedPowers powers;
    /** Its services' side; null where it starts none (no --service-user). */
    private final OpsServices services;
    private ServerSocketChannel server;
    private Thread acceptor;
    private volatile SudoApply sudo = new SudoApply(SudoAllowed.DEFAULT_FILE, zed.reconciler.host.SudoHooks.DEFAULT_TIMEOUT);

    /**
     * @param group       the socket's group (the agent's, e.g. {@code zed}), null to leave the creator's
     * @param served      the user names served besides root (the agent's user)
     * @param storeOfPool the store of a pool (a probed ZfsStore), asked once per pool
     */
    public OpsServer(Path socket, String group, Set<String> served, OpsRules rules, AuditLog audit, Function<String, ZfsStore> storeOfPool) {
        this(socket, group, served, rules, audit, storeOfPool, null);
    }

    /** @param services what it does for the agent's services; null: it starts none, and says so to an agent that asks */
    public OpsServer(Path socket, String group, Set<String> served, OpsRules rules, AuditLog audit, Function<String, ZfsStore> storeOfPool,
                     OpsServices services) {
        this.services = services;
        this.socket = socket;
        this.group = group;
        this.served = Set.copyOf(served);
        this.rules = rules;
        this.audit = audit;
        this.storeOfPool = storeOfPool;
        this.powers = new ReceivedPowers(rules);
    }

    /** Where the operator lists the sudo hooks' applies ops may run as root ({@code zed ops --sudo-allowed}); before {@link #start()}. */
    public OpsServer sudoAllowed(Path file) {
        sudo = new SudoApply(file.toAbsolutePath(), sudo.timeout());
        return this;
    }

    /** Binds the socket and starts serving; refuses where the peer's credentials cannot be read. */
    public void start() throws IOException {
        ServerSocketChannel s = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        try (SocketChannel probe = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            if (!probe.supportedOptions().contains(ExtendedSocketOptions.SO_PEERCRED)) {
                s.close();
                throw new IOException("this platform (" + System.getProperty("os.name") + ") gives no SO_PEERCRED on Unix sockets: zed ops cannot tell who calls it, so it does not start");
            }
        }
        Files.createDirectories(socket.getParent());
        if (Files.exists(socket, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            if (!"socket".equals(kind(socket))) throw new IOException(socket + " exists and is not a socket: remove it or choose another --socket");
            Files.delete(socket); // a stale socket of an ops that is gone
        }
        s.bind(UnixDomainSocketAddress.of(socket));
        Files.setPosixFilePermissions(socket, PosixFilePermissions.fromString("rw-rw----"));
        if (group != null) {
            var lookup = socket.getFileSystem().getUserPrincipalLookupService();
            try {
                Files.getFileAttributeView(socket, PosixFileAttributeView.class).setGroup(lookup.lookupPrincipalByGroupName(group));
            } catch (java.nio.file.attribute.UserPrincipalNotFoundException e) {
                s.close();
                Files.deleteIfExists(socket);
                throw new IOException("there is no group " + group + " for the socket (--group): create it (groupadd " + group + ") and add the agent's user to it");
            }
        }
        server = s;
        acceptor = new Thread(this::acceptLoop, "zed-ops-accept");
        acceptor.start();
    }

    private static String kind(Path p) throws IOException {
        var a = Files.readAttributes(p, java.nio.file.attribute.BasicFileAttributes.class, java.nio.file.LinkOption.NOFOLLOW_LINKS);
        return a.isOther() ? "socket" : a.isSymbolicLink() ? "link" : "file";
    }

    public Path socket() {
        return socket;
    }

    /** Blocks until the server is closed. */
    public void awaitClosed() throws InterruptedException {
        acceptor.join();
    }

    private void acceptLoop() {
        while (server.isOpen()) {
            SocketChannel ch;
            try {
                places.acquire();
                ch = server.accept();
            } catch (IOException | InterruptedException e) {
                places.release();
                if (server.isOpen()) System.err.println("zed ops: accepting a connection failed: " + e.getMessage());
                continue;
            }
            java.util.concurrent.atomic.AtomicBoolean released = new java.util.concurrent.atomic.AtomicBoolean();
            Runnable release = () -> {
                if (released.compareAndSet(false, true)) places.release();
            };
            Thread t = new Thread(() -> {
                try (ch) {
                    serve(ch, release);
                } catch (IOException e) {
                    // the client went away mid-frame: nothing of its request ran
                } finally {
                    release.run();
                }
            }, "zed-ops-conn");
            t.setDaemon(true);
            t.start();
        }
    }

    /** @param release frees the connection's place: a started service's connection waits for its exit without one */
    private void serve(SocketChannel ch, Runnable release) throws IOException {
        UnixDomainPrincipal p = ch.getOption(ExtendedSocketOptions.SO_PEERCRED);
        String peer = "user " + p.user().getName() + " group " + p.group().getName();
        if (!p.user().getName().equals("root") && !served.contains(p.user().getName())) {
            audit.write(peer, null, "refused: user " + p.user().getName() + " is not served");
            Frames.write(ch, error(new StoreError(StoreError.Kind.PERMISSION, "-", "zed ops serves root and " + served + ", not user " + p.user().getName()), true));
            return;
        }
        while (true) {
            ObjectNode req;
            try {
                req = Frames.read(ch, Frames.MAX_REQUEST);
            } catch (Frames.TooLarge e) {
                audit.write(peer, null, "refused: " + e.getMessage());
                Frames.write(ch, error(new StoreError(StoreError.Kind.OTHER, "-", e.getMessage()), true));
                return; // the rest of the stream is that frame's: the connection cannot go on
            } catch (com.fasterxml.jackson.core.JacksonException e) {
                audit.write(peer, null, "refused: a frame that is not JSON");
                Frames.write(ch, error(new StoreError(StoreError.Kind.OTHER, "-", "a frame holds one JSON object"), true));
                return;
            }
            if (req == null) return;
            String op = req.path("op").asText();
            if (ServiceRules.OPS.contains(op)) {
                if (op.equals("serviceStart")) {
                    startService(ch, req, peer, p.group().getName(), release);
                    return;
                }
                Frames.write(ch, answerService(peer, req, () -> runService(op, req)));
                continue;
            }
            if (op.equals(SudoRequest.OP)) {
                // audited before it runs and with its result; the log records the text's digest, as the allow list names it
                Frames.write(ch, answer(peer, SudoRequest.recorded(req), () -> sudo.check(req), true, () -> sudo.run(req)));
                continue;
            }
            if (OpsRules.STREAMS.contains(op)) {
                // the stream's chunks follow the request on this connection, and its answer ends it
                Frames.write(ch, answer(peer, req, () -> stream(ch, req, peer)));
                return;
            }
            Frames.write(ch, answer(peer, req, () -> run(req.get("op").asText(), req)));
        }
    }

    /** Checks and runs one request; its answer is {ok: true, result} or {ok: false, kind, dataset, detail, refused}. */
    ObjectNode answer(String peer, ObjectNode req, java.util.function.Supplier<JsonNode> body) throws IOException {
        return answer(peer, req, () -> rules.check(req), OpsRules.DESTRUCTIVE.contains(req.path("op").asText()), body);
    }

    /** A request about a service's process: refused where ops starts no services, else as {@link ServiceRules} say. */
    private ObjectNode answerService(String peer, ObjectNode req, java.util.function.Supplier<JsonNode> body) throws IOException {
        return answer(peer, req, () -> {
            if (services == null) throw new StoreError(StoreError.Kind.PERMISSION, "-", "this zed ops starts no services: it was started without --service-user");
            services.rules().check(req, rules);
        }, ServiceRules.AUDITED.contains(req.path("op").asText()), body);
    }

    /**
     * A service's start: its answer (pid, start time, log directory), then, on the same connection and without a place
     * among {@link #CONNECTIONS}, its exit code when it exits; an agent that went away meanwhile learns nothing more.
     */
    private void startService(SocketChannel ch, ObjectNode req, String peer, String peerGroup, Runnable release) throws IOException {
        OpsServices.Begun[] begun = new OpsServices.Begun[1];
        ObjectNode a = answerService(peer, req, () -> {
            begun[0] = services.start(req, peerGroup, managedMountpoints());
            return begun[0].result();
        });
        Frames.write(ch, a);
        if (begun[0] == null) return;
        release.run();
        Integer code;
        try {
            code = begun[0].exit().get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        } catch (java.util.concurrent.ExecutionException e) {
            return; // not reaped here: the agent goes on by its pid
        }
        Frames.write(ch, Frames.JSON.createObjectNode().put("exit", code));
    }

    private JsonNode runService(String op, ObjectNode req) {
        return switch (op) {
            case "serviceStop" -> services.stop(req);
            case "serviceSignal" -> services.signal(req);
            case "serviceFind" -> services.find(req);
            case "serviceRotate" -> services.rotate(req);
            case "serviceFile" -> services.file(req);
            case "jailEnsure" -> services.jailEnsure(req, managedMountpoints());
            case "jailObserve" -> services.jailObserve(req);
            case "jailStop" -> services.jailStop(req);
            case "secretStamp" -> services.secretStamp(req);
            case "serviceLogRoot" -> Frames.JSON.getNodeFactory().textNode(services.logRoot().toString());
            case "serviceHome" -> services.home(req, d -> stores.computeIfAbsent(pool(d), storeOfPool).mountpoint(d));
            default -> throw new StoreError(StoreError.Kind.OTHER, "-", "unknown operation " + op);
        };
    }

    /**
     * Whether a directory is the mountpoint of a dataset at or under a managed root: read from zfs once for the request
     * that asks (a jail's root and each of its mounts), and not at all for one that does not (a service outside a jail).
     */
    private java.util.function.Predicate<Path> managedMountpoints() {
        java.util.concurrent.atomic.AtomicReference<Set<Path>> read = new java.util.concurrent.atomic.AtomicReference<>();
        return dir -> {
            if (read.get() == null) read.set(mountpoints());
            return read.get().contains(dir);
        };
    }

    private Set<Path> mountpoints() {
        Set<Path> out = new java.util.HashSet<>();
        for (String root : rules.roots()) {
            Map<String, zed.reconciler.store.Observation> tree;
            try {
                tree = stores.computeIfAbsent(pool(root), storeOfPool).observe(root, Set.of("mountpoint"));
            } catch (StoreError absent) {
                continue; // a root not made yet holds no mountpoint
            }
            for (zed.reconciler.store.Observation o : tree.values()) {
                zed.reconciler.store.Observation.Prop mp = o.properties().get("mountpoint");
                if (mp != null && mp.value().startsWith("/")) out.add(Path.of(mp.value()).normalize());
            }
        }
        return out;
    }

    private ObjectNode answer(String peer, ObjectNode req, Runnable check, boolean destructive, java.util.function.Supplier<JsonNode> body) throws IOException {
        try {
            check.run();
        } catch (StoreError e) {
            audit.write(peer, req, "refused: " + e.getMessage());
            return error(e, true);
        }
        String op = req.get("op").asText();
        if (destructive) {
            try {
                audit.write(peer, req, "started");
            } catch (IOException e) {
                return error(new StoreError(StoreError.Kind.OTHER, req.path("dataset").asText("-"), "not run: the audit log cannot be written (" + e.getMessage() + ")"), true);
            }
        }
        try {
            ObjectNode ok = Frames.JSON.createObjectNode().put("ok", true);
            JsonNode result = body.get();
            ok.set("result", result);
            if (destructive) audit.write(peer, req, ServiceRules.OPS.contains(op) || op.equals(SudoRequest.OP) ? "ok: " + result : "ok");
            return ok;
        } catch (StoreError e) {
            if (destructive) audit.write(peer, req, "failed: " + e.getMessage());
            return error(e, false);
        } catch (RuntimeException e) {
            if (destructive) audit.write(peer, req, "failed: " + e);
            return error(new StoreError(StoreError.Kind.OTHER, "-", e.toString()), false);
        }
    }

    /**
     * A send or a receive, after its request passed the rules: a go-ahead frame, then the stream's chunks (out for a
     * send, in for a receive), then (by the caller) the answer with zfs's result.
     */
    private JsonNode stream(SocketChannel ch, JsonNode req, String peer) {
        String op = req.get("op").asText();
        String dataset = req.get("dataset").asText();
        Replicas r = replicas(dataset);
        ReplicaPlan.Step step = ReplicaSteps.of(req.get("step"), dataset, op.equals("receiveModel"));
        ObjectNode go = Frames.JSON.createObjectNode().put("ok", true).put("stream", true);
        try {
            if (op.equals("send")) {
                try (Replicas.Sending s = r.send(dataset, step)) {
                    Frames.write(ch, go);
                    java.util.concurrent.atomic.AtomicBoolean streamed = new java.util.concurrent.atomic.AtomicBoolean();
                    stopOnHangUp(ch, s, streamed);
                    try (Chunks.Out out = new Chunks.Out(ch)) {
                        s.stream().transferTo(out);
                        streamed.set(true);
                    }
                    s.finish();
                }
                return Frames.JSON.nullNode();
            }
            // a receive: before the go-ahead, so that a refusal comes before any byte of the stream
            List<String> done = new ArrayList<>();
            powers.ensure(stores.computeIfAbsent(pool(dataset), storeOfPool), dataset, done::add);
            for (String d : done) audit.write(peer, req, d);
            Frames.write(ch, go);
            Chunks.In in = new Chunks.In(ch);
            try {
                if (op.equals("receive")) r.receive(dataset, step, in, req.get("origin").asText());
                else r.receiveModel(dataset, step, in, req.get("origin").asText());
            } catch (StoreError e) {
                // a receive that failed early leaves the rest of the stream unread: read to its end (or its cut), so
                // that the sender sees the answer, not a broken pipe
                try {
                    in.drain();
                } catch (IOException cut) {
                    // cut as well: the answer is still the receive's error
                }
                throw e;
            }
            in.drain(); // an up-to-date model's receive reads no stream: its end marker still comes
            return Frames.JSON.nullNode();
        } catch (IOException e) {
            // the agent went away mid-stream: a send stops (its zfs send exits on the closed pipe), a receive fails
            throw new StoreError(StoreError.Kind.OTHER, dataset, "replication interrupted: the stream broke: " + e.getMessage());
        }
    }

    /**
     * A send's client says nothing until its answer, then goes: anything it sends (its half-close, when its reader went
     * away mid-stream) stops the send at once, as the direct one stops when its reader goes; the client waits for the
     * answer, so that the snapshot is free (no zfs send left on it) when its close returns.
     */
    private static void stopOnHangUp(SocketChannel ch, Replicas.Sending s, java.util.concurrent.atomic.AtomicBoolean streamed) {
        Thread t = new Thread(() -> {
            try {
                ch.read(java.nio.ByteBuffer.allocate(1));
            } catch (IOException closed) {
                // the connection ended: the same
            }
            if (!streamed.get()) s.close();
        }, "zed-ops-send-watch");
        t.setDaemon(true);
        t.start();
    }

    private Replicas replicas(String dataset) {
        // a stream's properties by ops's rules: a mountpoint only where set may put one
        return replicas.computeIfAbsent(pool(dataset), p -> new ZfsReplicas(stores.computeIfAbsent(p, storeOfPool), TRANSFER, rules::received));
    }

    private JsonNode run(String op, JsonNode req) {
        var json = Frames.JSON;
        String dataset = op.equals("snapshot") || op.equals("replicaSnapshot") ? req.get("datasets").get(0).asText() : req.get("dataset").asText();
        Store store = stores.computeIfAbsent(pool(dataset), storeOfPool);
        Replicas repl = replicas(dataset);
        return switch (op) {
            case "replicaSnapshots" -> json.valueToTree(repl.snapshots(dataset));
            case "replicaTarget" -> json.valueToTree(repl.target(dataset));
            case "replicaSnapshot" -> {
                List<String> ds = new ArrayList<>();
                req.get("datasets").forEach(d -> ds.add(d.asText()));
                yield json.getNodeFactory().textNode(repl.snapshot(ds, java.time.Instant.parse(req.get("at").asText())));
            }
            case "prune" -> {
                repl.prune(dataset, req.get("keep").asText());
                yield json.nullNode();
            }
            case "promote" -> {
                repl.promote(dataset);
                yield json.nullNode();
            }
            case "replicasOf" -> json.valueToTree(repl.replicasOf(dataset, req.get("level").asText(),
                    req.hasNonNull("origin") ? req.get("origin").asText() : null));
            case "toTakeOver" -> json.valueToTree(repl.toTakeOver(dataset, req.get("level").asText(), req.get("origin").asText()));
            case "takeOver" -> {
                repl.takeOver(dataset, req.get("snap").asText());
                yield json.nullNode();
            }
            case "demote" -> {
                repl.demote(dataset, req.get("of").asText());
                yield json.nullNode();
            }
            case "capabilities" -> json.valueToTree(store.capabilities());
            case "observe" -> {
                Set<String> nat = new java.util.TreeSet<>();
                if (req.has("native")) req.get("native").forEach(n -> nat.add(n.asText()));
                ObjectNode out = json.createObjectNode();
                store.observe(dataset, nat).forEach((name, o) -> {
                    ObjectNode props = out.putObject(name);
                    o.properties().forEach((k, v) -> props.putArray(k).add(v.value()).add(v.source()));
                });
                yield out;
            }
            case "exists" -> json.getNodeFactory().booleanNode(store.exists(dataset));
            case "create" -> {
                store.create(dataset, strings(req.get("properties")));
                yield json.nullNode();
            }
            case "set" -> {
                store.set(dataset, strings(req.get("properties")));
                yield json.nullNode();
            }
            case "inherit" -> {
                store.inherit(dataset, req.get("property").asText());
                yield json.nullNode();
            }
            case "mount" -> {
                store.mount(dataset);
                yield json.nullNode();
            }
            case "destroy" -> {
                store.destroy(dataset);
                yield json.nullNode();
            }
            case "snapshot" -> {
                List<String> ds = new ArrayList<>();
                req.get("datasets").forEach(d -> ds.add(d.asText()));
                Map<String, Map<String, String>> props = new LinkedHashMap<>();
                if (req.has("properties")) req.get("properties").fields().forEachRemaining(e -> props.put(e.getKey(), strings(e.getValue())));
                store.snapshot(ds, req.get("snap").asText(), props);
                yield json.nullNode();
            }
            case "snapshots" -> {
                ArrayNode out = json.createArrayNode();
                for (Snapshot s : store.snapshots(dataset)) out.add(json.valueToTree(s));
                yield out;
            }
            case "destroySnapshot" -> {
                store.destroySnapshot(dataset, req.get("snap").asText());
                yield json.nullNode();
            }
            case "rollback" -> {
                store.rollback(dataset, req.get("snap").asText());
                yield json.nullNode();
            }
            case "zedState" -> json.valueToTree(store.zedState(dataset));
            case "zedStates" -> json.valueToTree(store.zedStates(dataset));
            case "snapshotNames" -> json.valueToTree(store.snapshotNames(dataset));
            case "mountpoint" -> json.getNodeFactory().textNode(store.mountpoint(dataset).toString());
            default -> throw new StoreError(StoreError.Kind.OTHER, dataset, "unknown operation " + op);
        };
    }

    static Map<String, String> strings(JsonNode props) {
        Map<String, String> m = new LinkedHashMap<>();
        if (props != null) props.fields().forEachRemaining(e -> m.put(e.getKey(), e.getValue().asText()));
        return m;
    }

    private static String pool(String dataset) {
        int slash = dataset.indexOf('/');
        return slash < 0 ? dataset : dataset.substring(0, slash);
    }

    static ObjectNode error(StoreError e, boolean refused) {
        ObjectNode n = Frames.JSON.createObjectNode().put("ok", false).put("kind", e.kind().name()).put("dataset", e.dataset()).put("detail", e.detail());
        n.put("refused", refused);
        return n;
    }

    @Override
    public void close() throws IOException {
        if (server != null) server.close();
        Files.deleteIfExists(socket);
    }
}
