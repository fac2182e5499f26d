package zed.config;

/**
 * A Zedfile as it reads after {@code zed move} took its level from one host to another: {@code host} names the new
 * host, and a {@code failover.standby} that named the new host names the old one, which holds the replicas now. Pure:
 * the quoted names are replaced where {@link DeclaredHost} found them, the rest of the text is untouched.
 */
public final class MovedSource {
    private MovedSource() {
    }

    public static String of(String file, String source, String from, String to) {
        DeclaredHost host = DeclaredHost.of(file, source);
        DeclaredHost standby = DeclaredHost.standby(file, source);
        String out = source;
        // the later one first, so that the earlier one's position still holds
        boolean standbyFirst = standby.pos() != null && host.pos() != null && standby.pos().line() < host.pos().line();
        if (!standbyFirst && to.equals(standby.host())) out = replace(out, standby.pos(), to, from);
        if (host.host() != null) out = replace(out, host.pos(), host.host(), to);
        if (standbyFirst && to.equals(standby.host())) out = replace(out, standby.pos(), to, from);
        return out;
    }

    /** Replaces the quoted {@code was} after {@code at} on its line with the quoted {@code now}. */
    private static String replace(String source, Pos at, String was, String now) {
        int lineStart = 0;
        for (int l = 1; l < at.line(); l++) lineStart = source.indexOf('\n', lineStart) + 1;
        int lineEnd = source.indexOf('\n', lineStart);
        if (lineEnd < 0) lineEnd = source.length();
        int i = source.indexOf("\"" + was + "\"", lineStart + at.col() - 1);
        if (i < 0 || i > lineEnd) throw new IllegalArgumentException("no \"" + was + "\" at " + at);
        return source.substring(0, i + 1) + now + source.substring(i + 1 + was.length());
    }
}
