package zed.actors.cli;

import picocli.CommandLine;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * A {@code zed} command run in this JVM with an environment of the test's own ({@link ZedCommand#commandLine(Map, String...)}),
 * its exit code and what it printed; System.out and System.err are the command's while it runs (some commands print there).
 */
record CliRun(int exit, String out, String err) {
    static CliRun run(Map<String, String> env, String... args) {
        return withInput(new byte[0], env, args);
    }

    /** The same, with {@code stdin} as the command's standard input. */
    static CliRun withInput(byte[] stdin, Map<String, String> env, String... args) {
        java.io.InputStream stdinBefore = System.in;
        System.setIn(new java.io.ByteArrayInputStream(stdin));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream stdout = System.out;
        PrintStream stderr = System.err;
        PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
        PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8);
        System.setOut(o);
        System.setErr(e);
        try {
            CommandLine cl = ZedCommand.commandLine(env, args);
            cl.setOut(new PrintWriter(o, true));
            cl.setErr(new PrintWriter(e, true));
            int exit = cl.execute(args);
            return new CliRun(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(stdout);
            System.setErr(stderr);
            System.setIn(stdinBefore);
        }
    }

    List<String> errLines() {
        return err.isEmpty() ? List.of() : List.of(err.split("\n"));
    }

    @Override
    public String toString() {
        return "exit " + exit + "\n--- stdout ---\n" + out + "--- stderr ---\n" + err;
    }
}
