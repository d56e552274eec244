package dev.veil.it;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** Starts a real child JVM (with the built agent jar where asked) and collects what it printed. */
public final class ChildJvm {
    public static final Path AGENT_JAR = Paths.get(System.getProperty("veil.agent.jar", "../javaagent/target/veil-agent.jar")).toAbsolutePath().normalize();
    public static final Path REPO = Paths.get(System.getProperty("veil.repo", "..")).toAbsolutePath().normalize();

    /** What a finished child printed. */
    public static final class Result {
        public final int exit;
        public final String out;
        public final String err;

        Result(int exit, String out, String err) {
            this.exit = exit;
            this.out = out;
            this.err = err;
        }

        @Override public String toString() { return "exit " + exit + "\n--- stdout\n" + out + "\n--- stderr\n" + err; }
    }

    private final Path javaHome;
    private final List<String> jvmArgs = new ArrayList<>();
    private final Map<String, String> env = new HashMap<>();
    private byte[] stdin = new byte[0];

    private ChildJvm(Path javaHome) {
        this.javaHome = javaHome;
    }

    public static ChildJvm on(Path javaHome) { return new ChildJvm(javaHome); }

    public ChildJvm jvmArgs(String... args) { jvmArgs.addAll(Arrays.asList(args)); return this; }

    public ChildJvm env(String key, String value) { env.put(key, value); return this; }

    public ChildJvm stdin(String text) { stdin = text.getBytes(StandardCharsets.UTF_8); return this; }

    /** {@code java -jar veil-agent.jar <args>}: the CLI. */
    public Result cli(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(jvmArgs);
        cmd.add("-jar");
        cmd.add(AGENT_JAR.toString());
        cmd.addAll(Arrays.asList(args));
        return run(cmd);
    }

    /** Runs a main class from this module's test classes. */
    public Result main(Class<?> mainClass, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(jvmArgs);
        cmd.add("-cp");
        cmd.add(applicationClassPath());
        cmd.add(mainClass.getName());
        cmd.addAll(Arrays.asList(args));
        return run(cmd);
    }

    /**
     * This module's test class path without Veil's runtime (a test dependency, a jar or the module's classes):
     * the agent must bring its own engine, and the runtime's unshaded classes would shadow it.
     */
    private static String applicationClassPath() {
        StringBuilder cp = new StringBuilder();
        for (String entry : System.getProperty("java.class.path").split(java.io.File.pathSeparator)) {
            Path p = Paths.get(entry);
            // The agent jar in the local repository (a build-order dependency) would shadow -javaagent's own jar.
            boolean runtime = p.getFileName() != null && (p.getFileName().toString().startsWith("veil-runtime-")
                    || p.getFileName().toString().startsWith("veil-agent-"))
                    || p.endsWith(Paths.get("runtime", "target", "classes"));
            if (entry.isEmpty() || runtime) continue;
            cp.append(cp.length() == 0 ? "" : java.io.File.pathSeparator).append(entry);
        }
        return cp.toString();
    }

    private Result run(List<String> args) throws Exception {
        List<String> cmd = new ArrayList<>();
        cmd.add(Jdks.javaBinary(javaHome).toString());
        cmd.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().remove("VEIL_RULES");
        pb.environment().remove("VEIL_AGENT");
        pb.environment().remove("VEIL_VAULT_KEY");
        pb.environment().remove("JAVA_TOOL_OPTIONS");
        pb.environment().putAll(env);
        Process p = pb.start();
        CompletableFuture<byte[]> out = CompletableFuture.supplyAsync(() -> readAll(p.getInputStream()));
        CompletableFuture<byte[]> err = CompletableFuture.supplyAsync(() -> readAll(p.getErrorStream()));
        try (OutputStream in = p.getOutputStream()) {
            in.write(stdin);
        } catch (IOException ignored) {
            // the child may exit without reading its input
        }
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("child JVM did not finish in 120s: " + cmd);
        }
        return new Result(p.exitValue(), new String(out.get(), StandardCharsets.UTF_8), new String(err.get(), StandardCharsets.UTF_8));
    }

    private static byte[] readAll(InputStream in) {
        try (in) {
            ByteArrayOutputStream buf = new ByteArrayOutputStream();
            in.transferTo(buf);
            return buf.toByteArray();
        } catch (IOException e) {
            return ("<unreadable: " + e + ">").getBytes(StandardCharsets.UTF_8);
        }
    }
}
