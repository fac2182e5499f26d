package zed.reconciler.ops;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import zed.reconciler.host.HookStep;
import zed.reconciler.host.ShellCommand;
import zed.reconciler.store.StoreError;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code sudoApply}: a sudo hook's apply that zed ops runs as root ({@code /bin/sh -c}) for an unprivileged agent,
 * only where the host's operator listed the exact text in the allow file: ops running whatever text the agent sends
 * would make the agent root. The file is read at each request, so an operator's edit counts at once; one that
 * someone but root could have written is no operator's word, and while it is so every apply is refused, saying why.
 * The agent runs check and verify itself, unprivileged.
 *
 * @param file    the allow list ({@link SudoAllowed}), root's, writable by root alone, in a directory likewise
 * @param timeout the most an apply may take before it is killed (SIGTERM, then SIGKILL)
 */
record SudoApply(Path file, Duration timeout) {
    /** What a command on a host usually finds where ops itself was started without a PATH. */
    private static final String PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

    /** @throws StoreError why the request is refused: a name or text out of the rules, or a text the operator did not allow */
    void check(JsonNode req) {
        SudoRequest r = SudoRequest.of(req);
        String allow = "to allow it, as root: echo '" + SudoAllowed.line(r.digest(), r.name()) + "' >> " + file;
        SudoAllowed list = allowed();
        if (list == null) throw refused(r, "there is no " + file + " (zed ops --sudo-allowed), the list of the applies its operator allowed; " + allow);
        if (!list.allows(r.digest())) throw refused(r, "its text (sha256 " + r.digest() + ") is not in " + file + "; " + allow);
    }

    /** Runs an allowed apply to its end or deadline: its exit and stderr's last lines, or why it did not run to an exit. */
    JsonNode run(JsonNode req) {
        SudoRequest r = SudoRequest.of(req);
        HookStep s;
        try {
            s = ShellCommand.step("apply", List.of("/bin/sh", "-c", r.command()), environment(System.getenv()), timeout);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StoreError(StoreError.Kind.OTHER, r.name(), "zed ops stopped while the apply ran");
        }
        ObjectNode out = Frames.JSON.createObjectNode().put("exit", s.exit()).put("stderr", s.stderrTail());
        if (s.failure() != null) out.put("failure", s.failure());
        return out;
    }

    /** Root's: ops's own PATH, LANG and TZ, HOME /root, and nothing the agent chose. */
    static Map<String, String> environment(Map<String, String> own) {
        Map<String, String> env = new TreeMap<>();
        env.put("PATH", own.getOrDefault("PATH", PATH));
        for (String k : List.of("LANG", "TZ")) if (own.containsKey(k)) env.put(k, own.get(k));
        env.put("HOME", "/root");
        return env;
    }

    /** The allow list as the file says now; null while there is none; a refusal saying why while it is broken or not root's alone. */
    private SudoAllowed allowed() {
        try {
            PosixFileAttributes a = Files.readAttributes(file, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            if (!a.isRegularFile()) throw untrusted(file + " is not a plain file (a link, a directory)");
            String why = writableByOthers(file, a);
            if (why == null) why = writableByOthers(file.toAbsolutePath().getParent(), null);
            if (why != null) throw untrusted(why);
            return SudoAllowed.parse(Files.readString(file), file.toString());
        } catch (NoSuchFileException e) {
            return null;
        } catch (IOException e) {
            throw untrusted("cannot read " + file + ": " + e.getMessage());
        } catch (IllegalArgumentException broken) {
            throw untrusted(broken.getMessage());
        }
    }

    /** Null when only root may write {@code p}; else why not, and the command that mends it. */
    private static String writableByOthers(Path p, PosixFileAttributes known) throws IOException {
        PosixFileAttributes a = known != null ? known : Files.readAttributes(p, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        int uid = (Integer) Files.getAttribute(p, "unix:uid", LinkOption.NOFOLLOW_LINKS);
        if (uid != 0) return p + " is owned by uid " + uid + ", not root (chown root " + p + ")";
        if (a.permissions().contains(PosixFilePermission.GROUP_WRITE) || a.permissions().contains(PosixFilePermission.OTHERS_WRITE)) {
            return p + " may be written by its group or others (" + PosixFilePermissions.toString(a.permissions()) + "; chmod go-w " + p + ")";
        }
        return null;
    }

    private StoreError untrusted(String why) {
        return new StoreError(StoreError.Kind.PERMISSION, file.toString(), "every sudo apply is refused: " + why);
    }

    private static StoreError refused(SudoRequest r, String why) {
        return new StoreError(StoreError.Kind.PERMISSION, r.name(), why);
    }
}
