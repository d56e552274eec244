package dev.veil.agent;

import dev.veil.cli.VeilCli;

/** {@code java -jar veil-agent.jar <command>}: the CLI. */
public final class Main {
    private Main() {}

    public static void main(String[] args) {
        System.exit(VeilCli.run(args));
    }
}
