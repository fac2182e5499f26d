package zed.actors.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import zed.actors.http.ApiToken;
import zed.actors.http.ApiTokens;
import zed.actors.http.Scope;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code zed token}: the node's scoped API tokens (docs/security.md). Run on the node's host, as the user the node runs
 * as: each command reads and writes {@code $ZED_HOME/api-tokens} itself, as {@code zed secrets} does its store. No
 * token has to exist first (the node's own, {@code $ZED_HOME/api-token}, is admin and stays), no token crosses the
 * network to make another, and the node reads the file again at its next request: a revoked token is refused at once.
 */
@Command(name = "token", description = "The node's scoped API tokens, on the node's host (docs/security.md).",
        subcommands = {TokenCommand.Create.class, TokenCommand.ListTokens.class, TokenCommand.Revoke.class})
final class TokenCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "a command is required: zed token create NAME --scope read|deploy|admin | list | revoke NAME");
    }

    /** Where the tokens are: the state directory, $ZED_HOME. A mixin (so that ZedCommand hands it a test's environment). */
    @Command
    static final class Place {
        /** Where ZED_HOME is read: this process's environment, or a test's. */
        Map<String, String> env = System.getenv();

        Path home() {
            return ZedCommand.zedHome(env);
        }
    }

    abstract static class Action implements Callable<Integer> {
        @CommandLine.Mixin
        Place place;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        PrintWriter out() {
            return spec.commandLine().getOut();
        }
    }

    @Command(name = "create", description = "Makes a token and prints it, this once: only its hash is kept ($ZED_HOME/api-tokens, mode 0600).")
    static final class Create extends Action {
        @Parameters(index = "0", paramLabel = "NAME", description = "who or what uses it: ci, grafana, alice")
        String name;

        @Option(names = "--scope", required = true, paramLabel = "SCOPE", description = "read (reads only), deploy (also up, down, rollback, move, promote) or admin (everything)")
        String scope;

        @Override
        public Integer call() {
            Scope s;
            try {
                s = Scope.of(scope);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--scope: " + e.getMessage());
            }
            String bad = ApiTokens.badName(name);
            if (bad != null) throw new CommandLine.ParameterException(spec.commandLine(), bad);
            String token;
            try {
                token = ApiTokens.create(place.home(), name, s, Instant.now().truncatedTo(ChronoUnit.SECONDS));
            } catch (IllegalArgumentException e) {
                throw new IllegalStateException(e.getMessage());
            }
            out().println(token);
            out().flush();
            spec.commandLine().getErr().println("zed: token \"" + name + "\" (" + s.word() + ") made; it is shown this once: use it as ZED_TOKEN, or Authorization: Bearer");
            return 0;
        }
    }

    @Command(name = "list", description = "Lists the tokens: name, scope, when made, when last used (to the minute); never a token or its hash.")
    static final class ListTokens extends Action {
        @Override
        public Integer call() {
            Path home = place.home();
            Map<String, Instant> used = ApiTokens.lastUsed(home);
            List<String[]> rows = new ArrayList<>();
            rows.add(new String[]{"NAME", "SCOPE", "CREATED", "LAST USED"});
            Path node = ApiToken.file(home);
            if (Files.exists(node)) {
                String made;
                try {
                    made = Files.getLastModifiedTime(node).toInstant().truncatedTo(ChronoUnit.SECONDS).toString();
                } catch (java.io.IOException e) {
                    made = "-";
                }
                rows.add(new String[]{ApiTokens.NODE, Scope.ADMIN.word(), made, when(used.get(ApiTokens.NODE))});
            }
            for (ApiTokens.Entry e : ApiTokens.read(home)) rows.add(new String[]{e.name(), e.scope().word(), e.created().toString(), when(used.get(e.name()))});
            out().print(zed.reconciler.Columns.render(rows));
            out().flush();
            return 0;
        }

        private static String when(Instant t) {
            return t == null ? "never" : t.toString();
        }
    }

    @Command(name = "revoke", description = "Removes a token: the node refuses it from its next request on.")
    static final class Revoke extends Action {
        @Parameters(index = "0", paramLabel = "NAME")
        String name;

        @Override
        public Integer call() {
            if (ApiTokens.NODE.equals(name)) {
                throw new IllegalStateException("\"node\" is the node's own token: to replace it, remove " + ApiToken.file(place.home())
                        + " and restart the node, which writes a new one");
            }
            if (!ApiTokens.revoke(place.home(), name)) throw new IllegalStateException("no token named \"" + name + "\" (zed token list)");
            out().println("revoked " + name);
            return 0;
        }
    }
}
