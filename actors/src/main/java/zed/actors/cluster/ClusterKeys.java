package zed.actors.cluster;

import zed.reconciler.process.Subprocess;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * The TLS material of a cluster: a cluster CA, and for every host a key pair with a certificate the CA signed (its
 * name and address as subject alternative names, for client and server use), in PKCS12 stores that Artery's
 * {@code ConfigSSLEngineProvider} reads. Made with the JDK's own {@code keytool}, which does certificates right;
 * the JDK has no public API that signs one. Passwords go to keytool through its environment ({@code -storepass:env}),
 * never its command line, which {@code ps} shows.
 *
 * <p>Per host, under {@code out/<host>/tls}: {@code node.p12} (its key and chain), {@code trust.p12} (the CA's
 * certificate only) and {@code password} (of both). The CA's key stays in {@code out/ca}, for no host.
 */
public final class ClusterKeys {
    static final Duration KEYTOOL = Duration.ofMinutes(1);
    static final String PASSWORD_VAR = "ZED_KEYSTORE_PASSWORD";
    static final String CA_PASSWORD_VAR = "ZED_CA_PASSWORD";

    private ClusterKeys() {
    }

    /** Makes the CA in {@code out/ca} and every host's material in {@code out/<host>/tls}. */
    public static void create(Path out, Map<String, String> hosts) throws IOException, InterruptedException {
        Path ca = privateDir(out.resolve("ca"));
        String caPassword = password();
        write(ca.resolve("password"), caPassword);
        Path caStore = ca.resolve("ca.p12");
        Path caCert = ca.resolve("ca.pem");
        keytool(Map.of(CA_PASSWORD_VAR, caPassword), "-genkeypair", "-alias", "ca", "-keyalg", "EC", "-groupname", "secp256r1",
                "-dname", "CN=zed cluster CA", "-ext", "bc:c", "-ext", "ku:c=keyCertSign,cRLSign", "-validity", "3650",
                "-storetype", "PKCS12", "-keystore", caStore.toString(), "-storepass:env", CA_PASSWORD_VAR);
        keytool(Map.of(CA_PASSWORD_VAR, caPassword), "-exportcert", "-rfc", "-alias", "ca", "-keystore", caStore.toString(),
                "-storepass:env", CA_PASSWORD_VAR, "-file", caCert.toString());
        Files.setPosixFilePermissions(caStore, PosixFilePermissions.fromString("rw-------"));
        for (Map.Entry<String, String> h : hosts.entrySet()) host(out, h.getKey(), h.getValue(), caStore, caCert, caPassword);
    }

    private static void host(Path out, String name, String address, Path caStore, Path caCert, String caPassword) throws IOException, InterruptedException {
        Path tls = privateDir(out.resolve(name).resolve("tls"));
        String password = password();
        write(tls.resolve("password"), password);
        Path node = tls.resolve("node.p12");
        Map<String, String> env = Map.of(PASSWORD_VAR, password, CA_PASSWORD_VAR, caPassword);
        String ip = address.substring(0, address.lastIndexOf(':')).replace("[", "").replace("]", "");
        String san = "dns:" + name + (ip.matches("[0-9.]+|[0-9a-fA-F:]+") ? ",ip:" + ip : ",dns:" + ip);
        keytool(env, "-genkeypair", "-alias", "node", "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=" + name,
                "-validity", "825", "-storetype", "PKCS12", "-keystore", node.toString(), "-storepass:env", PASSWORD_VAR);
        Path csr = tls.resolve("node.csr");
        Path cert = tls.resolve("node.pem");
        keytool(env, "-certreq", "-alias", "node", "-keystore", node.toString(), "-storepass:env", PASSWORD_VAR, "-file", csr.toString());
        keytool(env, "-gencert", "-alias", "ca", "-keystore", caStore.toString(), "-storepass:env", CA_PASSWORD_VAR, "-infile", csr.toString(),
                "-outfile", cert.toString(), "-rfc", "-validity", "825", "-ext", "san=" + san, "-ext", "ku:c=digitalSignature,keyAgreement",
                "-ext", "eku=serverAuth,clientAuth");
        // the chain: the CA first, then the host's certificate replaces its self-signed one
        keytool(env, "-importcert", "-noprompt", "-alias", "ca", "-file", caCert.toString(), "-keystore", node.toString(), "-storepass:env", PASSWORD_VAR);
        keytool(env, "-importcert", "-alias", "node", "-file", cert.toString(), "-keystore", node.toString(), "-storepass:env", PASSWORD_VAR);
        keytool(env, "-importcert", "-noprompt", "-alias", "ca", "-file", caCert.toString(), "-storetype", "PKCS12",
                "-keystore", tls.resolve("trust.p12").toString(), "-storepass:env", PASSWORD_VAR);
        Files.delete(csr);
        Files.delete(cert);
        for (String f : List.of("node.p12", "trust.p12")) Files.setPosixFilePermissions(tls.resolve(f), PosixFilePermissions.fromString("rw-------"));
    }

    private static void keytool(Map<String, String> secrets, String... args) throws IOException, InterruptedException {
        // each call is a JVM of its own, about twenty per cluster: started for a short life
        List<String> argv = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-J-XX:TieredStopAtLevel=1", "-J-XX:+UseSerialGC", "-J-Xshare:auto"));
        argv.addAll(List.of(args));
        Map<String, String> env = new java.util.HashMap<>(System.getenv());
        env.putAll(secrets);
        Subprocess.Result r = Subprocess.of(argv, KEYTOOL).withEnvironment(env).mergingErrors().run();
        if (r.exit() != 0) throw new IOException("keytool " + args[0] + " failed: " + r.stdout().strip());
    }

    /** 32 random bytes as hex: a keystore password nobody types. */
    private static String password() {
        byte[] b = new byte[32];
        new SecureRandom().nextBytes(b);
        return HexFormat.of().formatHex(b);
    }

    static Path privateDir(Path dir) throws IOException {
        Files.createDirectories(dir);
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
        return dir;
    }

    static void write(Path file, String content) throws IOException {
        Files.writeString(file, content);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
    }
}
