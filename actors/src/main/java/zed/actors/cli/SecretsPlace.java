package zed.actors.cli;

import picocli.CommandLine;
import picocli.CommandLine.Option;
import zed.reconciler.secret.HostKey;
import zed.reconciler.secret.KeyFile;
import zed.reconciler.secret.SecretStore;
import zed.reconciler.secret.Slot;
import zed.reconciler.store.DirStore;
import zed.reconciler.store.ProcessCommand;
import zed.reconciler.store.Store;
import zed.reconciler.store.ZfsStore;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import java.util.Properties;

/**
 * Where {@code zed secrets} finds the host's secrets: the key ({@code $ZED_SECRETS_KEY}, else {@code $ZED_HOME/secrets.key}), and the store of the
 * node's pool ({@code --pool}, else {@code pool} in {@code $ZED_HOME/agent.conf}, else the dir store in
 * {@code $ZED_HOME/store}), the same places the node reads them from. Mixed into every {@code zed secrets} command.
 */
final class SecretsPlace {
    @Option(names = "--pool", paramLabel = "DATASET", description = "the node's ZFS pool (default: pool in $ZED_HOME/agent.conf, else the dir store)")
    String pool;

    /** Where ZED_HOME is read: this process's environment, or a test's. */
    Map<String, String> env = System.getenv();

    Path home() {
        return ZedCommand.zedHome(env);
    }

    Path keyFile() {
        return KeyFile.located(env, home());
    }

    /** The pool named here or in agent.conf; null for the dir store. */
    String pool() {
        if (pool != null) return pool.isEmpty() ? null : pool;
        Path conf = home().resolve(AgentConf.FILE);
        if (!Files.isRegularFile(conf)) return null;
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(conf)) {
            p.load(r);
        } catch (IOException | IllegalArgumentException e) {
            throw new IllegalStateException("cannot read " + conf + ": " + e.getMessage());
        }
        String v = p.getProperty("pool");
        return v == null || v.isBlank() ? null : v.strip();
    }

    Store store() {
        String p = pool();
        try {
            return p == null ? new DirStore(home().resolve("store")) : ZfsStore.probe(new ProcessCommand(), p);
        } catch (RuntimeException e) {
            throw new IllegalStateException("cannot open the store" + (p == null ? "" : " of pool " + p) + ": " + e.getMessage());
        }
    }

    SecretStore secrets() {
        HostKey key = KeyFile.load(keyFile());
        return new SecretStore(store(), pool(), key, Clock.systemUTC());
    }

    static Slot slot(CommandLine.Model.CommandSpec spec, String name) {
        try {
            return new Slot(name);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
    }
}
