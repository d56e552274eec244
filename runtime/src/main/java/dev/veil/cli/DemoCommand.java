package dev.veil.cli;

import dev.veil.audit.AuditEvent;
import dev.veil.audit.AuditQuery;
import dev.veil.audit.AuditVerifier;
import dev.veil.store.Vault;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code demo}: a self-contained walk-through on 127.0.0.1. A stand-in LLM API that accepts only the real key,
 * a fresh vault holding that key, a rules file granting it to that API alone, and an "agent" in a child JVM
 * with the agent attached that knows only {@code veil:demo}. It calls the API, then falls for a prompt
 * injection and sends its key to a second server. The demo reports what really happened, checked on the
 * servers' side and in the audit log: exit 0 only if Veil behaved as promised.
 */
@Command(name = "demo", description = "Run a self-contained demonstration on 127.0.0.1 (a child JVM with the agent, two local servers).")
final class DemoCommand implements Callable<Integer> {
    static final String WORKLOAD = "dev.veil.agent.DemoWorkload";

    @Spec CommandSpec cmd;
    @Option(names = "--keep", description = "Keep the temporary directory (vault, rules, audit log) and print where it is.") boolean keep;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = cmd.commandLine().getOut();
        Path jar = jar();
        String realKey = "demo-" + randomHex(24);
        Path dir = Files.createTempDirectory("veil-demo-");
        try (DemoServers servers = DemoServers.start(realKey)) {
            out.println("Veil demo: everything runs on 127.0.0.1; files in " + dir);
            out.println();
            out.println("1. A stand-in LLM API listens on " + servers.apiUrl() + "; it answers only requests carrying the real key.");
            out.println("   A second server, " + servers.evilUrl() + ", plays an attacker's collection endpoint.");
            Path rules = writeVaultAndRules(dir, realKey, servers.apiPort());
            out.println("2. A new vault " + dir.resolve("vault") + " holds the real key as 'demo' (a random value nobody is shown).");
            out.println("   The rules grant credential 'demo' to agent demo-agent for POST " + servers.apiUrl() + "/v1/** only:");
            for (String line : Files.readAllLines(rules)) out.println("     " + line);
            out.println("3. The agent runs in its own JVM with -javaagent:" + jar.getFileName() + " and DEMO_API_KEY=veil:demo.");
            out.println("   It logs what it sends at debug level, calls the API, then obeys a prompt injection.");
            out.println();
            Child child = runWorkload(jar, rules, servers, realKey, out);
            out.println();
            Path audit = dir.resolve("audit.jsonl");
            out.println("4. The audit trail (" + audit + "):");
            List<String> auditLines = Files.exists(audit) ? Files.readAllLines(audit) : List.of();
            for (String line : auditLines) out.println("     " + line);
            if (auditLines.isEmpty()) out.println("     (empty)");
            AuditVerifier.Result verified = Files.exists(audit) ? AuditVerifier.verify(audit) : null;
            out.println("   veil audit verify: " + (verified == null ? "no audit file" : verified.message()));
            out.println();
            return verdict(out, child, servers, audit, verified);
        } finally {
            if (keep) {
                out.println("kept " + dir);
            } else {
                deleteTree(dir);
            }
        }
    }

    /** What the child printed and how it ended. */
    private static final class Child {
        final int exit;
        final boolean leaked;

        Child(int exit, boolean leaked) {
            this.exit = exit;
            this.leaked = leaked;
        }
    }

    private static Path writeVaultAndRules(Path dir, String realKey, int apiPort) throws Exception {
        Path keyFile = dir.resolve("vault.key");
        Files.createFile(keyFile, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        char[] key = randomHex(32).toCharArray();
        try {
            Files.write(keyFile, new String(key).getBytes(StandardCharsets.US_ASCII));
            Path vaultFile = dir.resolve("vault");
            Vault.init(vaultFile, key);
            char[] value = realKey.toCharArray();
            try (Vault vault = Vault.open(vaultFile, key)) {
                vault.put("demo", value);
            } finally {
                Arrays.fill(value, '\0');
            }
        } finally {
            Arrays.fill(key, '\0');
        }
        Path rules = dir.resolve("rules.yaml");
        Files.write(rules, Arrays.asList(
                "version: 1",
                "stores:",
                "  local: {type: file, path: '" + dir.resolve("vault") + "', key: 'file:" + keyFile + "'}",
                "credentials:",
                "  demo:",
                "    source: local/demo",
                "    agents: [demo-agent]",
                "    allow:",
                "      - url: http://127.0.0.1:" + apiPort + "/v1/**",
                "        methods: [POST]",
                "audit:",
                "  path: '" + dir.resolve("audit.jsonl") + "'"), StandardCharsets.UTF_8);
        return rules;
    }

    /** Runs the workload, echoing its output line by line; a line carrying the real key is flagged, not shown. */
    private static Child runWorkload(Path jar, Path rules, DemoServers servers, String realKey, PrintWriter out) throws Exception {
        Path classes = copyWorkload(rules.getParent().resolve("app"));
        List<String> command = new ArrayList<>(Arrays.asList(
                Paths.get(System.getProperty("java.home"), "bin", "java").toString(),
                "-javaagent:" + jar + "=rules=" + rules + ",agent=demo-agent",
                "-cp", classes.toString(), WORKLOAD, servers.apiUrl() + "/v1/chat/completions", servers.evilUrl() + "/collect"));
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.environment().keySet().removeIf(k -> k.startsWith("VEIL_") || k.equals("JAVA_TOOL_OPTIONS"));
        pb.environment().put("DEMO_API_KEY", "veil:demo");
        Process p = pb.start();
        p.getOutputStream().close();
        boolean leaked = false;
        try (BufferedReader in = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = in.readLine()) != null; ) {
                if (line.contains(realKey)) {
                    leaked = true;
                    line = line.replace(realKey, "<THE REAL KEY>");
                }
                out.println("   app | " + line);
            }
        }
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new CliProblem("the demo agent did not finish within 60s");
        }
        return new Child(p.exitValue(), leaked);
    }

    /**
     * The workload is an application class: it must not be loadable from the agent jar, which is on the
     * bootstrap path once the agent runs. It ships under inst/ and is copied into a class folder here.
     */
    private static Path copyWorkload(Path classes) throws IOException {
        String name = WORKLOAD.replace('.', '/') + ".class";
        Path target = classes.resolve(name);
        Files.createDirectories(target.getParent());
        try (InputStream in = DemoCommand.class.getClassLoader().getResourceAsStream(name)) {
            if (in == null) throw new CliProblem("this jar has no " + name + "; rebuild veil-agent.jar");
            Files.copy(in, target);
        }
        return classes;
    }

    private static int verdict(PrintWriter out, Child child, DemoServers servers, Path audit, AuditVerifier.Result verified) throws IOException {
        List<AuditEvent> injects = Files.exists(audit) ? new AuditQuery().event("inject").run(audit) : List.of();
        List<AuditEvent> denies = Files.exists(audit) ? new AuditQuery().event("deny").run(audit) : List.of();
        boolean ok = true;
        out.println("5. What happened, checked on the servers and in the audit log:");
        ok &= check(out, servers.authorized() > 0, "the API received the real key and answered",
                "the API never saw the real key (it got " + servers.unauthorized() + " request(s) without it): this build of Veil"
                        + " does not inject into java.net.http.HttpClient");
        ok &= check(out, servers.evilRequests() == 0, "nothing reached the attacker's server",
                servers.evilRequests() + " request(s) reached the attacker's server" + (servers.evilGotRealKey() ? ", WITH THE REAL KEY" : " (carrying only veil:demo)"));
        ok &= check(out, !child.leaked, "the real key appeared nowhere in the agent's output", "the real key appeared in the agent's output");
        ok &= check(out, !injects.isEmpty() && !denies.isEmpty(), "the audit log records the injection and the denial",
                "the audit log has " + injects.size() + " inject and " + denies.size() + " deny event(s); expected at least one of each");
        ok &= check(out, verified != null && verified.ok(), "the audit log's hash chain verifies", "the audit log does not verify");
        ok &= check(out, child.exit == 0, "the agent process finished as expected", "the agent process exited with " + child.exit);
        out.println(ok ? "Veil behaved as promised." : "Veil did NOT behave as promised (see above).");
        return ok ? VeilCli.OK : VeilCli.PROBLEM;
    }

    private static boolean check(PrintWriter out, boolean passed, String good, String bad) {
        out.println("   [" + (passed ? "ok" : "FAILED") + "] " + (passed ? good : bad));
        return passed;
    }

    private static Path jar() throws Exception {
        Path jar = Paths.get(DemoCommand.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        if (!Files.isRegularFile(jar)) {
            throw new CliProblem("the demo needs the packaged agent: run it as java -jar veil-agent.jar demo (running from " + jar + ")");
        }
        return jar;
    }

    private static String randomHex(int bytes) {
        byte[] b = new byte[bytes];
        new SecureRandom().nextBytes(b);
        StringBuilder sb = new StringBuilder();
        for (byte x : b) sb.append(Character.forDigit((x >> 4) & 0xf, 16)).append(Character.forDigit(x & 0xf, 16));
        return sb.toString();
    }

    private static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path f : (Iterable<Path>) files.sorted(Comparator.reverseOrder())::iterator) Files.deleteIfExists(f);
        }
    }
}
