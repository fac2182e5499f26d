package zed.reconciler.store;

import java.time.Duration;
import java.util.List;

/**
 * Runs one external command from an argv list (never through a shell). The real one is {@link ProcessCommand};
 * tests of platforms that cannot run here (OpenZFS-only flags) record the argv instead.
 */
public interface Command {
    record Result(int exit, String stdout, String stderr) {
        public boolean ok() {
            return exit == 0;
        }
    }

    /** @throws StoreError of kind TIMEOUT when the command outlives {@code timeout} (it is killed) */
    Result run(List<String> argv, Duration timeout, String subject);
}
