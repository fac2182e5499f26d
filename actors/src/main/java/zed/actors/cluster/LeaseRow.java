package zed.actors.cluster;

import java.sql.Connection;
import java.sql.Driver;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Properties;

/**
 * One lease's row in {@code zed_lease}, on the PostgreSQL the node already journals to. Every decision about expiry is
 * the database's: {@code now()} on its clock, compared with {@code expires_at} written on that same clock, so the
 * hosts' clocks never meet. Blocking JDBC: {@link PostgresLease} runs it on its own thread.
 *
 * <p>One connection per operation, closed after it, rather than one kept open: a lease is held only while the split
 * brain resolver acts on a decision (seconds, then released), so a kept connection would sit idle for the node's whole
 * life and 50 nodes would pin half of a default PostgreSQL's 100 connections for nothing. A fresh connection also
 * needs no check that a kept one survived a database restart. At most one is open at a time, since the lease runs its
 * operations one after another.
 */
final class LeaseRow {
    static final String TABLE = "zed_lease";

    private static final String CREATE = "CREATE TABLE IF NOT EXISTS " + TABLE
            + " (name text PRIMARY KEY, owner text NOT NULL, expires_at timestamptz NOT NULL)";
    /** Written (one row) iff nobody holds it, or we do, or the holder's time ran out: the lease is ours iff so. */
    private static final String CLAIM = "INSERT INTO " + TABLE + " AS l (name, owner, expires_at) VALUES (?, ?, now() + make_interval(secs => ?))"
            + " ON CONFLICT (name) DO UPDATE SET owner = excluded.owner, expires_at = excluded.expires_at"
            + " WHERE l.owner = excluded.owner OR l.expires_at < now()";
    /** Only while the row is still ours: a row taken over (or deleted) is a lease lost, not one to take back. */
    private static final String RENEW = "UPDATE " + TABLE + " SET expires_at = now() + make_interval(secs => ?) WHERE name = ? AND owner = ?";
    private static final String GIVE_BACK = "DELETE FROM " + TABLE + " WHERE name = ? AND owner = ?";
    /** After a refused claim, or instead of one: who holds it, and how long its row has left, on the database's clock. */
    private static final String LOOK = "SELECT owner, extract(epoch FROM expires_at - now()) FROM " + TABLE + " WHERE name = ?";

    /**
     * What a claim found: the lease is ours, or {@code holder}'s row has {@code left} to live (negative: it ran out
     * after the claim; null holder: the row was given back meanwhile). Both on the database's clock.
     */
    record Claim(boolean ours, String holder, Duration left) {
    }

    /** The driver itself, not DriverManager: no scan of registered drivers, and no other driver is ever handed the URL. */
    private static final Driver DRIVER = new org.postgresql.Driver();

    private final String url;
    private final Properties properties;
    private final int timeoutSeconds;
    private final String name;
    private final String owner;
    private final double ttlSeconds;
    /** Set once CREATE TABLE has run; only the lease's one thread touches it. */
    private boolean tableReady;

    LeaseRow(String url, String user, String password, Duration operationTimeout, String name, String owner, Duration ttl) {
        this.url = url;
        this.name = name;
        this.owner = owner;
        this.ttlSeconds = ttl.toMillis() / 1000.0;
        // the driver's timeouts are whole seconds, and 0 means none: round up, never down to 0
        this.timeoutSeconds = (int) Math.max(1, (operationTimeout.toMillis() + 999) / 1000);
        this.properties = new Properties();
        String seconds = String.valueOf(timeoutSeconds);
        properties.setProperty("connectTimeout", seconds);
        properties.setProperty("loginTimeout", seconds);
        // a database that accepts the connection and then says nothing must not hold the lease's thread for ever
        properties.setProperty("socketTimeout", seconds);
        properties.setProperty("ApplicationName", "zed-lease");
        // as the journal's db block: empty means the URL's own (or the driver's default, the OS user)
        if (!user.isEmpty()) properties.setProperty("user", user);
        if (!password.isEmpty()) properties.setProperty("password", password);
    }

