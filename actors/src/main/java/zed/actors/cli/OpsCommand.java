package zed.actors.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import zed.reconciler.ops.AuditLog;
import zed.reconciler.ops.OpsRules;
import zed.reconciler.ops.OpsServer;
import zed.reconciler.store.ProcessCommand;
import zed.reconciler.store.StoreError;
import zed.reconciler.store.ZfsStore;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;

@Command(name = "ops", description = {"Runs the privileged side of Zed in the foreground (as root): typed ZFS operations on the datasets under the",
        "managed roots, served on a Unix socket to the agent's user only (zed agent --ops-socket). Refusals and destructive",
        "operations go to an append-only audit log. Stop it with Ctrl-C or SIGTERM."})
final class OpsCommand implements Callable<Integer> {
    @Option(names = "--socket", paramLabel = "PATH", description = "the Unix socket (default /run/zed/ops.sock), made 0660")
    Path socket = OpsServer.DEFAULT_SOCKET;

    @Option(names = "--group", paramLabel = "GROUP", description = "the socket's group, the agent's (default zed)")
    String group = "zed";

    @Option(names = "--agent-user", paramLabel = "USER", description = "the user served besides root, the agent's (default zed)")
    String agentUser = "zed";

    @Option(names = "--root", paramLabel = "DATASET", required = true, description = "a managed root (repeatable): the datasets at and under it are served, no other")
    List<String> roots = new ArrayList<>();

    @Option(names = "--mount-under", paramLabel = "DIR", description = "a directory a mountpoint may be set under (repeatable; default /POOL of each root)")
    List<Path> mountUnder = new ArrayList<>();

    @Option(names = "--audit", paramLabel = "PATH", description = "the append-only audit log, 0600 (default /var/log/zed/ops-audit.log)")
    Path audit = Path.of("/var/log/zed/ops-audit.log");

    @Option(names = "--service-user", paramLabel = "USER", description = {"a user the agent's services may run as (repeatable; default zed-svc);",
            "root only where named, --service-user none for no services"})
    List<String> serviceUsers = new ArrayList<>(List.of("zed-svc"));

    @Option(names = "--service-group", paramLabel = "GROUP", description = "a group a service may take instead of its user's own (repeatable; default none)")
    List<String> serviceGroups = new ArrayList<>();

    @Option(names = "--service-logs", paramLabel = "DIR", description = "where the services' logs go, a directory per service (default /var/log/zed/services)")
    Path serviceLogs = Path.of("/var/log/zed/services");

    @Option(names = "--state", paramLabel = "DIR", description = "ops's own state: the processes it started (default /var/lib/zed/ops)")
    Path state = Path.of("/var/lib/zed/ops");

    @Option(names = "--secrets-key", paramLabel = "PATH", description = "the host key of the secrets' store, which ops alone reads (default $ZED_SECRETS_KEY, else $ZED_HOME/secrets.key)")
    Path secretsKey;

    @Option(names = "--secrets-pool", paramLabel = "POOL", description = "the pool whose zed/secrets holds the store (default the first --root's pool)")
    String secretsPool;

    @Option(names = "--sudo-allowed", paramLabel = "PATH", description = {"the sudo hooks' applies it runs as root for the agent: lines \"SHA256  level/service/hook\",",
            "root's, writable by root alone, read at each request (default /etc/zed/sudo-allowed; missing: every apply refused)"})
    Path sudoAllowed = zed.reconciler.ops.SudoAllowed.DEFAULT_FILE;

    @Override
    public Integer call() throws Exception {
        if (!"root".equals(System.getProperty("user.name"))) {
            System.err.println("zed ops: runs as root (it does what the agent may not); the agent runs as --agent-user " + agentUser);
            return 1;
        }
        OpsRules rules;
        List<Path> under = new ArrayList<>(mountUnder);
        if (under.isEmpty()) for (String r : roots) under.add(Path.of("/" + r.split("/")[0]));
        try {
            rules = new OpsRules(roots, under);
        } catch (IllegalArgumentException | StoreError e) {
            System.err.println("zed ops: " + e.getMessage());
            return 2;
        }
        java.nio.file.Files.createDirectories(audit.toAbsolutePath().getParent());
        zed.reconciler.ops.OpsServices services = null;
        if (!serviceUsers.equals(List.of("none"))) {
            try {
                Path key = (secretsKey != null ? secretsKey : zed.reconciler.secret.KeyFile.located(System.getenv(), ZedCommand.zedHome())).toAbsolutePath();
                String pool = secretsPool != null ? secretsPool : roots.get(0).split("/")[0];
                ZfsStore[] store = new ZfsStore[1];
                services = new zed.reconciler.ops.OpsServices(new zed.reconciler.ops.ServiceRules(Set.copyOf(serviceUsers), Set.copyOf(serviceGroups)),
                        serviceLogs.toAbsolutePath(), state.toAbsolutePath().resolve("started.json"),
                        consumer -> new zed.reconciler.secret.StoredSecrets(() -> {
                            synchronized (store) {
                                if (store[0] == null) store[0] = ZfsStore.probe(new ProcessCommand(), pool);
                            }
                            return new zed.reconciler.secret.SecretStore(store[0], pool, zed.reconciler.secret.KeyFile.load(key), java.time.Clock.systemUTC());
                        }).forService(consumer));
            } catch (java.io.IOException e) {
                System.err.println("zed ops: cannot read the processes it started (" + state.resolve("started.json") + "): " + e.getMessage());
                return 1;
            }
        }
        OpsServer ops = new OpsServer(socket.toAbsolutePath(), group, Set.of(agentUser), rules, new AuditLog(audit.toAbsolutePath()),
                pool -> ZfsStore.probe(new ProcessCommand(), pool), services).sudoAllowed(sudoAllowed);
        try {
            ops.start();
        } catch (java.io.IOException e) {
            System.err.println("zed ops: " + e.getMessage());
            return 1;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                ops.close();
            } catch (java.io.IOException ignored) {
                // the socket file goes with the next start
            }
        }));
        System.err.println("zed ops: serving root and user " + agentUser + " on " + socket.toAbsolutePath() + " (group " + group + ", mode 0660), roots " + roots
                + ", audit log " + audit.toAbsolutePath() + (services == null ? "; starts no services" : "; starts services as " + serviceUsers
                + (serviceGroups.isEmpty() ? "" : " (groups " + serviceGroups + ")") + ", their logs in " + serviceLogs.toAbsolutePath())
                + "; runs the sudo hooks' applies listed in " + sudoAllowed.toAbsolutePath());
        ops.awaitClosed();
        return 0;
    }
}
