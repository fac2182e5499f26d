package zed.actors.level;

import org.apache.pekko.actor.typed.ActorRef;
import zed.config.LevelSpec;
import zed.reconciler.host.Privilege;
import zed.reconciler.host.PrivilegeCommand;
import zed.reconciler.host.SudoHooks;
import zed.reconciler.ops.OpsPrivilege;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * {@code zed sudo}: the {@code sudo} hooks of the level's services, on this host, in order: check unprivileged, apply
 * as root, verify. The apply goes through zed ops where the node has an ops socket (ops runs only the texts its
 * operator allowed), else through the privilege command (ZED_SUDO_COMMAND or the system property zed.sudo.command,
 * default "sudo /bin/sh -c"). Never part of a converge: only an operator's request runs them.
 */
final class LevelSudo {
    private LevelSudo() {
    }

    static void run(LevelHost host, RevisionLog s, ActorRef<LevelCommand.SudoRan> replyTo) {
        if (!s.exists() || s.desiredSpec() == null) {
            replyTo.tell(new LevelCommand.SudoRan(List.of(), "no such level: " + s.level()));
            return;
        }
        LevelSpec spec = s.desiredSpec();
        CompletableFuture.supplyAsync(() -> hooks(s.level(), spec, privilege(host)), host.work().processes())
                .whenComplete((ran, e) -> replyTo.tell(e == null ? ran
                        : new LevelCommand.SudoRan(List.of(), (e.getCause() != null ? e.getCause() : e).getMessage())));
    }

    /** zed ops with an ops socket: the agent's user then is no sudoer, and ops holds the operator's allow list. */
    private static Privilege privilege(LevelHost host) {
        if (host.config().opsSocket() != null) return new OpsPrivilege(host.config().opsSocket());
        String prefix = System.getProperty("zed.sudo.command", System.getenv().getOrDefault("ZED_SUDO_COMMAND", ""));
        List<String> command = prefix.isBlank() ? SudoHooks.DEFAULT_PRIVILEGE : List.of(prefix.trim().split("\\s+"));
        return new PrivilegeCommand(command, SudoHooks.DEFAULT_TIMEOUT, System.getenv());
    }

    private static LevelCommand.SudoRan hooks(String level, LevelSpec spec, Privilege privilege) {
        SudoHooks hooks = new SudoHooks(privilege, SudoHooks.DEFAULT_TIMEOUT, System.getenv());
        List<LevelCommand.HookRun> out = new ArrayList<>();
        try {
            for (LevelSpec.ServiceSpec svc : spec.services()) {
                for (SudoHooks.Report r : hooks.run(level, svc.ref(), svc.sudo())) {
                    out.add(new LevelCommand.HookRun(svc.ref(), r.hook().name(), r.outcome().name(), r.detail()));
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new LevelCommand.SudoRan(out, "interrupted while running the hooks");
        }
        return new LevelCommand.SudoRan(out, null);
    }
}
