package zed.config;

/** One positioned error, printed as {@code FILE:LINE:COL: message}. */
public record Diagnostic(Pos pos, String message) implements Comparable<Diagnostic> {
    public String render() {
        return pos + ": " + message;
    }

    @Override
    public int compareTo(Diagnostic o) {
        int c = pos.file().compareTo(o.pos.file());
        if (c != 0) return c;
        c = Integer.compare(pos.line(), o.pos.line());
        if (c != 0) return c;
        c = Integer.compare(pos.col(), o.pos.col());
        return c != 0 ? c : message.compareTo(o.message);
    }

    @Override
    public String toString() {
        return render();
    }
}
