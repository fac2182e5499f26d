package zed.actors.node;

import java.nio.file.Path;

/**
 * How a node runs. Defaults: the API on 127.0.0.1:7700, a cluster of its own on a random loopback port, the journal
 * in an H2 file under the state directory.
 *
 * @param journalUrl a JDBC URL for the journal; null means the H2 file {@code <state>/journal/zed}
 * @param pool       the node's ZFS pool for levels that name none; null means the dir store
 * @param eventsKept how many events each level keeps at least, for {@code /v1/events} to resume from; older ones are
 *                   deleted after the level's snapshot
 * @param cluster    the host's name and how it joins the cluster (default: a cluster of its own)
 * @param opsSocket  {@code zed ops}'s socket: the node's ZFS work goes through it (docs/security.md); null: the
 *                   single-process mode, zfs run by the node itself (as root)
 * @param apiKeystore the operator's own certificate for the API, which then speaks HTTPS wherever it listens; null:
 *                    beyond loopback the certificate of {@code zed cluster init} in the state directory
 * @param serviceUser whom a service runs as when its Zedfile names no user ({@code zed-svc} on a host
 *                    {@code zed agent install} set up; root in the single-process mode)
 */
public record NodeConfig(String httpHost, int httpPort, zed.actors.cluster.ClusterConfig cluster, Path stateDir, String journalUrl, String pool,
                         zed.actors.telemetry.TelemetryConfig telemetry, int eventsKept, Path opsSocket,
                         ApiKeystore apiKeystore, String serviceUser) {
    /** The events each level keeps unless told otherwise. */
    public static final int EVENTS_KEPT = 1000;

    public NodeConfig {
        if (eventsKept < 2) throw new IllegalArgumentException("a level keeps at least 2 events, not " + eventsKept);
        if (serviceUser == null || serviceUser.isBlank()) throw new IllegalArgumentException("services' default user is a user's name");
    }

    /** The single-process mode's config (no ops socket). */
    public NodeConfig(String httpHost, int httpPort, zed.actors.cluster.ClusterConfig cluster, Path stateDir, String journalUrl, String pool,
                      zed.actors.telemetry.TelemetryConfig telemetry, int eventsKept) {
        this(httpHost, httpPort, cluster, stateDir, journalUrl, pool, telemetry, eventsKept, null, null, zed.reconciler.service.ServiceRun.DEFAULT_USER);
    }

    public NodeConfig withOpsSocket(Path socket) {
        return new NodeConfig(httpHost, httpPort, cluster, stateDir, journalUrl, pool, telemetry, eventsKept, socket, apiKeystore, serviceUser);
    }

    public static NodeConfig defaults(Path stateDir) {
        return new NodeConfig("127.0.0.1", 7700, zed.actors.cluster.ClusterConfig.alone(), stateDir, null, null, zed.actors.telemetry.TelemetryConfig.defaults(), EVENTS_KEPT);
    }

    public NodeConfig withServiceUser(String user) {
        return new NodeConfig(httpHost, httpPort, cluster, stateDir, journalUrl, pool, telemetry, eventsKept, opsSocket, apiKeystore, user);
    }

    public NodeConfig withApiKeystore(ApiKeystore k) {
        return new NodeConfig(httpHost, httpPort, cluster, stateDir, journalUrl, pool, telemetry, eventsKept, opsSocket, k, serviceUser);
    }

    public NodeConfig withHttp(String host, int port) {
        return new NodeConfig(host, port, cluster, stateDir, journalUrl, pool, telemetry, eventsKept, opsSocket, apiKeystore, serviceUser);
    }

    /** The journal in the database at {@code url} (a JDBC URL; null: the H2 file in the state directory). */
    public NodeConfig withJournal(String url) {
        return new NodeConfig(httpHost, httpPort, cluster, stateDir, url, pool, telemetry, eventsKept, opsSocket, apiKeystore, serviceUser);
    }

    public NodeConfig withTelemetry(zed.actors.telemetry.TelemetryConfig t) {
        return new NodeConfig(httpHost, httpPort, cluster, stateDir, journalUrl, pool, t, eventsKept, opsSocket, apiKeystore, serviceUser);
    }

    public NodeConfig withPool(String p) {
        return new NodeConfig(httpHost, httpPort, cluster, stateDir, journalUrl, p, telemetry, eventsKept, opsSocket, apiKeystore, serviceUser);
    }

    public NodeConfig withEventsKept(int n) {
        return new NodeConfig(httpHost, httpPort, cluster, stateDir, journalUrl, pool, telemetry, n, opsSocket, apiKeystore, serviceUser);
    }

    public NodeConfig withCluster(zed.actors.cluster.ClusterConfig c) {
        return new NodeConfig(httpHost, httpPort, c, stateDir, journalUrl, pool, telemetry, eventsKept, opsSocket, apiKeystore, serviceUser);
    }

    /** Whether the journal is an H2 file: this node's alone, never shared with another. */
    public boolean h2() {
        return journal().startsWith("jdbc:h2:");
    }

    public String journal() {
        return durable(journalUrl != null ? journalUrl : "jdbc:h2:file:" + stateDir.resolve("journal").resolve("zed").toAbsolutePath() + ";DB_CLOSE_DELAY=-1");
    }

    /**
     * An H2 URL that writes each commit to its file before the commit returns. H2 keeps no redo log and by default
     * writes what was committed only every half second (its {@code WRITE_DELAY}), so a node killed in that time lost a
     * revision it had already answered. A URL that sets {@code WRITE_DELAY} itself is taken as the operator's choice.
     */
    static String durable(String url) {
        if (!url.startsWith("jdbc:h2:") || url.toUpperCase(java.util.Locale.ROOT).contains(";WRITE_DELAY=")) return url;
        return url + ";WRITE_DELAY=0";
    }
}
