package dev.veil.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code scrub}: stdin to stdout with secrets replaced. */
@Command(name = "scrub", description = "Copy stdin to stdout with secrets replaced by [REDACTED:<detector>].")
final class ScrubCommand implements Callable<Integer> {
    @Spec CommandSpec cmd;

    @Override
    public Integer call() throws Exception {
        return VeilCli.OK;
    }
}
