package zed.actors.ui.ssh;

import zed.reconciler.process.Subprocess;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** OpenSSH's own ssh-keygen, run for real: keys made into a test's directory, messages signed as an operator would. */
public final class SshKeygen {
    private final Path dir;

    public SshKeygen(Path dir) {
        this.dir = dir;
    }

    /** Makes a key pair {@code name} and {@code name.pub}; returns the private key's path. */
    public Path key(String name, String type, int bits, String comment) throws Exception {
        Path key = dir.resolve(name);
        List<String> argv = new ArrayList<>(List.of("ssh-keygen", "-q", "-t", type, "-N", "", "-C", comment, "-f", key.toString()));
        if (bits > 0) argv.addAll(List.of("-b", Integer.toString(bits)));
        run(argv);
        return key;
    }

    /** The public key's line, as it goes into authorized_keys. */
    public static String publicLine(Path key) throws Exception {
        return Files.readString(Path.of(key + ".pub")).strip();
    }

    /** {@code ssh-keygen -l}'s fingerprint of the key: SHA256:... */
    public String fingerprint(Path key) throws Exception {
        return run(List.of("ssh-keygen", "-l", "-E", "sha256", "-f", key + ".pub")).split(" ")[1];
    }

    /** The armored signature of {@code message} by {@code key} for {@code namespace}, with ssh-keygen's options {@code -O}. */
    public String sign(Path key, String namespace, String message, String... options) throws Exception {
        Path file = Files.createTempFile(dir, "message", "");
        Files.writeString(file, message, StandardCharsets.US_ASCII);
        List<String> argv = new ArrayList<>(List.of("ssh-keygen", "-Y", "sign", "-f", key.toString(), "-n", namespace));
        for (String o : options) argv.addAll(List.of("-O", o));
        argv.add(file.toString());
        run(argv);
        return Files.readString(Path.of(file + ".sig"));
    }

    /** Runs a shell command line as an operator would type it (the node's printed signing command). */
    public static String shell(String line) throws Exception {
        return run(List.of("bash", "-c", line));
    }

    private static String run(List<String> argv) throws Exception {
        Subprocess.Result r = Subprocess.of(argv, Duration.ofSeconds(60)).run();
        if (r.exit() != 0) throw new IllegalStateException(String.join(" ", argv) + " exited " + r.exit() + ": " + r.stderr());
        return r.stdout();
    }
}
