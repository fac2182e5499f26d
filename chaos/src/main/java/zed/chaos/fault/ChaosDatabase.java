package zed.chaos.fault;

import java.net.URI;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * A PostgreSQL database of a scenario's own, beside the one {@code ZED_TEST_POSTGRES_URL} names (a JDBC URL with user
 * and password of a role that may create databases), dropped at the end.
 */
public record ChaosDatabase(String adminUrl, String name) implements AutoCloseable {
    public static ChaosDatabase fresh() throws Exception {
        String admin = System.getenv("ZED_TEST_POSTGRES_URL");
        if (admin == null || admin.isBlank()) throw new IllegalStateException("ZED_TEST_POSTGRES_URL is not set: no PostgreSQL for the journal");
        String name = "zed_chaos_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        try (Connection c = DriverManager.getConnection(admin); Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + name);
        }
        return new ChaosDatabase(admin, name);
    }

    /** Where the database listens: host and port of the admin URL. */
    public URI server() {
        return URI.create(adminUrl.substring("jdbc:".length()));
    }

    /** The JDBC URL of this database, through {@code host:port} (a proxy) instead of the server's own address. */
    public String url(String host, int port) {
        URI u = server();
        String query = adminUrl.contains("?") ? adminUrl.substring(adminUrl.indexOf('?')) : "";
        return "jdbc:postgresql://" + host + ":" + port + "/" + name + query;
    }

    /** The JDBC URL of this database, through the server's own address. */
    public String url() {
        URI u = server();
        return url(u.getHost(), u.getPort() < 0 ? 5432 : u.getPort());
    }

    /** The first column of every row, straight from the server. */
    public List<String> query(String sql) throws Exception {
        List<String> rows = new ArrayList<>();
        try (Connection c = DriverManager.getConnection(url()); Statement s = c.createStatement();
             ResultSet r = s.executeQuery(sql)) {
            while (r.next()) rows.add(r.getString(1));
        }
        return rows;
    }

    @Override
    public void close() throws Exception {
        try (Connection c = DriverManager.getConnection(adminUrl); Statement s = c.createStatement()) {
            s.execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
        }
    }
}
