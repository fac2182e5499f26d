package zed.config.fuzz;

import zed.config.eval.Host;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;

/**
 * A host that is all answers and no I/O, so that a million evaluations touch no disk and give the same result every
 * time: a fixed environment, a {@code file()} that reads back its own path (a name with "missing" in it is absent),
 * ports counted up from 20000 (8080 busy), and directories that are never made.
 */
public final class FuzzHost implements Host {
    public static final Map<String, String> ENV = Map.of("HOME", "/home/fuzz", "MODE", "dev", "RELEASE_COOKIE", "c00k1e", "EMPTY", "");
    private int next = 20000;

    @Override
    public String env(String name) {
        return ENV.get(name);
    }

    @Override
    public byte[] readFile(Path path) throws IOException {
        if (path.toString().contains("missing")) throw new NoSuchFileException(path.toString());
        return ("contents of " + path + "\n").getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public boolean portAvailable(int port) {
        return port != 8080;
    }

    @Override
    public int freePort(Set<Integer> taken) {
        while (taken.contains(next) || next == 8080) next++;
        return next++;
    }

    @Override
    public void createDirectories(Path dir) {
        // nothing is made: the fuzzer evaluates, it never deploys
    }

    @Override
    public Path tmpDir() {
        return Path.of("/tmp");
    }
}
