package zed.reconciler.process;

import zed.reconciler.host.Await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** A pid that a test's shell writes ({@code echo $! > file}), read once the whole line is there. */
final class PidFile {
    private PidFile() {
    }

    static long await(Path file) {
        Await.until(file + " is written", () -> read(file).endsWith("\n"));
        return Long.parseLong(read(file).strip());
    }

    private static String read(Path f) {
        try {
            return Files.readString(f);
        } catch (IOException e) {
            return ""; // not there yet
        }
    }
}
