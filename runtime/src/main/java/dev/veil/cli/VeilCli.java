package dev.veil.cli;

import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code java -jar veil-agent.jar <command>}. Exit 0 ok, 1 problem found, 2 usage error. */
@Command(name = "veil", mixinStandardHelpOptions = true, versionProvider = VeilCli.Version.class,
        description = "Keeps real credentials out of AI-agent JVMs. Add -javaagent:veil-agent.jar=rules=FILE,agent=NAME to the agent's JVM.",
        subcommands = {VaultCommand.class, RulesCommand.class, AuditCommand.class, ScrubCommand.class, AttachCommand.class, DemoCommand.class, CommandLine.HelpCommand.class})
public final class VeilCli implements Runnable {
    public static final int OK = 0;
    public static final int PROBLEM = 1;
    public static final int USAGE = 2;

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "a command is missing");
    }

    public static int run(String... args) {
        return run(new PrintWriter(System.out, true), new PrintWriter(System.err, true), args);
    }

    public static int run(PrintWriter out, PrintWriter err, String... args) {
        CommandLine cli = new CommandLine(new VeilCli());
        cli.setOut(out);
        cli.setErr(err);
        cli.setExecutionExceptionHandler((e, cmd, parsed) -> {
            // A command's own failure: say what and where, never a stack trace (it could carry a value).
            cmd.getErr().println("veil: " + CliProblem.describe(e));
            return PROBLEM;
        });
        try {
            return cli.execute(args);
        } finally {
            // Auto-flush covers println only; a command that ends with print would otherwise lose its output.
            out.flush();
            err.flush();
        }
    }

    /** The version from the jar manifest; "development" when run from classes. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = VeilCli.class.getPackage().getImplementationVersion();
            return new String[] {"veil " + (v == null ? "development" : v)};
        }
    }
}
