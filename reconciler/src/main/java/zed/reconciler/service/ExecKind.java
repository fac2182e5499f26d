package zed.reconciler.service;

import zed.config.LevelSpec.ServiceSpec;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** {@code service "exec"}: a command already on the host. Nothing to build; only check that it is there. */
record ExecKind() implements ServiceKind {
    @Override
    public Prepared prepare(ServiceSpec spec, Paths paths, Host host) {
        List<String> cmd = spec.runtime() == null ? List.of() : spec.runtime().cmd();
        if (cmd.isEmpty()) throw new ServiceError(spec.ref(), "runtime.cmd is empty; an exec service runs the command given there");
        // inside a jail the command is the jail's, not the host's: the jail reports it missing when it starts
        if (spec.jail() == null) checkCommand(spec.ref(), cmd, paths.home(), host);
        // nothing is built: the resolved spec, which holds the command, is all that can change
        return new Prepared(cmd, paths.home(), null);
    }

    /**
     * Checks that {@code runtime.cmd[0]} can run: an absolute path, a path relative to the home, or a name on PATH
     * (the supervisor starts it with the node's PATH, so that is where it is looked up).
     */
    static void checkCommand(String service, List<String> cmd, Path home, Host host) {
        String exe = cmd.get(0);
        String shown = "runtime.cmd[0] \"" + exe + "\"";
        if (exe.isEmpty()) throw new ServiceError(service, "runtime.cmd[0] is empty");
        if (!exe.contains("/")) {
            if (host.onPath(exe).isEmpty()) throw new ServiceError(service, shown + " is not on PATH (" + host.path() + ")");
            return;
        }
        Path p = home.resolve(exe);
        if (!Files.exists(p)) {
            throw new ServiceError(service, shown + " does not exist" + (Path.of(exe).isAbsolute() ? "" : " (looked in " + home + ")"));
        }
        if (!Host.isExecutableFile(p)) throw new ServiceError(service, shown + " is not an executable file");
    }
}
