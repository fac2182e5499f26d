package zed.reconciler.stream;

/** A replication stream that is refused before {@code zfs receive} sees the part that makes it so. */
public final class BadStream extends RuntimeException {
    public BadStream(String message) {
        super(message);
    }
}
