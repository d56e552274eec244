package dev.veil.cli;

import dev.veil.audit.AuditEvent;
import dev.veil.audit.AuditQuery;
import dev.veil.audit.AuditVerifier;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code audit verify|query}. */
@Command(name = "audit", description = "Verify or query a hash-chained audit log.",
        subcommands = {AuditCommand.Verify.class, AuditCommand.Query.class})
final class AuditCommand {
    @Command(name = "verify", description = "Check the hash chain and checkpoint; names the first bad line (exit 1).")
    static final class Verify implements Callable<Integer> {
        @Spec CommandSpec cmd;
        @Parameters(paramLabel = "FILE") Path file;

        @Override
        public Integer call() throws Exception {
            AuditVerifier.Result r = AuditVerifier.verify(file);
            (r.ok() ? cmd.commandLine().getOut() : cmd.commandLine().getErr()).println(r.message());
            return r.ok() ? VeilCli.OK : VeilCli.PROBLEM;
        }
    }

    @Command(name = "query", description = "Print matching records as JSON lines.")
    static final class Query implements Callable<Integer> {
        @Spec CommandSpec cmd;
        @Parameters(paramLabel = "FILE") Path file;
        @Option(names = "--agent") String agent;
        @Option(names = "--credential") String credential;
        @Option(names = "--event", description = "inject, deny, scrub, approve, revoke, reload, store-error or rotate") String event;
        @Option(names = "--since", description = "A duration back from now (1h, 2d), an instant (2026-05-01T12:00:00Z) or a date.") String since;

        @Override
        public Integer call() throws Exception {
            AuditQuery q = new AuditQuery().agent(agent).credential(credential);
            try {
                q.event(event);
                if (since != null) q.since(since);
            } catch (IllegalArgumentException e) {
                throw new picocli.CommandLine.ParameterException(cmd.commandLine(), e.getMessage());
            }
            PrintWriter out = cmd.commandLine().getOut();
            for (AuditEvent e : q.run(file)) out.println(e);
            return VeilCli.OK;
        }
    }
}
