package zed.actors.boot;

/**
 * What is at one path of the root now: nothing, a directory or a file (its text), with its mode and owner.
 *
 * @param text a file's text; null for a directory or nothing
 */
public record Found(Kind kind, int mode, int uid, int gid, String text) {
    public enum Kind { NOTHING, DIRECTORY, FILE, OTHER }

    public static final Found NOTHING = new Found(Kind.NOTHING, 0, -1, -1, null);
}
