package zed.actors;

import org.junit.jupiter.api.Assumptions;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * A PostgreSQL database of a test's own, beside the one {@code ZED_TEST_POSTGRES_URL} names (a JDBC URL with user and
 * password of a role that may create databases): reruns start clean, and nothing else's journal is touched. Unset,
 * the test skips; with {@code ZED_REQUIRE_POSTGRES=1} (CI sets it) it fails instead. Public for the tests of other
 * packages (zed.actors.cluster's lease).
 */
public final class TestDatabase implements AutoCloseable {
    private final String adminUrl;
    private final String name;
    public final String url;

    private TestDatabase(String adminUrl, String name) {
        this.adminUrl = adminUrl;
        this.name = name;
        this.url = withDatabase(adminUrl, name);
    }

    public static TestDatabase fresh() throws Exception {
        String adminUrl = System.getenv("ZED_TEST_POSTGRES_URL");
        if (adminUrl == null || adminUrl.isBlank()) {
            if ("1".equals(System.getenv("ZED_REQUIRE_POSTGRES"))) {
                throw new AssertionError("ZED_REQUIRE_POSTGRES=1 but ZED_TEST_POSTGRES_URL is not set (see docs/development.md)");
            }
            Assumptions.abort("ZED_TEST_POSTGRES_URL is not set: no PostgreSQL to journal to");
        }
        String name = "zed_journal_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        try (Connection c = DriverManager.getConnection(adminUrl); Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + name);
        }
        return new TestDatabase(adminUrl, name);
    }

    /** The same JDBC URL with another database: {@code jdbc:postgresql://host:port/DB?params}. */
    static String withDatabase(String url, String db) {
        String prefix = "jdbc:postgresql://";
        if (!url.startsWith(prefix)) throw new AssertionError("ZED_TEST_POSTGRES_URL must start with " + prefix + ": " + url);
        int slash = url.indexOf('/', prefix.length());
        int query = url.indexOf('?');
        String rest = query < 0 ? "" : url.substring(query);
        return (slash < 0 || (query >= 0 && slash > query) ? url.substring(0, query < 0 ? url.length() : query) : url.substring(0, slash)) + "/" + db + rest;
    }

    /** The first column of every row. */
    public List<String> query(String sql) throws Exception {
        List<String> rows = new ArrayList<>();
        try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement(); ResultSet r = s.executeQuery(sql)) {
            while (r.next()) rows.add(r.getString(1));
        }
        return rows;
    }

    public void execute(String sql) throws Exception {
        try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    @Override
    public void close() throws Exception {
        try (Connection c = DriverManager.getConnection(adminUrl); Statement s = c.createStatement()) {
            s.execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
        }
    }
}
