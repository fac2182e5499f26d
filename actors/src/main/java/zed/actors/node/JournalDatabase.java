package zed.actors.node;

import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.persistence.jdbc.db.SlickExtension;
import org.apache.pekko.persistence.jdbc.db.SlickExtensionImpl;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * The node's journal database, for the one question the read journal cannot answer cheaply: the newest event's
 * ordering. Asked on a connection of the journal's own pool ({@code pekko-persistence-jdbc.shared-databases.zed}),
 * so that a node never holds more connections than that pool allows: on PostgreSQL every node of a cluster shares the
 * server's {@code max_connections}.
 */
public final class JournalDatabase {
    private JournalDatabase() {
    }

    /**
     * The highest ordering in the journal (0: none): one index lookup, whatever the journal holds. The names are quoted:
     * H2's schema made them lower case, and H2 would look for unquoted ones in upper case.
     */
    public static long newestOrdering(ActorSystem<?> system) throws SQLException {
        try (Connection c = connection(system); Statement s = c.createStatement();
             ResultSet r = s.executeQuery("SELECT MAX(\"ordering\") FROM \"event_journal\"")) {
            return r.next() ? r.getLong(1) : 0;
        }
    }

    /** PostgreSQL's {@code max_connections} and {@code superuser_reserved_connections}. */
    public record ConnectionLimits(int max, int reserved) {
    }

    /** The server's connection limits, on a connection of the journal's pool. */
    public static ConnectionLimits connectionLimits(ActorSystem<?> system) throws SQLException {
        try (Connection c = connection(system); Statement s = c.createStatement();
             ResultSet r = s.executeQuery("SELECT current_setting('max_connections')::int, current_setting('superuser_reserved_connections')::int")) {
            r.next();
            return new ConnectionLimits(r.getInt(1), r.getInt(2));
        }
    }

    private static Connection connection(ActorSystem<?> system) throws SQLException {
        SlickExtensionImpl slick = (SlickExtensionImpl) SlickExtension.get(system.classicSystem());
        // the read journal's config names the shared database, so this is the pool the journal itself uses
        return slick.database(system.settings().config().getConfig("jdbc-read-journal")).database().source().createConnection();
    }
}
