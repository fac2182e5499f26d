package zed.config;

import zed.config.eval.Host;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/** A host for tests: a settable environment, real files, and ports handed out from a counter (busy ones settable). */
public final class TestHost implements Host {
    public final Map<String, String> env = new HashMap<>();
    public final Set<Integer> busy = new HashSet<>();
    private final Path tmp;
    private int next;

    public TestHost(Path tmp) {
        this(tmp, 20000);
    }

    /** @param firstPort the first port handed out; the next ones count up from it */
    public TestHost(Path tmp, int firstPort) {
        this.tmp = tmp;
        this.next = firstPort;
    }

    @Override
    public String env(String name) {
        return env.get(name);
    }

    @Override
    public byte[] readFile(Path path) throws IOException {
        return Files.readAllBytes(path);
    }

    @Override
    public boolean portAvailable(int port) {
        return !busy.contains(port);
    }

    @Override
    public int freePort(Set<Integer> taken) {
        while (taken.contains(next) || busy.contains(next)) next++;
        return next++;
    }

    @Override
    public void createDirectories(Path dir) throws IOException {
        Files.createDirectories(dir);
    }

    @Override
    public Path tmpDir() {
        return tmp;
    }
}