    /**
     * Takes or renews the lease: ours iff the row is now ours until {@code now() + ttl}; otherwise the holder's row
     * and how long it has left, read on the same connection right after.
     */
    Claim claim() throws SQLException {
        try (Connection c = connect()) {
            if (update(c, CLAIM, name, owner, ttlSeconds) == 1) return new Claim(true, owner, Duration.ofMillis((long) (ttlSeconds * 1000)));
            Claim refused = look(c);
            return new Claim(false, refused.holder(), refused.left());
        }
    }

    /** Who holds the lease and how long its row has left, without claiming it ({@code ours}: this owner's row). */
    Claim look() throws SQLException {
        try (Connection c = connect()) {
            return look(c);
        }
    }

    private Claim look(Connection c) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(LOOK)) {
            s.setQueryTimeout(timeoutSeconds);
            s.setString(1, name);
            try (ResultSet r = s.executeQuery()) {
                if (!r.next()) return new Claim(false, null, Duration.ZERO);
                String holder = r.getString(1);
                return new Claim(owner.equals(holder), holder, Duration.ofNanos((long) (r.getDouble(2) * 1e9)));
            }
        }
    }

    /** Pushes the expiry on while the row is still ours: false when it was taken over or deleted. */
    boolean renew() throws SQLException {
        return update(RENEW, ttlSeconds, name, owner) == 1;
    }

    /** Deletes the row if it is ours; someone else's row is left alone. */
    void giveBack() throws SQLException {
        update(GIVE_BACK, name, owner);
    }

    /** Runs one statement on a connection of its own: the rows it wrote. */
    private int update(String sql, Object... values) throws SQLException {
        try (Connection c = connect()) {
            return update(c, sql, values);
        }
    }

    private int update(Connection c, String sql, Object... values) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(sql)) {
            s.setQueryTimeout(timeoutSeconds);
            for (int i = 0; i < values.length; i++) s.setObject(i + 1, values[i]);
            return s.executeUpdate();
        }
    }

    private Connection connect() throws SQLException {
        Connection c = DRIVER.connect(url, properties);
        if (c == null) throw new SQLException("not a PostgreSQL JDBC URL: " + redacted(url));
        if (!tableReady) {
            try (Statement s = c.createStatement()) {
                s.setQueryTimeout(timeoutSeconds);
                s.execute(CREATE);
            } catch (SQLException e) {
                // two nodes creating it at once: PostgreSQL's IF NOT EXISTS can still fail the loser (unique_violation on
                // its catalog, or duplicate_table); the table is there all the same
                if (!"23505".equals(e.getSQLState()) && !"42P07".equals(e.getSQLState())) {
                    c.close();
                    throw e;
                }
            }
            tableReady = true;
        }
        return c;
    }

    /**
     * The URL as it may appear in a log line or an error: without its query string (where PostgreSQL URLs carry
     * {@code user} and {@code password}) and without any {@code user:password@}.
     */
    static String redacted(String url) {
        int query = url.indexOf('?');
        String bare = query < 0 ? url : url.substring(0, query);
        int slashes = bare.indexOf("//");
        int at = bare.lastIndexOf('@');
        if (slashes >= 0 && at > slashes) bare = bare.substring(0, slashes + 2) + bare.substring(at + 1);
        return bare;
    }

    /** A driver's message with anything of the URL past its redacted form cut out, in case a driver ever quotes it. */
    String scrubbed(String message) {
        if (message == null) return "";
        String m = message.replace(url, redacted(url));
        int query = url.indexOf('?');
        if (query >= 0) {
            m = m.replace(url.substring(query), "");
            for (String pair : url.substring(query + 1).split("&")) {
                if (pair.startsWith("password=") && pair.length() > "password=".length()) m = m.replace(pair.substring("password=".length()), "***");
            }
        }
        String password = properties.getProperty("password");
        return password == null ? m : m.replace(password, "***");
    }
}
