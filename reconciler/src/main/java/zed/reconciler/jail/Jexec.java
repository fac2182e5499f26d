package zed.reconciler.jail;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The argv that runs a command in a FreeBSD jail (Bastille's too: it names jails after themselves). */
final class Jexec {
    private Jexec() {
    }

    /**
     * {@code jexec <name> cmd...}. jexec starts in the jail's "/" and has no option for another directory, so for
     * one a POSIX sh inside the jail changes into it and then becomes the command (exec), keeping its pid.
     */
    static List<String> wrap(String name, String workdir, List<String> cmd) {
        JailNames.check(name);
        if (workdir == null || !workdir.startsWith("/") || !Path.of(workdir).normalize().toString().equals(workdir)) {
            throw new JailError(name, JailError.Kind.INVALID, "working directory \"" + workdir + "\" must be an absolute, normalised path inside the jail");
        }
        if (cmd.isEmpty()) throw new JailError(name, JailError.Kind.INVALID, "no command to run");
        List<String> a = new ArrayList<>(List.of(FreeBsdJail.JEXEC, name));
        if (!workdir.equals("/")) a.addAll(List.of("/bin/sh", "-c", "cd \"$1\" || exit 126; shift; exec \"$@\"", "zed-chdir", workdir));
        a.addAll(cmd);
        return a;
    }
}
