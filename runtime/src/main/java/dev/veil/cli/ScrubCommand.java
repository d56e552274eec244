package dev.veil.cli;

import dev.veil.rules.Credential;
import dev.veil.rules.Rules;
import dev.veil.rules.RulesLoader;
import dev.veil.rules.ScrubSettings;
import dev.veil.rules.StoreSpec;
import dev.veil.scrub.Detectors;
import dev.veil.scrub.Scrubber;
import dev.veil.store.SecretStore;
import dev.veil.store.SecretStoreProvider;
import dev.veil.store.StoreException;
import dev.veil.store.StoreTypes;
import java.io.BufferedWriter;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code scrub}: stdin to stdout (UTF-8) with secrets replaced. Built-in detectors unless turned off;
 * with {@code --rules}, that file's scrub settings and the real values of its credentials, which become
 * their placeholders. A credential whose value cannot be loaded gets one warning line (credential, store,
 * reason; never a value); the input is still scrubbed with everything else, and the exit code is 1 so a
 * script knows the output may hold that credential's value.
 */
@Command(name = "scrub", description = {
        "Copy stdin to stdout with secrets replaced: detector matches by [REDACTED:<detector>],",
        "real values of the --rules file's credentials by their placeholders (veil:<name>).",
        "Exit 1 if a credential's value could not be loaded (the rest is still scrubbed)."})
final class ScrubCommand implements Callable<Integer> {
    @Spec CommandSpec cmd;

    @Option(names = "--rules", paramLabel = "FILE",
            description = "Rules file: its scrub settings, and its credentials' real values fetched from its stores.")
    Path rules;

    @Option(names = "--no-detectors", description = "Do not run the built-in detectors (the rules file's own patterns still run).")
    boolean noDetectors;

    @Override
    public Integer call() throws Exception {
        PrintWriter err = cmd.commandLine().getErr();
        Rules r = rules == null ? RulesLoader.scrubOnly() : RulesCommand.loadOrReport(rules, err);
        if (r == null) return VeilCli.PROBLEM;
        ScrubSettings settings = noDetectors ? new ScrubSettings(false, r.scrub().patterns()) : r.scrub();
        Scrubber scrubber = new Scrubber(Detectors.of(settings), w -> err.println("veil: " + w));
        List<String> failures = registerValues(r, scrubber);
        // Reported after registration, so a value that did load is scrubbed from any store's message.
        for (String f : failures) err.println("veil: " + scrubber.scrub(f));
        err.flush();

        Writer out = new BufferedWriter(new OutputStreamWriter(System.out, StandardCharsets.UTF_8));
        new ScrubPipe(scrubber).copy(new InputStreamReader(System.in, StandardCharsets.UTF_8), out);
        return failures.isEmpty() ? VeilCli.OK : VeilCli.PROBLEM;
    }

    /** Fetches every credential's value and registers it; returns one message per credential that failed. */
    private static List<String> registerValues(Rules rules, Scrubber scrubber) {
        Map<String, char[]> values = new LinkedHashMap<>();
        List<String> failures = new ArrayList<>();
        Map<String, SecretStore> open = new HashMap<>();
        Map<String, String> broken = new HashMap<>();
        try {
            for (Credential c : rules.credentials().values()) {
                try {
                    SecretStore store = store(rules, c.store(), open, broken);
                    values.put(c.placeholder(), store.fetch(c.ref()));
                } catch (StoreException | RuntimeException e) {
                    failures.add("credential '" + c.name() + "' not loaded from store '" + c.store() + "' ("
                            + CliProblem.describe(e) + "); its value will not be scrubbed");
                }
            }
            scrubber.registerAll(values);
        } finally {
            for (char[] v : values.values()) Arrays.fill(v, '\0');
            for (SecretStore s : open.values()) s.close();
        }
        return failures;
    }

    /** Each store opened once, on first use; one that failed to open fails every credential in it. */
    private static SecretStore store(Rules rules, String name, Map<String, SecretStore> open, Map<String, String> broken)
            throws StoreException {
        SecretStore s = open.get(name);
        if (s != null) return s;
        if (broken.containsKey(name)) throw new StoreException(broken.get(name));
        StoreSpec spec = rules.stores().get(name);
        SecretStoreProvider provider = spec == null ? null : StoreTypes.all().get(spec.type());
        try {
            if (provider == null) throw new StoreException("no store '" + name + "' of a known type");
            s = provider.open(spec);
        } catch (StoreException | RuntimeException e) {
            broken.put(name, CliProblem.describe(e));
            throw e;
        }
        open.put(name, s);
        return s;
    }
}
