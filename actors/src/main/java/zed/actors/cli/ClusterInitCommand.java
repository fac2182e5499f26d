package zed.actors.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import zed.actors.cluster.ClusterFile;
import zed.actors.cluster.ClusterKeys;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code zed cluster init --host h1=ADDR --host h2=ADDR ...}: everything the hosts of a new cluster share, one
 * directory per host to copy into its {@code $ZED_HOME}: {@code cluster.conf} (the same on every host), one API
 * token for the whole cluster, and the host's TLS material (a key pair the cluster's CA signed, and the CA to trust),
 * which Artery and Cluster Bootstrap's endpoint both use.
 * The CA's own key stays in {@code OUT/ca}, on no host.
 */
@Command(name = "init", description = {"Writes a new cluster's files: one directory per host (copy it into that host's $ZED_HOME),",
        "with cluster.conf, the cluster's API token and the host's TLS key and certificate, signed by a new cluster CA (kept in OUT/ca)."})
final class ClusterInitCommand implements Callable<Integer> {
    @Option(names = "--host", required = true, paramLabel = "NAME=HOST:PORT[,bootstrap=PORT]",
            description = {"a host of the cluster, Artery's address there, and the port of its Cluster Bootstrap endpoint on that address",
                    "(default " + ClusterFile.BOOTSTRAP_PORT + "; give one of its own to a host that shares its address with another); repeat for each host"})
    List<String> hosts;

    @Option(names = "--out", paramLabel = "DIR", description = "where to write (default: ./zed-cluster)")
    Path out = Path.of("zed-cluster");

    @Override
    public Integer call() throws Exception {
        StringBuilder text = new StringBuilder();
        for (String h : hosts) {
            int eq = h.indexOf('=');
            if (eq <= 0) {
                System.err.println("zed cluster init: --host takes NAME=HOST:PORT, not \"" + h + "\"");
                return 2;
            }
            String value = h.substring(eq + 1);
            text.append(h, 0, eq).append(" = ").append(value.contains("bootstrap=") ? value : value + ", bootstrap=" + ClusterFile.BOOTSTRAP_PORT).append('\n');
        }
        ClusterFile file;
        try {
            file = ClusterFile.parse(text.toString());
        } catch (IllegalArgumentException e) {
            // a line of the file is a --host here; a refusal of the whole file names its hosts itself
            System.err.println("zed cluster init: " + e.getMessage().replace(ClusterFile.NAME + ": ", "").replace(ClusterFile.NAME + ":", "--host #"));
            return 2;
        }
        if (Files.exists(out.resolve("ca"))) return exists(out.resolve("ca"));
        for (String name : file.hosts().keySet()) if (Files.exists(out.resolve(name))) return exists(out.resolve(name));
        Files.createDirectories(out);
        ClusterKeys.create(out, file.hosts());
        String token = zed.actors.http.ApiToken.generate();
        for (Map.Entry<String, String> h : file.hosts().entrySet()) {
            Path dir = out.resolve(h.getKey());
            write(dir.resolve(ClusterFile.NAME), file.text(), "rw-r--r--");
            write(dir.resolve("api-token"), token + "\n", "rw-------");
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
        }
        System.out.println("wrote a cluster of " + file.hosts().size() + " hosts in " + out.toAbsolutePath() + ":");
        for (String name : file.hosts().keySet()) {
            System.out.println("  " + out.resolve(name) + "/  copy into " + name + "'s $ZED_HOME (cluster.conf, api-token, tls/), keeping its modes");
        }
        System.out.println("  " + out.resolve("ca") + "/  the cluster CA's key: keep it on no host, and safe");
        System.out.println("then on each host: zed agent --host NAME --journal jdbc:postgresql://...   (the address comes from cluster.conf; the hosts");
        System.out.println("  form the cluster through Cluster Bootstrap once every host listed there answers on its bootstrap port)");
        return 0;
    }

    private static int exists(Path p) {
        System.err.println("zed cluster init: " + p + " exists; a cluster is made once (remove it, or write elsewhere with --out)");
        return 1;
    }

    private static void write(Path f, String content, String mode) throws java.io.IOException {
        Files.writeString(f, content);
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString(mode));
    }

}
