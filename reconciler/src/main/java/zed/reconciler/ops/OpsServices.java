package zed.reconciler.ops;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import zed.reconciler.process.HostUsers;
import zed.reconciler.process.Launch;
import zed.reconciler.process.LaunchToken;
import zed.reconciler.process.Launched;
import zed.reconciler.process.Launcher;
import zed.reconciler.process.LocalProcesses;
import zed.reconciler.process.LogFiles;
import zed.reconciler.process.RunAs;
import zed.reconciler.process.StartTime;
import zed.reconciler.store.StoreError;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * The services side of zed ops: it starts an agent's services as the users its {@link ServiceRules} allow (setpriv,
 * no capability kept), is their parent, keeps them in its {@link StartedTable}, and stops or signals only those. Their
 * logs are opened in the child before the drop, in directories of its own ({@link ServiceLogs}), never the agent's.
 */
public final class OpsServices {
    private final ServiceRules rules;
    private final Path logRoot;
    private final StartedTable table;
    private final LocalProcesses processes = new LocalProcesses();
    private final Function<String, zed.reconciler.process.Secrets> secrets;
    /** The agent's jails, laid out and wrapped here, as root; their records beside the table. */
    private final zed.reconciler.jail.BwrapJail jails;

    /** What a start answers at once, and the process's exit, which ops sends on the same connection when it comes. */
    record Begun(ObjectNode result, CompletableFuture<Integer> exit) {
    }

    /**
     * @param logRoot the services' log directories' parent (e.g. /var/log/zed/services): made root's, 0755
     * @param table   the file of the processes started (e.g. /var/lib/zed/ops/started.json)
     */
    public OpsServices(ServiceRules rules, Path logRoot, Path table) throws IOException {
        this(rules, logRoot, table, null);
    }

    /**
     * @param secrets the host's secrets for a consumer's start (its key read by ops alone); null: ops holds no
     *                secrets, and a start or a file that names one is refused
     */
    public OpsServices(ServiceRules rules, Path logRoot, Path table, Function<String, zed.reconciler.process.Secrets> secrets) throws IOException {
        this.secrets = secrets;
        this.rules = rules;
        this.logRoot = logRoot.toAbsolutePath().normalize();
        this.table = new StartedTable(table);
        this.jails = new zed.reconciler.jail.BwrapJail(new zed.reconciler.store.ProcessCommand(), table.toAbsolutePath().getParent().resolve("jails"));
    }

    public ServiceRules rules() {
        return rules;
    }

    Path logRoot() {
        return logRoot;
    }

    /**
     * @param agentGroup the peer's group: its logs' group, so that the agent reads them and no one else
     * @param managed    whether a host directory is a managed dataset's mountpoint (a jail's root and mounts must be)
     */
    Begun start(JsonNode req, String agentGroup, java.util.function.Predicate<Path> managed) {
        String service = req.get("service").asText();
        RunAs as = account(service, req.get("user").asText(), req.hasNonNull("group") ? req.get("group").asText() : null);
        List<String> argv0 = new ArrayList<>();
        req.get("argv").forEach(a -> argv0.add(a.asText()));
        List<String> argv = argv0;
        Map<String, String> env = new LinkedHashMap<>();
        req.get("env").fields().forEachRemaining(e -> env.put(e.getKey(), filled(service, e.getValue().asText())));
        Path logs = ServiceLogs.dir(logRoot, req.get("logs").asText());
        try {
            prepareLogs(logs, agentGroup);
        } catch (IOException e) {
            throw new StoreError(StoreError.Kind.OTHER, service, "zed ops cannot make its log directory " + logs + ": " + e.getMessage());
        }
        RunAs runAs = as.root() && as.gid() == 0 ? null : as;
        if (req.has("jail")) {
            // wrapped here from the jail's parts, checked: bwrap runs as root, and drops to the user inside
            zed.reconciler.jail.JailSetup setup = JailRequests.from(req.get("jail"), managed);
            try {
                argv = jails.wrap(setup, req.get("jailWorkdir").asText(), argv, runAs);
            } catch (zed.reconciler.jail.JailError e) {
                throw new StoreError(StoreError.Kind.OTHER, service, e.getMessage());
            }
            runAs = null;
        }
        Launch launch = new Launch(service, argv, env, Path.of(req.get("workdir").asText()), logs, runAs);
        Launcher.Started s;
        try {
            s = processes.spawn(launch, logs);
        } catch (Launcher.LaunchError e) {
            throw new StoreError(StoreError.Kind.OTHER, service, e.getMessage());
        }
        try {
            table.add(new StartedTable.Entry(s.pid(), s.startTime(), env.get(LaunchToken.ENV), as.user(), service));
        } catch (IOException e) {
            // it runs, and the agent learns its pid: only an ops restart would forget it (and refuse to stop it)
            System.err.println("zed ops: " + service + " (pid " + s.pid() + ") started, but its table could not be written: " + e.getMessage());
        }
        s.exit().whenComplete((code, err) -> table.remove(s.pid(), s.startTime()));
        ObjectNode out = Frames.JSON.createObjectNode().put("pid", s.pid()).put("startTime", s.startTime()).put("logDir", logs.toString());
        return new Begun(out, s.exit());
    }

