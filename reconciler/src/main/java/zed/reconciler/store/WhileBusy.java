package zed.reconciler.store;

/**
 * zfs-fuse may call a dataset busy for a moment after its last reader left (just unmounted, a reader just gone): a
 * destroy is asked again a few times, backing off (0.2 to 1.6 s, 3 s in all), before the error stands. A dataset busy
 * because it has children stays busy, so that answer stands at once.
 */
final class WhileBusy {
    private static final int TRIES = 5;

    private WhileBusy() {
    }

    static void retry(Runnable write) {
        for (int attempt = 1; ; attempt++) {
            try {
                write.run();
                return;
            } catch (StoreError e) {
                if (e.kind() != StoreError.Kind.BUSY || attempt == TRIES || e.detail().contains("has children")) throw e;
                try {
                    Thread.sleep(100L << attempt);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    throw e;
                }
            }
        }
    }
}
