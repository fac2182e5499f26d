package zed.config;

/** A place in a Zedfile: every token, value and error carries one. Line and column are 1-based; columns count code points. */
public record Pos(String file, int line, int col) {
    public static final Pos NONE = new Pos("<none>", 0, 0);

    @Override
    public String toString() {
        return file + ":" + line + ":" + col;
    }
}
