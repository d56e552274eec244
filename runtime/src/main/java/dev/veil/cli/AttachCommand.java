package dev.veil.cli;

import dev.veil.rules.Settings;
import java.io.File;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code attach <pid> [rules=...,agent=...]}: loads this jar as an agent into a running JVM. The attach API
 * (module jdk.attach) is touched only by {@link Attacher}, after checking the module is there, so every other
 * command keeps working on a runtime image without it.
 */
@Command(name = "attach", description = {
        "Load Veil into a running JVM of the same user (classes it already loaded are retransformed).",
        "On JDK 21 and later the target prints a warning that an agent was loaded dynamically (JEP 451);"
                + " -XX:+EnableDynamicAgentLoading on the target silences it. Prefer -javaagent at start-up where you can."})
final class AttachCommand implements Callable<Integer> {
    @Spec CommandSpec cmd;
    @Parameters(index = "0", paramLabel = "PID", description = "Process id of the target JVM.") long pid;
    @Parameters(index = "1", arity = "0..1", paramLabel = "ARGS", description = "Agent arguments, e.g. rules=/etc/veil/rules.yaml,agent=research-agent.")
    String args;

    @Override
    public Integer call() throws Exception {
        String agentArgs = absoluteRules(args);
        if (!ModuleLayer.boot().findModule("jdk.attach").isPresent()) {
            throw new CliProblem("this Java runtime (" + System.getProperty("java.home") + ") has no jdk.attach module;"
                    + " run the command with a full JDK's java");
        }
        Optional<ProcessHandle> target = ProcessHandle.of(pid);
        if (!target.isPresent()) throw new CliProblem("no process with pid " + pid);
        if (pid == ProcessHandle.current().pid()) throw new CliProblem("pid " + pid + " is this command itself");
        String me = System.getProperty("user.name");
        Optional<String> owner = target.get().info().user();
        if (owner.isPresent() && !owner.get().equals(me) && !"root".equals(me)) {
            throw new CliProblem("process " + pid + " belongs to user " + owner.get() + "; a JVM accepts attach only from its own user"
                    + " (run this command as " + owner.get() + ")");
        }
        String version = Attacher.load(pid, agentJar().toString(), agentArgs);
        cmd.commandLine().getOut().println("veil: loaded into JVM " + pid + " (Java " + version + "); its status line is on that process's stderr"
                + (warnsOnDynamicAgents(version) ? " (after the JVM's dynamic agent warning, JEP 451)" : ""));
        return VeilCli.OK;
    }

    /** JDK 21 and later print a warning when an agent is loaded into a running JVM (JEP 451). */
    private static boolean warnsOnDynamicAgents(String specVersion) {
        try {
            return Integer.parseInt(specVersion) >= 21;
        } catch (NumberFormatException e) {
            return false; // "1.8" and the like
        }
    }

    /**
     * Checks the arguments the way the agent will parse them, and makes a relative rules path absolute:
     * the target resolves it against its own working directory, not ours.
     */
    private String absoluteRules(String agentArgs) {
        if (agentArgs == null || agentArgs.trim().isEmpty()) return "";
        try {
            Settings.resolve(agentArgs, Map.of(), Map.of());
        } catch (IllegalArgumentException e) {
            throw new ParameterException(cmd.commandLine(), e.getMessage());
        }
        List<String> out = new ArrayList<>();
        for (String pair : agentArgs.split(",")) {
            int eq = pair.indexOf('=');
            String key = pair.substring(0, eq).trim();
            String value = pair.substring(eq + 1).trim();
            if (key.equals("rules") && !value.isEmpty()) {
                Path rules = Paths.get(value).toAbsolutePath().normalize();
                if (!Files.isRegularFile(rules)) throw new CliProblem("no rules file " + rules);
                value = rules.toString();
            }
            out.add(key + "=" + value);
        }
        return String.join(",", out);
    }

    /** The jar this command runs from: the engine's classes are defined with the jar as their code source. */
    private static Path agentJar() throws URISyntaxException {
        Path jar = Paths.get(AttachCommand.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        if (!Files.isRegularFile(jar) || !jar.toString().endsWith(".jar")) {
            throw new CliProblem("attach needs the packaged agent: run it as java -jar veil-agent.jar attach (running from " + jar + ")");
        }
        return jar;
    }

    /** Everything that links against com.sun.tools.attach. */
    static final class Attacher {
        private Attacher() {}

        private static boolean startedWith(long pid, String option) {
            // ProcessHandle reads only the first 4 KiB of a Linux command line, so a long class path hides the
            // options from it; /proc has them all.
            Path cmdline = Paths.get("/proc", Long.toString(pid), "cmdline");
            try {
                if (Files.isReadable(cmdline)) {
                    return Arrays.asList(new String(Files.readAllBytes(cmdline), java.nio.charset.StandardCharsets.UTF_8).split("\0")).contains(option);
                }
            } catch (java.io.IOException e) {
                // gone, or not ours to read: ask ProcessHandle
            }
            return ProcessHandle.of(pid).flatMap(p -> p.info().arguments()).map(a -> Arrays.asList(a).contains(option)).orElse(false);
        }

        private static String disabled(long pid, String jar) {
            return "cannot attach to JVM " + pid + ": it was started with -XX:+DisableAttachMechanism; restart it with -javaagent:"
                    + new File(jar).getName() + " instead";
        }

        /** Loads the agent and returns the target's Java version. */
        static String load(long pid, String jar, String agentArgs) throws Exception {
            String id = Long.toString(pid);
            com.sun.tools.attach.VirtualMachineDescriptor found = null;
            for (com.sun.tools.attach.VirtualMachineDescriptor d : com.sun.tools.attach.VirtualMachine.list()) {
                if (d.id().equals(id)) found = d;
            }
            if (found == null) {
                // Never attach blindly: on Linux the attach handshake is a SIGQUIT, which kills a process that is not a JVM.
                // The JVM leaves itself out of the list when it refuses attach; its command line usually says why.
                if (startedWith(pid, "-XX:+DisableAttachMechanism")) throw new CliProblem(disabled(pid, jar));
                throw new CliProblem("process " + pid + " is not a JVM this user can attach to (not Java, another user's,"
                        + " or started with -XX:+DisableAttachMechanism or -XX:-UsePerfData)");
            }
            com.sun.tools.attach.VirtualMachine vm;
            try {
                vm = com.sun.tools.attach.VirtualMachine.attach(found);
            } catch (com.sun.tools.attach.AttachNotSupportedException e) {
                boolean disabled = e.getMessage() != null && e.getMessage().contains("does not support the attach mechanism");
                throw new CliProblem(disabled ? disabled(pid, jar) : "cannot attach to JVM " + pid + ": " + e.getMessage());
            } catch (java.io.IOException e) {
                throw new CliProblem("cannot attach to JVM " + pid + ": " + e.getMessage());
            }
            try {
                String version = vm.getSystemProperties().getProperty("java.specification.version", "unknown");
                vm.loadAgent(jar, agentArgs);
                return version;
            } catch (com.sun.tools.attach.AgentLoadException | com.sun.tools.attach.AgentInitializationException e) {
                throw new CliProblem("JVM " + pid + " could not load the agent (" + e.getMessage()
                        + "); Veil needs Java 11 or later in the target");
            } finally {
                vm.detach();
            }
        }
    }
}
