package dev.veil.cli;

import dev.veil.policy.Approvals;
import dev.veil.policy.Explanation;
import dev.veil.policy.PolicyEngine;
import dev.veil.rules.Rules;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code rules explain FILE --agent A --url U [--method M]}: each credential's decision and the rule that made it. */
@Command(name = "explain", description = "Show, per credential, whether a request would get it injected and which rule decides.")
final class ExplainCommand implements Callable<Integer> {
    @Spec CommandSpec cmd;
    @Parameters(paramLabel = "FILE") Path file;
    @Option(names = "--agent", required = true) String agent;
    @Option(names = "--url", required = true) String url;
    @Option(names = "--method", defaultValue = "GET") String method;

    @Override
    public Integer call() throws Exception {
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            throw new ParameterException(cmd.commandLine(), "bad --url '" + url + "': " + e.getReason());
        }
        if (uri.getScheme() == null || uri.getHost() == null) {
            throw new ParameterException(cmd.commandLine(), "bad --url '" + url + "': expected an absolute URL such as https://api.openai.com/v1/chat");
        }
        Rules rules = RulesCommand.loadOrReport(file, cmd.commandLine().getErr());
        if (rules == null) return VeilCli.PROBLEM;
        // Approval and rate state live in the running agent; explain shows what the rules alone decide.
        Explanation e = new PolicyEngine(rules, Clock.systemUTC(), Approvals.ALL).explain(agent, method, uri);
        cmd.commandLine().getOut().print(e.format());
        return VeilCli.OK;
    }
}
