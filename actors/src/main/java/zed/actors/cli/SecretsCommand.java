package zed.actors.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import zed.reconciler.secret.HostKey;
import zed.reconciler.secret.KeyFile;
import zed.reconciler.secret.SecretStore;

import java.nio.file.Files;

/**
 * {@code zed secrets}: the host's encrypted secrets (docs/secrets.md). Run on the node's host: each command reads the
 * key and the store itself, with no node in between, so that no value ever crosses the API.
 */
@Command(name = "secrets", description = "The host's encrypted secrets, on the node's host (docs/secrets.md).",
        subcommands = {SecretsCommand.Init.class, SecretsStatusCommand.class, SecretsSetCommand.class, SecretsRotateCommand.class,
                SecretsStatusCommand.Verify.class, SecretsCommand.ExportPubkey.class, SecretsSetCommand.Import.class})
final class SecretsCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "a command is required: zed secrets init | status | set SLOT | rotate SLOT | verify | export-pubkey | import SLOT FILE.age");
    }

    @Command(name = "init", description = "Makes the host key ($ZED_SECRETS_KEY, else $ZED_HOME/secrets.key; mode 0400) unless there is one, and the store <pool>/zed/secrets.")
    static final class Init extends SecretsAction {
        @Override
        public Integer call() {
            var out = out();
            boolean had = Files.exists(place.keyFile());
            HostKey key = had ? KeyFile.load(place.keyFile()) : KeyFile.create(place.keyFile());
            String pool = place.pool();
            boolean made = SecretStore.init(place.store(), pool);
            out.println((had ? "key " : "made key ") + place.keyFile() + " (public key " + key.recipient() + ")");
            out.println((made ? "made store " : "store ") + SecretStore.dataset(pool) + (pool == null ? " in " + place.home().resolve("store") : ""));
            return 0;
        }
    }

    @Command(name = "export-pubkey", description = "Prints the host's public key (age1...): what age -r encrypts to, for zed secrets import.")
    static final class ExportPubkey extends SecretsAction {
        @Override
        public Integer call() {
            out().println(KeyFile.load(place.keyFile()).recipient());
            return 0;
        }
    }
}
