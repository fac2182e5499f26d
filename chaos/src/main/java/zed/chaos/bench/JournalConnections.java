package zed.chaos.bench;

import zed.chaos.fault.ChaosDatabase;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Map;
import java.util.TreeMap;

/**
 * The connections PostgreSQL holds open to one database ({@code pg_stat_activity}), by {@code application_name}: what
 * a cluster's nodes cost the journal. Asked through a connection of its own to the admin database (the one
 * {@code ZED_TEST_POSTGRES_URL} names), so that it never counts itself. {@link #sample} on a thread of its own keeps
 * the peak.
 */
public final class JournalConnections implements AutoCloseable {
    private final Connection admin;
    private final PreparedStatement query;
    private final String database;
    private volatile Thread sampler;
    private volatile int peak;
    /** The most each application name held at once, since the last reset. */
    private final Map<String, Integer> peakBy = new java.util.concurrent.ConcurrentHashMap<>();
    private volatile long peakAtMs;
    private volatile int samples;
    private volatile String failure;

    public JournalConnections(ChaosDatabase db) throws SQLException {
        this.admin = DriverManager.getConnection(db.adminUrl());
        this.database = db.name();
        this.query = admin.prepareStatement("SELECT coalesce(application_name, ''), count(*) FROM pg_stat_activity WHERE datname = ? GROUP BY 1");
    }

    /** Connections open now, by application name. */
    public synchronized Map<String, Integer> now() throws SQLException {
        Map<String, Integer> by = new TreeMap<>();
        query.setString(1, database);
        try (ResultSet r = query.executeQuery()) {
            while (r.next()) by.put(r.getString(1), r.getInt(2));
        }
        return by;
    }

    public int total() throws SQLException {
        return now().values().stream().mapToInt(Integer::intValue).sum();
    }

    /** Samples the total every {@code everyMs} from now on, keeping the peak (and when it was, ms since this call). */
    public void sample(long everyMs) {
        long t0 = System.nanoTime();
        Thread t = new Thread(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                try {
                    Map<String, Integer> by = now();
                    int n = by.values().stream().mapToInt(Integer::intValue).sum();
                    by.forEach((app, c) -> peakBy.merge(app, c, Math::max));
                    samples++;
                    if (n > peak) {
                        peak = n;
                        peakAtMs = (System.nanoTime() - t0) / 1_000_000;
                    }
                    Thread.sleep(everyMs); // the sampling interval
                } catch (InterruptedException e) {
                    return;
                } catch (SQLException e) {
                    failure = e.toString();
                    return;
                }
            }
        }, "journal-connections");
        t.setDaemon(true);
        sampler = t;
        t.start();
    }

    /** Restarts the peak from zero (for the next phase to have its own). */
    public void resetPeak() {
        peakBy.clear();
        peak = 0;
        peakAtMs = 0;
    }

    /** The most connections sampled since {@link #sample} or {@link #resetPeak}. */
    public int peak() {
        if (failure != null) throw new IllegalStateException("sampling pg_stat_activity failed: " + failure);
        return peak;
    }

    /** The most connections one application name (one node) held at once, by name, since {@link #sample} or {@link #resetPeak}. */
    public Map<String, Integer> peakByApplication() {
        return new TreeMap<>(peakBy);
    }

    public long peakAtMs() {
        return peakAtMs;
    }

    public int samples() {
        return samples;
    }

    /** A setting of the server ({@code SHOW name}). */
    public synchronized String setting(String name) throws SQLException {
        try (var s = admin.createStatement(); ResultSet r = s.executeQuery("SHOW " + name)) {
            return r.next() ? r.getString(1) : "";
        }
    }

    /** Every connection to the server now, whichever database (other users of a shared server count against max_connections too). */
    public synchronized int server() throws SQLException {
        try (var s = admin.createStatement(); ResultSet r = s.executeQuery("SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'client backend'")) {
            return r.next() ? r.getInt(1) : 0;
        }
    }

    /**
     * The CPU the database's server processes (one per connection; PostgreSQL on this machine) have used so far, ns.
     */
    public synchronized long backendCpu() throws SQLException {
        long ns = 0;
        try (PreparedStatement p = admin.prepareStatement("SELECT pid FROM pg_stat_activity WHERE datname = ?")) {
            p.setString(1, database);
            try (ResultSet r = p.executeQuery()) {
                while (r.next()) {
                    try {
                        ns += BenchPool.processCpu(r.getString(1));
                    } catch (IllegalStateException gone) {
                        // the connection closed in between
                    }
                }
            }
        }
        return ns;
    }

    @Override
    public void close() throws Exception {
        Thread t = sampler;
        if (t != null) t.interrupt();
        admin.close();
    }
}
