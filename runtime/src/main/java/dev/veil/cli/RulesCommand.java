package dev.veil.cli;

import dev.veil.rules.Problem;
import dev.veil.rules.Rules;
import dev.veil.rules.RulesException;
import dev.veil.rules.RulesLoader;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code rules check|explain}. */
@Command(name = "rules", description = "Check a rules file, or explain what it decides for a request.",
        subcommands = {RulesCommand.Check.class, ExplainCommand.class})
final class RulesCommand {
    /** Loads a rules file, printing every problem as file:line:column: message; null when it has problems. */
    static Rules loadOrReport(Path file, PrintWriter err) throws java.io.IOException {
        try {
            return RulesLoader.load(file);
        } catch (RulesException e) {
            for (Problem p : e.problems()) err.println(p);
            err.println(e.problems().size() + " problem(s) in " + file + "; fix them and run `veil rules check " + file + "` again");
            return null;
        }
    }

    @Command(name = "check", description = "Validate a rules file; prints every problem as file:line:column: message.")
    static final class Check implements Callable<Integer> {
        @Spec CommandSpec cmd;
        @Parameters(paramLabel = "FILE") Path file;

        @Override
        public Integer call() throws Exception {
            Rules rules = loadOrReport(file, cmd.commandLine().getErr());
            if (rules == null) return VeilCli.PROBLEM;
            cmd.commandLine().getOut().println(file + ": ok (" + rules.credentials().size() + " credential(s), "
                    + rules.stores().size() + " store(s))");
            return VeilCli.OK;
        }
    }
}
