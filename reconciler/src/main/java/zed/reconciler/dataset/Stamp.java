package zed.reconciler.dataset;

/** What a deploy writes beside the data: the revision, when and by whom (STATE.md's schema). */
public record Stamp(long rev, String at, String by) {
    public static Stamp now(long rev) {
        String user = System.getProperty("user.name", "unknown");
        String host;
        try {
            host = java.net.InetAddress.getLocalHost().getHostName();
        } catch (java.net.UnknownHostException e) {
            host = "localhost";
        }
        return new Stamp(rev, java.time.Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString(), user + "@" + host);
    }
}
