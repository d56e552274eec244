package dev.veil.it.okhttp;

import dev.veil.it.Jdks;
import java.io.InputStream;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

/** A throw-away CA and a localhost/127.0.0.1 server certificate it signed, made with the JDK's keytool. */
public final class TestCa {
    static final String PASSWORD = "veil-test";

    final Path serverKeys;
    final Path trustStore;

    private TestCa(Path serverKeys, Path trustStore) {
        this.serverKeys = serverKeys;
        this.trustStore = trustStore;
    }

    public static TestCa create(Path dir) throws Exception {
        Path ca = dir.resolve("ca.p12");
        Path server = dir.resolve("server.p12");
        Path trust = dir.resolve("trust.p12");
        Path csr = dir.resolve("server.csr");
        Path crt = dir.resolve("server.crt");
        Path caCrt = dir.resolve("ca.crt");
        keytool("-genkeypair", "-alias", "ca", "-dname", "CN=Veil Test CA", "-keyalg", "EC", "-ext", "bc:c", "-validity", "2", "-keystore", ca);
        keytool("-genkeypair", "-alias", "server", "-dname", "CN=localhost", "-keyalg", "EC", "-validity", "2", "-keystore", server);
        keytool("-certreq", "-alias", "server", "-keystore", server, "-file", csr);
        keytool("-gencert", "-alias", "ca", "-keystore", ca, "-infile", csr, "-outfile", crt, "-validity", "2",
                "-ext", "san=dns:localhost,ip:127.0.0.1");
        keytool("-exportcert", "-rfc", "-alias", "ca", "-keystore", ca, "-file", caCrt);
        keytool("-importcert", "-noprompt", "-alias", "ca", "-keystore", server, "-file", caCrt);
        keytool("-importcert", "-alias", "server", "-keystore", server, "-file", crt);
        keytool("-importcert", "-noprompt", "-alias", "ca", "-keystore", trust, "-file", caCrt);
        return new TestCa(server, trust);
    }

    public SSLContext serverContext() throws Exception {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = java.nio.file.Files.newInputStream(serverKeys)) {
            ks.load(in, PASSWORD.toCharArray());
        }
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, PASSWORD.toCharArray());
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(kmf.getKeyManagers(), null, null);
        return ctx;
    }

    /** JVM options that make a child trust this CA (and only it). */
    public List<String> clientJvmArgs() {
        return List.of("-Djavax.net.ssl.trustStore=" + trustStore, "-Djavax.net.ssl.trustStorePassword=" + PASSWORD,
                "-Djavax.net.ssl.trustStoreType=PKCS12");
    }

    private static void keytool(Object... args) throws Exception {
        List<String> cmd = new ArrayList<>();
        cmd.add(Jdks.current().resolve("bin").resolve("keytool").toString());
        for (Object a : args) cmd.add(a.toString());
        cmd.addAll(Arrays.asList("-storetype", "PKCS12", "-storepass", PASSWORD, "-keypass", PASSWORD));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (p.waitFor() != 0) throw new IllegalStateException("keytool failed: " + cmd + "\n" + out);
    }
}
