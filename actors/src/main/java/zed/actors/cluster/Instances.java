package zed.actors.cluster;

/**
 * The instances of a level that runs on several hosts ({@code hosts = [...]}): one entity per host, with its own id
 * {@code level@host} (its shard, its persistence id {@code level|level@host}, its journal). A single-host level keeps
 * its plain id, so the journals written before multi-host levels existed recover unchanged. '@' is never part of a
 * level id ({@link zed.actors.http.LevelPath}), so the two never collide.
 */
public final class Instances {
    private static final char AT = '@';

    private Instances() {
    }

    public static String id(String level, String host) {
        return level + AT + host;
    }

    /** Whether {@code id} is one instance of a multi-host level. */
    public static boolean isInstance(String id) {
        return id.indexOf(AT) >= 0;
    }

    /** The level an entity id belongs to: itself for a single-host level. */
    public static String levelOf(String id) {
        int at = id.indexOf(AT);
        return at < 0 ? id : id.substring(0, at);
    }

    /** The host of an instance id, null for a single-host level's id (its host is the placement table's). */
    public static String hostOf(String id) {
        int at = id.indexOf(AT);
        return at < 0 ? null : id.substring(at + 1);
    }
}