    /** The account, resolved here (never numbers from the agent), and allowed: the user named, root only if named, a group only if its own or named. */
    private RunAs account(String service, String user, String group) {
        RunAs as;
        try {
            as = HostUsers.lookup(service, user, null);
            if (group != null && !group.equals(as.group())) {
                rules.group(user, group);
                as = HostUsers.lookup(service, user, group);
            }
        } catch (Launcher.LaunchError e) {
            throw new StoreError(StoreError.Kind.OTHER, service, e.getMessage());
        }
        rules.root(user, as.uid(), as.gid());
        return as;
    }

    /**
     * The directory is root's, 0750, of the agent's group; its two logs root's, 0640, of that group, opened by the
     * child (as root, before setpriv) for appending. Nothing but root may write there, so no link can be laid.
     */
    private void prepareLogs(Path dir, String agentGroup) throws IOException {
        Files.createDirectories(logRoot);
        if (Files.isSymbolicLink(logRoot)) throw new IOException(logRoot + " is a symbolic link");
        if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) Files.createDirectory(dir);
        GroupPrincipal g = dir.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByGroupName(agentGroup);
        PosixFileAttributeView view = Files.getFileAttributeView(dir, PosixFileAttributeView.class, LinkOption.NOFOLLOW_LINKS);
        view.setPermissions(PosixFilePermissions.fromString("rwxr-x---"));
        view.setGroup(g);
        for (Path log : List.of(LogFiles.stdout(dir), LogFiles.stderr(dir))) {
            if (!Files.exists(log, LinkOption.NOFOLLOW_LINKS)) {
                Files.newByteChannel(log, java.util.Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE),
                        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-r-----"))).close();
            }
            if (!Files.isRegularFile(log, LinkOption.NOFOLLOW_LINKS)) throw new IOException(log + " is not a plain file");
            PosixFileAttributeView lv = Files.getFileAttributeView(log, PosixFileAttributeView.class, LinkOption.NOFOLLOW_LINKS);
            lv.setPermissions(PosixFilePermissions.fromString("rw-r-----"));
            lv.setGroup(g);
        }
    }

    /** Stops a process ops started; one already gone is stopped. Another process is refused. */
    JsonNode stop(JsonNode req) {
        long pid = req.get("pid").asLong();
        String started = req.get("startTime").asText();
        if (!StartTime.same(pid, started)) {
            table.remove(pid, started);
            return Frames.JSON.getNodeFactory().booleanNode(true);
        }
        ours(pid, started);
        try {
            boolean onTerm = processes.stop(pid, started, Duration.ofMillis(req.get("graceMs").asLong()));
            table.remove(pid, started);
            return Frames.JSON.getNodeFactory().booleanNode(onTerm);
        } catch (Launcher.LaunchError e) {
            throw new StoreError(StoreError.Kind.OTHER, "pid " + pid, e.getMessage());
        }
    }

    JsonNode signal(JsonNode req) {
        long pid = req.get("pid").asLong();
        String started = req.get("startTime").asText();
        if (!StartTime.same(pid, started)) return Frames.JSON.getNodeFactory().booleanNode(false);
        ours(pid, started);
        return Frames.JSON.getNodeFactory().booleanNode(processes.usr1(pid, started));
    }

    /** The live process of a launch token: from the table, else one the table lost ({@link #unrecorded}). */
    JsonNode find(JsonNode req) {
        LaunchToken token = new LaunchToken(req.get("token").asText());
        synchronized (table) {
            return table.byToken(token.value()).or(() -> unrecorded(token))
                    .<JsonNode>map(e -> Frames.JSON.createObjectNode().put("pid", e.pid()).put("startTime", e.startTime()))
                    .orElse(Frames.JSON.nullNode());
        }
    }

    /**
     * A process ops started whose entry it never wrote (killed -9 between the spawn and the table's write): found by
     * the token in its environment (ops is root, and reads every process's), taken only where it runs as one of the
     * service users ({@link ProcessIds#ofServiceUsers}), and entered in the table, so that stop and signal work on
     * it. Without it the agent, finding nothing, would start a twin.
     */
    private Optional<StartedTable.Entry> unrecorded(LaunchToken token) {
        Map<Long, String> users = new HashMap<>();
        for (String user : rules.users()) {
            try {
                users.put(HostUsers.lookup("zed ops", user, null).uid(), user);
            } catch (Launcher.LaunchError e) {
                // a named user this host lacks: ops started nothing as it
            }
        }
        boolean rootNamed = rules.users().contains("root");
        for (ProcessHandle p : Launched.leaders(token)) {
            Optional<ProcessIds> ids = status(p.pid()).flatMap(ProcessIds::parse);
            Optional<String> started = StartTime.of(p.pid());
            if (ids.isEmpty() || started.isEmpty() || !ids.get().ofServiceUsers(users.keySet(), rootNamed)) continue;
            StartedTable.Entry e = new StartedTable.Entry(p.pid(), started.get(), token.value(), users.get(ids.get().uids().get(0)), null);
            try {
                table.add(e);
            } catch (IOException x) {
                // answered without an entry, the agent would adopt a process it cannot stop: it asks again instead
                throw new StoreError(StoreError.Kind.OTHER, "launch " + token.value(), "pid " + p.pid() + " carries it, but the table could not be written: " + x.getMessage());
            }
            System.err.println("zed ops: pid " + p.pid() + " (user " + e.user() + ") carries launch " + token.value()
                    + " and was not in its table (ops stopped after its start): entered");
            return Optional.of(e);
        }
        return Optional.empty();
    }

    private static Optional<String> status(long pid) {
        try {
            return Optional.of(Files.readString(Path.of("/proc", Long.toString(pid), "status")));
        } catch (IOException gone) {
            return Optional.empty();
        }
    }

    JsonNode rotate(JsonNode req) {
        Path dir = ServiceLogs.dir(logRoot, req.get("logs").asText());
        if (Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) LocalProcesses.rotate(dir, req.get("cap").asLong(), req.get("keep").asInt());
        return Frames.JSON.nullNode();
    }

    /**
     * A service's home is its dataset's mountpoint, given to its user: the directory itself, found by ops from the
     * dataset (never a path the agent names), and only where it is that very directory (no link on the way).
     */
    JsonNode home(JsonNode req, Function<String, Path> mountpoint) {
        String service = req.get("service").asText();
        String dataset = req.get("dataset").asText();
        RunAs as = account(service, req.get("user").asText(), req.hasNonNull("group") ? req.get("group").asText() : null);
        Path home = mountpoint.apply(dataset);
        try {
            if (!Files.isDirectory(home, LinkOption.NOFOLLOW_LINKS) || !home.toRealPath().equals(home.toAbsolutePath().normalize())) {
                throw new StoreError(StoreError.Kind.OTHER, dataset, "its mountpoint " + home + " is not a directory reached without a link");
            }
            var lookup = home.getFileSystem().getUserPrincipalLookupService();
            PosixFileAttributeView view = Files.getFileAttributeView(home, PosixFileAttributeView.class, LinkOption.NOFOLLOW_LINKS);
            view.setOwner(lookup.lookupPrincipalByName(as.user()));
            view.setGroup(lookup.lookupPrincipalByGroupName(as.group()));
        } catch (IOException e) {
            throw new StoreError(StoreError.Kind.OTHER, dataset, "cannot give its mountpoint to user " + as.user() + ": " + e.getMessage());
        }
        return Frames.JSON.getNodeFactory().textNode(home.toString());
    }

    /**
     * Writes (or removes) a file rendered for a service, as the service's user: a path the agent names is written
     * with that user's rights alone (setpriv, then a shell), never root's, to a temporary file beside it with its
     * mode, then moved over it. The body comes on standard input, never as an argument.
     */
    JsonNode file(JsonNode req) {
        String service = req.get("service").asText();
        RunAs as = account(service, req.get("user").asText(), req.hasNonNull("group") ? req.get("group").asText() : null);
        boolean remove = req.path("remove").asBoolean(false);
        String path = req.get("path").asText();
        List<String> argv = new ArrayList<>();
        if (!(as.root() && as.gid() == 0)) {
            String setpriv = RunAs.setpriv().orElseThrow(() -> new StoreError(StoreError.Kind.OTHER, service, "writing as user " + as.user() + " needs setpriv(1)")).toString();
            argv.addAll(as.dropTo(setpriv, false));
        }
        argv.addAll(List.of("/bin/sh", "-c", remove ? REMOVE_FILE : WRITE_FILE, "sh", path, remove ? "" : req.get("mode").asText()));
        zed.reconciler.process.Subprocess run = zed.reconciler.process.Subprocess.of(argv, Duration.ofSeconds(30)).withEnvironment(Map.of("PATH", "/usr/bin:/bin"));
        if (!remove) run = run.withInput(filled(service, req.get("body").asText()).getBytes(java.nio.charset.StandardCharsets.UTF_8));
        zed.reconciler.process.Subprocess.Result r;
        try {
            r = run.run();
        } catch (IOException e) {
            throw new StoreError(StoreError.Kind.OTHER, path, "cannot " + (remove ? "remove" : "write") + " it: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StoreError(StoreError.Kind.OTHER, path, "interrupted");
        }
        if (r.exit() != 0) {
            throw new StoreError(StoreError.Kind.PERMISSION, path, "user " + as.user() + " cannot " + (remove ? "remove" : "write") + " it: " + r.stderr().strip());
        }
        return Frames.JSON.nullNode();
    }

    /**
     * The text with its secrets' marks filled from the host's store, each slot's consumer recorded; a slot that is not
     * set fails the start, naming the slot, never a value.
     */
    private String filled(String service, String text) {
        if (!SecretMarks.marked(text)) return text;
        if (secrets == null) throw new StoreError(StoreError.Kind.PERMISSION, service, "uses a secret, and this zed ops reads none: start it with --secrets-key");
        return SecretMarks.fill(text, (consumer, ref) -> {
            try {
                return secrets.apply(consumer).resolve(ref);
            } catch (RuntimeException e) {
                throw new StoreError(StoreError.Kind.OTHER, service, e.getMessage());
            }
        });
    }

    /** A slot's stamp (its HMAC under the host key), for the agent's digest of a rendered file. */
    JsonNode secretStamp(JsonNode req) {
        if (secrets == null) throw new StoreError(StoreError.Kind.PERMISSION, "secret", "this zed ops reads no secrets: start it with --secrets-key");
        String field = req.hasNonNull("field") ? req.get("field").asText() : null;
        try {
            return Frames.JSON.getNodeFactory().textNode(secrets.apply(null).stamp(new zed.config.Value.SecretRef(req.get("slot").asText(), field)));
        } catch (RuntimeException e) {
            throw new StoreError(StoreError.Kind.OTHER, req.get("slot").asText(), e.getMessage());
        }
    }

    /** Lays out a jail (its root, its record) as declared, from parts checked against the managed datasets. */
    JsonNode jailEnsure(JsonNode req, java.util.function.Predicate<Path> managed) {
        zed.reconciler.jail.JailSetup setup = JailRequests.from(req.get("jail"), managed);
        try {
            return Frames.JSON.valueToTree(jails.ensure(setup));
        } catch (zed.reconciler.jail.JailError e) {
            throw new StoreError(StoreError.Kind.OTHER, setup.name(), e.getMessage());
        }
    }

    JsonNode jailObserve(JsonNode req) {
        return Frames.JSON.valueToTree(jails.observe(req.get("name").asText()));
    }

    /** Stops a jail: every sandbox of it (found by its mark), and its record. */
    JsonNode jailStop(JsonNode req) {
        try {
            jails.stop(req.get("name").asText());
        } catch (zed.reconciler.jail.JailError e) {
            throw new StoreError(StoreError.Kind.OTHER, req.get("name").asText(), e.getMessage());
        }
        return Frames.JSON.nullNode();
    }

    /** As the user: its directory made, a temporary file (umask 077, then its mode) moved over the old one. */
    static final String WRITE_FILE = "umask 077; d=$(dirname \"$1\"); mkdir -p \"$d\" && t=$(mktemp \"$d/.zed-XXXXXXXX\") || exit 1; "
            + "if cat > \"$t\" && chmod \"$2\" \"$t\" && mv -f \"$t\" \"$1\"; then exit 0; fi; rm -f \"$t\"; exit 1";
    static final String REMOVE_FILE = "rm -f \"$1\"";

    private void ours(long pid, String started) {
        if (table.find(pid, started).isEmpty()) {
            throw new StoreError(StoreError.Kind.PERMISSION, "pid " + pid, "is not a process zed ops started: it stops and signals only its own");
        }
    }
}
