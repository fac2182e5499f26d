package zed.reconciler.host;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The second process of the lock tests, a JVM like another zed: takes the lock on a file ("exclusive" waits for it,
 * "try-exclusive" exits 1 if it is busy), prints "locked", and holds it until stdin ends.
 */
public final class LockHolder {
    private LockHolder() {
    }

    public static void main(String[] args) throws IOException {
        Path file = Path.of(args[1]);
        Optional<Flock> lock = switch (args[0]) {
            case "exclusive" -> Optional.of(Flock.exclusive(file));
            case "try-exclusive" -> Flock.tryExclusive(file);
            default -> throw new IllegalArgumentException("mode: exclusive or try-exclusive, not " + args[0]);
        };
        if (lock.isEmpty()) {
            System.out.println("busy");
            System.exit(1);
        }
        try (Flock held = lock.get()) {
            System.out.println("locked");
            System.out.flush();
            System.in.transferTo(java.io.OutputStream.nullOutputStream());
        }
    }
}
