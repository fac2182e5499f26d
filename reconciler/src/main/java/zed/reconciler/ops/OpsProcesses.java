package zed.reconciler.ops;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import zed.reconciler.process.Launch;
import zed.reconciler.process.LaunchToken;
import zed.reconciler.process.Launcher;
import zed.reconciler.process.LogFiles;
import zed.reconciler.process.Processes;
import zed.reconciler.process.RunAs;
import zed.reconciler.process.StampedProcess;
import zed.reconciler.store.StoreError;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * The processes of an unprivileged agent: zed ops starts them as their users and is their parent. A start's
 * connection stays open until its process exits, and ops says the exit code on it (one small thread here per
 * service, blocked reading); an agent that restarts finds its services by their stamps, as it adopts any (their
 * exit codes then unknown). The launch's own log directory is not used: ops keeps the logs in its own
 * ({@link ServiceLogs}), which the agent's group may read.
 */
public final class OpsProcesses implements Processes {
    private static final long STACK_BYTES = 64 * 1024;
    private final Path socket;
    private volatile Path logRoot;

    public OpsProcesses(Path socket) {
        this.socket = socket;
    }

    @Override
    public Launcher.Started start(Launch l) {
        ObjectNode r = Frames.JSON.createObjectNode().put("op", "serviceStart").put("service", l.service());
        RunAs as = l.as();
        r.put("user", as == null ? "root" : as.user());
        if (as != null) r.put("group", as.group());
        l.argv().forEach(r.putArray("argv")::add);
        r.set("env", Frames.JSON.valueToTree(new LinkedHashMap<>(l.env())));
        r.put("workdir", l.workdir().toAbsolutePath().toString()).put("logs", l.logDir().toAbsolutePath().toString());
        if (l.jail() != null) {
            r.set("jail", JailRequests.of(l.jail().setup()));
            r.put("jailWorkdir", l.jail().workdir());
        }
        SocketChannel ch = null;
        try {
            ch = SocketChannel.open(StandardProtocolFamily.UNIX);
            ch.connect(UnixDomainSocketAddress.of(socket));
            Frames.write(ch, r);
            JsonNode started = OpsStore.result(l.service(), Frames.read(ch, Frames.MAX_ANSWER));
            CompletableFuture<Integer> exit = new CompletableFuture<>();
            watch(ch, exit, started.get("pid").asLong());
            return new Launcher.Started(started.get("pid").asLong(), started.get("startTime").asText(), exit);
        } catch (IOException | StoreError e) {
            close(ch);
            throw new Launcher.LaunchError(l.service() + ": not started: " + (e instanceof StoreError se ? se.getMessage() : "zed ops on " + socket + ": " + e.getMessage()));
        }
    }

    /**
     * Reads the exit frame; the connection's end without one (ops restarted) completes nothing, so that the supervisor
     * goes on by the pid and its start time, as for an adopted process.
     */
    private static void watch(SocketChannel ch, CompletableFuture<Integer> exit, long pid) {
        Thread t = new Thread(null, () -> {
            try (ch) {
                ObjectNode f = Frames.read(ch, Frames.MAX_ANSWER);
                if (f != null && f.has("exit")) exit.complete(f.get("exit").asInt());
            } catch (IOException e) {
                // ops went away: the process may well live on
            }
        }, "zed-ops-exit-" + pid, STACK_BYTES);
        t.setDaemon(true);
        t.start();
    }

    private static void close(SocketChannel ch) {
        if (ch == null) return;
        try {
            ch.close();
        } catch (IOException ignored) {
            // nothing was started on it
        }
    }

    @Override
    public boolean stop(long pid, String startTime, Duration grace) {
        try {
            return call(Frames.JSON.createObjectNode().put("op", "serviceStop").put("pid", pid).put("startTime", startTime).put("graceMs", grace.toMillis()), "pid " + pid).asBoolean();
        } catch (StoreError e) {
            throw new Launcher.LaunchError("pid " + pid + ": not stopped: " + e.getMessage());
        }
    }

    @Override
    public boolean usr1(long pid, String startTime) {
        return call(Frames.JSON.createObjectNode().put("op", "serviceSignal").put("pid", pid).put("startTime", startTime), "pid " + pid).asBoolean();
    }

    @Override
    public Optional<StampedProcess> leader(LaunchToken token) {
        JsonNode found = call(Frames.JSON.createObjectNode().put("op", "serviceFind").put("token", token.value()), "launch " + token.value());
        if (found == null || found.isNull()) return Optional.empty();
        return Optional.of(new StampedProcess(found.get("pid").asLong(), found.get("startTime").asText(), true));
    }

    @Override
    public Path logDir(Launch launch) {
        if (logRoot == null) logRoot = Path.of(call(Frames.JSON.createObjectNode().put("op", "serviceLogRoot"), "logs").asText());
        return ServiceLogs.dir(logRoot, launch.logDir().toAbsolutePath().toString());
    }

    /** Asks ops only when a log is past its cap: the sizes are read here (the agent's group may read the logs). */
    @Override
    public void rotateLogs(Launch launch, long cap, int keep) {
        try {
            Path dir = logDir(launch);
            if (size(LogFiles.stdout(dir)) <= cap && size(LogFiles.stderr(dir)) <= cap) return;
            call(Frames.JSON.createObjectNode().put("op", "serviceRotate").put("logs", launch.logDir().toAbsolutePath().toString())
                    .put("cap", cap).put("keep", keep), launch.service());
        } catch (StoreError e) {
            // a log that cannot rotate grows until the next try
        }
    }

    private static long size(Path p) {
        try {
            return Files.size(p);
        } catch (IOException e) {
            return 0;
        }
    }

    /** Gives the service's home (its dataset's mountpoint, which ops finds) to its user. */
    @Override
    public void giveHome(String service, String dataset, Path home, RunAs as) {
        // ops finds the mountpoint itself: a path from here would be one the agent chose
        try {
            call(Frames.JSON.createObjectNode().put("op", "serviceHome").put("service", service).put("dataset", dataset)
                    .put("user", as.user()).put("group", as.group()), dataset);
        } catch (StoreError e) {
            throw new Launcher.LaunchError(service + ": " + e.getMessage());
        }
    }

    /**
     * Writes a file rendered for a service as its user, through ops (the agent may not write where the user owns);
     * {@code as} null: root, which ops refuses unless its operator allows root services.
     */
    public void writeFile(String service, RunAs as, Path path, String body, String mode) {
        ObjectNode r = fileRequest(service, as, path).put("mode", mode).put("body", body);
        try {
            call(r, path.toString());
        } catch (StoreError e) {
            throw new Launcher.LaunchError(service + ": " + e.getMessage());
        }
    }

    public void removeFile(String service, RunAs as, Path path) {
        call(fileRequest(service, as, path).put("remove", true), path.toString());
    }

    private static ObjectNode fileRequest(String service, RunAs as, Path path) {
        ObjectNode r = Frames.JSON.createObjectNode().put("op", "serviceFile").put("service", service).put("user", as == null ? "root" : as.user());
        if (as != null) r.put("group", as.group());
        return r.put("path", path.toAbsolutePath().toString());
    }

    /** @param subject what an error names (ops's own answer names it where it knows better) */
    private JsonNode call(ObjectNode request, String subject) {
        return OpsStore.call(socket, request, subject);
    }
}
