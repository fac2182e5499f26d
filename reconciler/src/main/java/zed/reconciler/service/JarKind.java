package zed.reconciler.service;

import zed.config.LevelSpec.ServiceSpec;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.JarFile;
import java.util.jar.Manifest;

/** {@code service "jar"}: {@code java -jar <jar>}, with java from JAVA_HOME, else from PATH. */
record JarKind() implements ServiceKind {
    @Override
    public Prepared prepare(ServiceSpec spec, Paths paths, Host host) {
        Path jar = Path.of(spec.jar());
        if (!Files.isRegularFile(jar)) throw new ServiceError(spec.ref(), "jar " + jar + " does not exist");
        boolean own = spec.runtime() != null && !spec.runtime().cmd().isEmpty();
        String mainClass = mainClass(spec.ref(), jar);
        List<String> argv;
        if (own) {
            argv = spec.runtime().cmd();
            ExecKind.checkCommand(spec.ref(), argv, paths.home(), host);
        } else {
            if (mainClass == null) {
                throw new ServiceError(spec.ref(), "jar " + jar + " has no Main-Class in its manifest, so java -jar cannot run it; "
                        + "set runtime.cmd, e.g. [\"java\", \"-cp\", \"" + jar + "\", \"com.example.Main\"]");
            }
            argv = List.of(java(spec.ref(), host).toString(), "-jar", jar.toString());
        }
        try {
            return new Prepared(argv, paths.home(), Trees.sha256(jar));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The Main-Class of the jar's manifest, or null; reading it also proves that the file is a jar. */
    private static String mainClass(String service, Path jar) {
        try (JarFile f = new JarFile(jar.toFile())) {
            Manifest m = f.getManifest();
            return m == null ? null : m.getMainAttributes().getValue("Main-Class");
        } catch (IOException e) {
            throw new ServiceError(service, "jar " + jar + " is not a jar file (" + e.getMessage() + ")");
        }
    }

    /** JAVA_HOME wins when set, as it does for every Java tool; a JAVA_HOME without java is an error, not a hint to look elsewhere. */
    static Path java(String service, Host host) {
        String javaHome = host.env().get("JAVA_HOME");
        if (javaHome != null && !javaHome.isBlank()) {
            Path java = Path.of(javaHome, "bin", "java");
            if (!Host.isExecutableFile(java)) throw new ServiceError(service, "JAVA_HOME is " + javaHome + " but " + java + " does not exist");
            return java;
        }
        return host.onPath("java").orElseThrow(() -> new ServiceError(service,
                "java is needed to run the jar but JAVA_HOME is not set and java is not on PATH (" + host.path() + ")"));
    }
}
