package zed.actors.cli;

import picocli.CommandLine;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;

/**
 * {@code $ZED_HOME/agent.conf}: every flag of {@code zed agent} as a line {@code name = value} (the flag without its
 * dashes; a repeatable flag's values separated by commas, e.g. {@code seed = 10.0.0.1:25520,10.0.0.2:25520}). A flag
 * on the command line wins over the file. The file is read by picocli as the agent's defaults, so a value in it is
 * parsed and checked exactly as the flag's would be.
 */
final class AgentConf implements CommandLine.IDefaultValueProvider {
    static final String FILE = "agent.conf";
    private Properties loaded;

    /** {@code $ZED_AGENT_CONF} (the units' /etc/zed/agent.conf), else {@code $ZED_HOME/agent.conf}. */
    static Path file() {
        String f = System.getenv("ZED_AGENT_CONF");
        if (f != null && !f.isEmpty()) return Path.of(f).toAbsolutePath();
        return ZedCommand.zedHome().resolve(FILE);
    }

    @Override
    public String defaultValue(CommandLine.Model.ArgSpec arg) {
        if (!(arg instanceof CommandLine.Model.OptionSpec o)) return null;
        return properties().getProperty(o.longestName().replaceFirst("^-+", ""));
    }

    private Properties properties() {
        if (loaded != null) return loaded;
        Properties p = new Properties();
        Path f = file();
        if (Files.isRegularFile(f)) {
            try (Reader r = Files.newBufferedReader(f)) {
                p.load(r);
            } catch (IOException | IllegalArgumentException e) {
                throw new IllegalStateException("cannot read " + f + ": " + e.getMessage());
            }
        }
        return loaded = p;
    }

    /**
     * What is wrong with the file, null when nothing: a name that is no flag (a typo would otherwise be ignored), or a
     * journal URL (which holds the database's password) in a file others may read.
     */
    String problem(CommandLine.Model.CommandSpec agent) {
        Properties p = properties();
        Set<String> flags = new TreeSet<>();
        for (CommandLine.Model.OptionSpec o : agent.options()) flags.add(o.longestName().replaceFirst("^-+", ""));
        flags.removeAll(Set.of("help", "version"));
        for (String k : p.stringPropertyNames()) {
            if (!flags.contains(k)) return file() + ": \"" + k + "\" is not a flag of zed agent (" + String.join(", ", flags) + ")";
        }
        if (p.containsKey("journal")) {
            try {
                Set<PosixFilePermission> perms = Files.getPosixFilePermissions(file());
                if (perms.contains(PosixFilePermission.GROUP_READ) || perms.contains(PosixFilePermission.OTHERS_READ)) {
                    return file() + " holds the journal's URL (and its password) but others may read it: chmod 600 " + file();
                }
            } catch (IOException | UnsupportedOperationException ignored) {
                // no POSIX permissions to check here
            }
        }
        return null;
    }
}
