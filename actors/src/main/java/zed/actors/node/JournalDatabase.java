package zed.actors.node;

import com.typesafe.config.Config;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * A plain JDBC connection to the node's journal database, for the one question the read journal cannot answer
 * cheaply: the newest event's ordering. The URL, user and password are the ones the journal itself uses
 * ({@code pekko-persistence-jdbc.shared-databases.zed.db}).
 */
public final class JournalDatabase {
    static final String DB = "pekko-persistence-jdbc.shared-databases.zed.db";

    private JournalDatabase() {
    }

    public static Connection connect(Config config) throws SQLException {
        Config db = config.getConfig(DB);
        return DriverManager.getConnection(db.getString("url"), db.getString("user"), db.hasPath("password") ? db.getString("password") : "");
    }

    /**
     * The highest ordering in the journal (0: none): one index lookup, whatever the journal holds. The names are quoted:
     * H2's schema made them lower case, and H2 would look for unquoted ones in upper case.
     */
    public static long newestOrdering(Config config) throws SQLException {
        try (Connection c = connect(config); Statement s = c.createStatement(); ResultSet r = s.executeQuery("SELECT MAX(\"ordering\") FROM \"event_journal\"")) {
            return r.next() ? r.getLong(1) : 0;
        }
    }
}
