package zed.actors.node;

import java.nio.file.Path;

/**
 * How a node runs. Defaults: the API on 127.0.0.1:7700, the cluster on a random loopback port, the journal in an
 * H2 file under the state directory.
 *
 * @param journalUrl a JDBC URL for the journal; null means the H2 file {@code <state>/journal/zed}
 * @param pool       the node's ZFS pool for levels that name none; null means the dir store
 */
public record NodeConfig(String httpHost, int httpPort, int clusterPort, Path stateDir, String journalUrl, String pool,
                         zed.actors.telemetry.TelemetryConfig telemetry) {
    public static NodeConfig defaults(Path stateDir) {
        return new NodeConfig("127.0.0.1", 7700, 0, stateDir, null, null, zed.actors.telemetry.TelemetryConfig.defaults());
    }

    public NodeConfig withHttp(String host, int port) {
        return new NodeConfig(host, port, clusterPort, stateDir, journalUrl, pool, telemetry);
    }

    /** The journal in the database at {@code url} (a JDBC URL; null: the H2 file in the state directory). */
    public NodeConfig withJournal(String url) {
        return new NodeConfig(httpHost, httpPort, clusterPort, stateDir, url, pool, telemetry);
    }

    public NodeConfig withTelemetry(zed.actors.telemetry.TelemetryConfig t) {
        return new NodeConfig(httpHost, httpPort, clusterPort, stateDir, journalUrl, pool, t);
    }

    public String journal() {
        return journalUrl != null ? journalUrl : "jdbc:h2:file:" + stateDir.resolve("journal").resolve("zed").toAbsolutePath() + ";DB_CLOSE_DELAY=-1";
    }

    public boolean loopbackOnly() {
        return httpHost.equals("127.0.0.1") || httpHost.equals("localhost") || httpHost.equals("::1");
    }
}
