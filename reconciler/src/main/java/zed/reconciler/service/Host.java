package zed.reconciler.service;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * The environment of the Zed node that prepares services: where {@code PATH} lookups happen, and what the tools it
 * runs (tar, git, go) inherit.
 */
record Host(Map<String, String> env) {
    Host {
        env = Map.copyOf(env);
    }

    static Host current() {
        return new Host(System.getenv());
    }

    String path() {
        return env.getOrDefault("PATH", "");
    }

    /** An executable file named {@code command} in a directory of PATH, as a shell would find it. */
    Optional<Path> onPath(String command) {
        for (String dir : path().split(File.pathSeparator)) {
            if (dir.isEmpty()) continue;
            Path candidate = Path.of(dir).resolve(command);
            if (isExecutableFile(candidate)) return Optional.of(candidate);
        }
        return Optional.empty();
    }

    /** A tool that Zed itself needs to prepare a service. */
    Path tool(String service, String command, String why) {
        return onPath(command).orElseThrow(() -> new ServiceError(service, command + " is needed " + why + " but is not on PATH (" + path() + ")"));
    }

    static boolean isExecutableFile(Path p) {
        return Files.isRegularFile(p) && Files.isExecutable(p);
    }
}
