package dev.veil.cli;

import dev.veil.rules.Rules;
import dev.veil.rules.RulesLoader;
import dev.veil.rules.StoreSpec;
import dev.veil.store.KeySource;
import dev.veil.store.Vault;
import dev.veil.store.VaultException;
import java.io.ByteArrayOutputStream;
import java.io.Console;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Arrays;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code vault init|put|list|rm}: the local encrypted vault (or another file store named by the rules). */
@Command(name = "vault", description = "Manage an encrypted file vault (default ~/.veil/vault, key from VEIL_VAULT_KEY).",
        subcommands = {VaultCommand.Init.class, VaultCommand.Put.class, VaultCommand.ListEntries.class, VaultCommand.Remove.class})
final class VaultCommand {
    private static final DateTimeFormatter WHEN = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss'Z'").withZone(ZoneOffset.UTC);

    /** Which file store the command acts on. */
    static final class Target {
        @Option(names = "--rules", paramLabel = "FILE", description = "Rules file whose file store to use (default: the implied local store).")
        Path rules;

        @Option(names = "--store", paramLabel = "NAME", defaultValue = "local", description = "Store name in the rules (default: ${DEFAULT-VALUE}).")
        String store;

        StoreSpec spec() throws Exception {
            Rules r = rules == null ? RulesLoader.scrubOnly() : RulesLoader.load(rules);
            StoreSpec spec = r.stores().get(store);
            if (spec == null) {
                throw new CliProblem("no store '" + store + "' in " + (rules == null ? "the built-in defaults" : rules)
                        + " (stores: " + String.join(", ", r.stores().keySet()) + ")");
            }
            if (!spec.type().equals("file")) {
                throw new CliProblem("store '" + store + "' is of type " + spec.type() + "; vault commands act on file stores only");
            }
            return spec;
        }

        Path file() throws Exception {
            return Vault.path(spec().option("path", String.class));
        }

        char[] key() throws Exception {
            return KeySource.resolve(spec().option("key", String.class));
        }

        /** Opens the vault, runs {@code action} on it, and wipes the key however it ends. */
        int withVault(VaultAction action) throws Exception {
            char[] key = key();
            try (Vault vault = Vault.open(file(), key)) {
                return action.run(vault);
            } finally {
                Arrays.fill(key, '\0');
            }
        }
    }

    interface VaultAction {
        int run(Vault vault) throws Exception;
    }

    @Command(name = "init", description = "Create an empty vault; succeeds without change when it exists and opens with the key.")
    static final class Init implements Callable<Integer> {
        @picocli.CommandLine.Mixin Target target;
        @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec cmd;

        @Override
        public Integer call() throws Exception {
            Path file = target.file();
            char[] key = target.key();
            try {
                Vault.init(file, key);
                cmd.commandLine().getOut().println("created vault " + file);
            } catch (VaultException e) {
                if (e.kind() != VaultException.Kind.EXISTS) throw e;
                Vault.open(file, key).close();
                cmd.commandLine().getOut().println("vault " + file + " already exists and opens with this key");
            } finally {
                Arrays.fill(key, '\0');
            }
            return VeilCli.OK;
        }
    }

    @Command(name = "put", description = "Store a value read from stdin (never from the command line).")
    static final class Put implements Callable<Integer> {
        @picocli.CommandLine.Mixin Target target;
        @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec cmd;
        @Parameters(paramLabel = "NAME", description = "Entry name, the <ref> in source: <store>/<ref>.") String name;

        @Override
        public Integer call() throws Exception {
            char[] value = readValue(name);
            try {
                target.withVault(vault -> {
                    vault.put(name, value);
                    return VeilCli.OK;
                });
            } finally {
                Arrays.fill(value, '\0');
            }
            cmd.commandLine().getOut().println("stored " + name + " in " + target.file());
            return VeilCli.OK;
        }
    }

    @Command(name = "list", description = "List entry names and when they last changed (never values).")
    static final class ListEntries implements Callable<Integer> {
        @picocli.CommandLine.Mixin Target target;
        @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec cmd;

        @Override
        public Integer call() throws Exception {
            return target.withVault(vault -> {
                java.io.PrintWriter out = cmd.commandLine().getOut();
                out.printf("%-32s %-10s %s%n", "NAME", "STORE", "CHANGED");
                for (Vault.Entry e : vault.list()) {
                    out.printf("%-32s %-10s %s%n", e.name(), target.store, WHEN.format(e.changed()));
                }
                return VeilCli.OK;
            });
        }
    }

    @Command(name = "rm", description = "Remove an entry.")
    static final class Remove implements Callable<Integer> {
        @picocli.CommandLine.Mixin Target target;
        @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec cmd;
        @Parameters(paramLabel = "NAME") String name;

        @Override
        public Integer call() throws Exception {
            return target.withVault(vault -> {
                if (!vault.remove(name)) {
                    cmd.commandLine().getErr().println("veil: no entry '" + name + "' in " + target.file());
                    return VeilCli.PROBLEM;
                }
                cmd.commandLine().getOut().println("removed " + name + " from " + target.file());
                return VeilCli.OK;
            });
        }
    }

    /** The value: typed without echo on a terminal, else all of stdin with one trailing newline dropped. */
    private static char[] readValue(String name) throws IOException {
        Console console = System.console();
        char[] value;
        if (console != null) {
            value = console.readPassword("value for %s (not echoed): ", name);
            if (value == null) value = new char[0];
        } else {
            value = decode(readAll(System.in));
        }
        if (value.length == 0) {
            throw new CliProblem("no value on stdin for '" + name + "': pipe it in, e.g. `pass show x | veil vault put " + name + "`");
        }
        return value;
    }

    private static byte[] readAll(InputStream in) throws IOException {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        byte[] chunk = new byte[4096];
        for (int n; (n = in.read(chunk)) > 0; ) buf.write(chunk, 0, n);
        Arrays.fill(chunk, (byte) 0);
        byte[] all = buf.toByteArray();
        buf.reset();
        return all;
    }

    private static char[] decode(byte[] bytes) throws CharacterCodingException {
        int len = bytes.length;
        if (len > 0 && bytes[len - 1] == '\n') len--;
        if (len > 0 && bytes[len - 1] == '\r') len--;
        try {
            CharBuffer chars = StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(bytes, 0, len));
            char[] out = new char[chars.remaining()];
            chars.get(out);
            Arrays.fill(chars.array(), '\0');
            return out;
        } catch (CharacterCodingException e) {
            throw new CliProblem("the value on stdin is not valid UTF-8");
        } finally {
            Arrays.fill(bytes, (byte) 0);
        }
    }
}
