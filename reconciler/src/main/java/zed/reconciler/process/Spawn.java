package zed.reconciler.process;

import jnr.constants.platform.OpenFlags;
import jnr.posix.SpawnAttribute;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * Starts a process that outlives this node: posix_spawn(3) with POSIX_SPAWN_SETPGROUP, so that it leads a process
 * group of its own from its first instruction and a stop can signal the group. No setsid(1), which FreeBSD's base
 * system lacks, and no process of ours between the JVM and the command. stdin is /dev/null; stdout and stderr are
 * appended to files (created 0600: logs may hold what a service prints about its secrets).
 *
 * @param argv        the command; {@code argv[0]} an absolute path, since posix_spawnp would search the JVM's PATH,
 *                    not the one in {@code environment}
 * @param environment the whole environment of the command
 * @param directory   its working directory; null for the JVM's
 * @param stdout      appended to; the same file as {@code stderr} takes both
 * @param as          the account it runs as; null for this JVM's own. posix_spawn cannot change uids, so setpriv(1)
 *                    does, first, and execs the rest: the pid, the group and the start time stay the process's, and
 *                    the working directory is entered as the account (one it cannot enter fails the start)
 */
public record Spawn(List<String> argv, Map<String, String> environment, Path directory, Path stdout, Path stderr, RunAs as) {
    /**
     * posix_spawn has no "change directory" in jnr-posix (posix_spawn_file_actions_addchdir is new in POSIX 2024 and
     * missing from older C libraries), and changing the JVM's own would move every thread: a POSIX sh changes it and
     * execs the command, which keeps the pid, the group and the start time. The directory and argv reach it as
     * arguments, never as shell text.
     */
    private static final String IN_DIRECTORY = "cd -- \"$1\" || exit 127; shift; exec \"$@\"";
    private static final String SH = "/bin/sh";
    private static final int APPEND = OpenFlags.O_WRONLY.intValue() | OpenFlags.O_CREAT.intValue() | OpenFlags.O_APPEND.intValue();
    private static final int LOG_MODE = 0600;

    /** A started process: its pid, which is also its process group id, and its exit code once it has exited. */
    public record Spawned(long pid, CompletableFuture<Integer> exit) {
    }

    public Spawn(List<String> argv, Map<String, String> environment, Path directory, Path stdout, Path stderr) {
        this(argv, environment, directory, stdout, stderr, null);
    }

    public Spawn {
        argv = List.copyOf(argv);
        environment = Map.copyOf(environment);
        if (argv.isEmpty() || !Path.of(argv.get(0)).isAbsolute()) throw new IllegalArgumentException("spawn needs an absolute program path: " + argv);
    }

    /** @throws CannotStart when posix_spawn fails, with the C library's reason */
    public Spawned start() throws CannotStart {
        Map<String, String> env = envp();
        List<String> command = command(env);
        List<String> envp = env.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).toList();
        long pid = SpawnCalls.spawn(command, envp, fileActions(), true, (short) SpawnAttribute.SETPGROUP);
        return new Spawned(pid, Reaper.watch(pid));
    }

    /**
     * What is spawned: setpriv first where it runs as another account, the shell that enters its directory, the command.
     *
     * @param env the spawn's environment ({@link #envp}), whose carried variables the shell restores
     */
    List<String> command(Map<String, String> env) throws CannotStart {
        List<String> command = new ArrayList<>();
        if (as != null) {
            String setpriv = RunAs.setpriv().orElseThrow(() -> new CannotStart(argv.get(0),
                    "running as user \"" + as.user() + "\" needs setpriv(1) (util-linux), which this host lacks", null)).toString();
            command.addAll(as.dropTo(setpriv, false));
        }
        String restore = LoaderVariables.anyMoved(env) ? LoaderVariables.RESTORE : "";
        if (directory != null || !restore.isEmpty()) {
            command.addAll(List.of(SH, "-c", restore + IN_DIRECTORY, "sh", directory == null ? "." : directory.toAbsolutePath().toString()));
        }
        command.addAll(argv);
        return command;
    }

    /** The environment of the spawn: as the command's, but what the loader would act on as root carried under other names until the drop. */
    Map<String, String> envp() throws CannotStart {
        if (as == null) return environment;
        try {
            return LoaderVariables.carried(environment);
        } catch (IllegalArgumentException e) {
            throw new CannotStart(argv.get(0), e.getMessage(), null);
        }
    }

    /**
     * stdin, stdout and stderr, then every other descriptor closed in the child: the JVM's own (opened without
     * close-on-exec) and any another thread opened a moment ago, such as the pipe through which the JDK learns that
     * a zfs command started. A service holding that keeps the JDK waiting in ProcessBuilder.start for ever.
     */
    private List<SpawnCalls.Action> fileActions() {
        List<SpawnCalls.Action> actions = new ArrayList<>();
        actions.add(new SpawnCalls.Action.Open(0, "/dev/null", OpenFlags.O_RDONLY.intValue(), 0));
        actions.add(new SpawnCalls.Action.Open(1, stdout.toString(), APPEND, LOG_MODE));
        actions.add(stderr.equals(stdout) ? new SpawnCalls.Action.Dup(1, 2) : new SpawnCalls.Action.Open(2, stderr.toString(), APPEND, LOG_MODE));
        actions.add(new SpawnCalls.Action.CloseFrom(3));
        return actions;
    }
}
