package zed.actors.cluster;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A node's TLS material for Artery, as {@code zed cluster init} wrote it into {@code $ZED_HOME/tls}: its key store,
 * the cluster CA as its trust store, and their password. Mutual authentication: a node whose certificate another
 * CA signed cannot connect, and is not connected to.
 */
public record ClusterTls(Path keyStore, Path trustStore, String password) {
    public static final String DIR = "tls";

    /** The material in {@code stateDir/tls}, null when there is none; incomplete or unreadable material is refused. */
    public static ClusterTls in(Path stateDir) {
        Path dir = stateDir.resolve(DIR);
        if (!Files.exists(dir)) return null;
        Path key = dir.resolve("node.p12"), trust = dir.resolve("trust.p12"), pw = dir.resolve("password");
        for (Path p : new Path[]{key, trust, pw}) {
            if (!Files.isRegularFile(p)) throw new IllegalStateException(dir + " is incomplete: " + p.getFileName() + " is missing (zed cluster init writes node.p12, trust.p12 and password)");
        }
        try {
            return new ClusterTls(key.toAbsolutePath(), trust.toAbsolutePath(), Files.readString(pw).strip());
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + pw + ": " + e.getMessage());
        }
    }

    /** Artery over TLS with this material (HOCON). */
    public String config() {
        return """
                pekko.remote.artery {
                  transport = tls-tcp
                  ssl.config-ssl-engine {
                    key-store = "%s"
                    trust-store = "%s"
                    key-store-password = "%s"
                    key-password = "%s"
                    trust-store-password = "%s"
                    protocol = "TLSv1.3"
                    enabled-algorithms = ["TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384"]
                    require-mutual-authentication = on
                    # each certificate names its host and address: a peer must be the host it claims to be
                    hostname-verification = on
                  }
                }
                """.formatted(quoted(keyStore.toString()), quoted(trustStore.toString()), password, password, password);
    }

    /**
     * The same material for TLS outside Artery (Cluster Bootstrap's endpoint and its probes): this host's key and
     * chain to show, the cluster CA alone to trust.
     */
    public javax.net.ssl.SSLContext sslContext() {
        try {
            char[] pw = password.toCharArray();
            java.security.KeyStore keys = java.security.KeyStore.getInstance("PKCS12");
            try (var in = Files.newInputStream(keyStore)) {
                keys.load(in, pw);
            }
            java.security.KeyStore trust = java.security.KeyStore.getInstance("PKCS12");
            try (var in = Files.newInputStream(trustStore)) {
                trust.load(in, pw);
            }
            javax.net.ssl.KeyManagerFactory kmf = javax.net.ssl.KeyManagerFactory.getInstance(javax.net.ssl.KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(keys, pw);
            javax.net.ssl.TrustManagerFactory tmf = javax.net.ssl.TrustManagerFactory.getInstance(javax.net.ssl.TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(trust);
            javax.net.ssl.SSLContext ctx = javax.net.ssl.SSLContext.getInstance("TLSv1.3");
            ctx.init(kmf.getKeyManagers(), tmf.getTrustManagers(), new java.security.SecureRandom());
            return ctx;
        } catch (IOException | java.security.GeneralSecurityException e) {
            throw new IllegalStateException("cannot read the TLS material in " + keyStore.getParent() + ": " + e.getMessage(), e);
        }
    }

    @Override
    public String toString() {
        return "ClusterTls[" + keyStore + ", " + trustStore + "]"; // never the password
    }

    private static String quoted(String s) {
        return s.replace("\\", "\\\\").replace("\"", "\\\"");
    }
}
