package dev.veil.store;

import static dev.veil.store.VaultTestSupport.SECRET;
import static dev.veil.store.VaultTestSupport.assertNoSecret;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.veil.rules.StoreSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ExecStoreTest {
    @TempDir Path dir;

    @Test
    void stdoutIsTheValueMinusOneTrailingNewline() throws Exception {
        assertArrayEquals("abc".toCharArray(), fetch(List.of("printf", "abc\n"), "x"));
        assertArrayEquals("abc".toCharArray(), fetch(List.of("printf", "abc\r\n"), "x"));
        assertArrayEquals("abc".toCharArray(), fetch(List.of("printf", "abc"), "x"));
        assertArrayEquals("abc\n".toCharArray(), fetch(List.of("printf", "abc\n\n"), "x"));
        assertArrayEquals("abc\r".toCharArray(), fetch(List.of("printf", "abc\r"), "x"));
        assertArrayEquals("pässwörd 🔑".toCharArray(), fetch(List.of("printf", "pässwörd 🔑\n"), "x"));
    }

    @Test
    void refIsSubstitutedInEveryElementWithoutAShell() throws Exception {
        assertArrayEquals("team/openai|--openai--".toCharArray(),
                fetch(List.of("sh", "-c", "printf '%s|%s' \"$1\" \"$2\"", "sh", "team/{ref}", "--{ref}--"), "openai"));
        Path marker = dir.resolve("marker");
        String hostile = "$(touch " + marker + ")";
        assertArrayEquals(hostile.toCharArray(), fetch(List.of("printf", "%s", "{ref}"), hostile));
        assertFalse(Files.exists(marker), "the reference was never interpreted by a shell");
    }

    @Test
    void stdinIsClosed() {
        StoreException e = assertThrows(StoreException.class, () -> fetch(List.of("cat"), "x"));
        assertTrue(e.getMessage().contains("printed nothing"), e.getMessage());
    }

    @Test
    void nonZeroExitNamesStoreRefAndCodeButNeverStdout() {
        StoreException e = assertThrows(StoreException.class,
                () -> fetch(List.of("sh", "-c", "printf '" + SECRET + "'; echo 'no such entry' >&2; exit 3"), "openai"));
        assertEquals("store 'team': command sh for 'openai' exited with code 3; stderr: no such entry", e.getMessage());
        assertNoSecret(e);
        StoreException f = assertThrows(StoreException.class, () -> fetch(List.of("false"), "openai"));
        assertEquals("store 'team': command false for 'openai' exited with code 1", f.getMessage());
    }

    @Test
    void stderrIsScrubbedThenCut() {
        String script = "printf 'leaked " + SECRET + " tail\\n' >&2; head -c 1000 /dev/zero | tr '\\0' x >&2; exit 1";
        UnaryOperator<String> scrubber = s -> s.replace(SECRET, "veil:openai");
        ExecStore store = new ExecStore("team", List.of("sh", "-c", script), Duration.ofSeconds(5), () -> scrubber);
        StoreException e = assertThrows(StoreException.class, () -> store.fetch("openai"));
        assertNoSecret(e);
        assertTrue(e.getMessage().contains("stderr: leaked veil:openai tail xxx"), e.getMessage());
        String stderr = e.getMessage().substring(e.getMessage().indexOf("stderr: ") + 8);
        assertEquals(203, stderr.length(), "200 characters and an ellipsis");
        assertTrue(stderr.endsWith("..."));

        ExecStore broken = new ExecStore("team", List.of("sh", "-c", script), Duration.ofSeconds(5),
                () -> s -> { throw new IllegalStateException("boom"); });
        StoreException withheld = assertThrows(StoreException.class, () -> broken.fetch("openai"));
        assertTrue(withheld.getMessage().endsWith("stderr withheld (the scrubber failed)"), withheld.getMessage());
        assertNoSecret(withheld);
    }

    @Test
    void theProviderScrubberIsUsed() throws Exception {
        SecretStore store = new ExecStoreProvider().open(new StoreSpec("team", "exec",
                Map.of("command", List.of("sh", "-c", "echo " + SECRET + " >&2; exit 2"))));
        try {
            ExecStoreProvider.setStderrScrubber(s -> s.replace(SECRET, "[gone]"));
            StoreException e = assertThrows(StoreException.class, () -> store.fetch("x"));
            assertTrue(e.getMessage().endsWith("stderr: [gone]"), e.getMessage());
        } finally {
            ExecStoreProvider.setStderrScrubber(UnaryOperator.identity());
        }
    }

    @Test
    void timeoutKillsTheWholeProcessTree() throws Exception {
        Path pidFile = dir.resolve("child.pid");
        ExecStore store = new ExecStore("team",
                List.of("sh", "-c", "sleep 60 & echo $! > " + pidFile + "; wait"), Duration.ofMillis(700), UnaryOperator::identity);
        long start = System.nanoTime();
        StoreException e = assertThrows(StoreException.class, () -> store.fetch("openai"));
        long took = (System.nanoTime() - start) / 1_000_000;
        assertEquals("store 'team': command sh for 'openai' timed out after 700ms and was killed", e.getMessage());
        assertTrue(took < 5000, "took " + took + "ms");
        long pid = Long.parseLong(Files.readString(pidFile).trim());
        Optional<ProcessHandle> child = ProcessHandle.of(pid);
        if (child.isPresent()) child.get().onExit().get(5, java.util.concurrent.TimeUnit.SECONDS);
        assertFalse(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false), "grandchild killed");
    }

    @Test
    void missingProgramAndOversizedOutput() {
        StoreException missing = assertThrows(StoreException.class, () -> fetch(List.of("/no/such/program-7f3a"), "x"));
        assertTrue(missing.getMessage().startsWith("store 'team': command /no/such/program-7f3a for 'x' cannot be run"),
                missing.getMessage());
        StoreException big = assertThrows(StoreException.class, () -> fetch(List.of("head", "-c", "2000000", "/dev/zero"), "x"));
        assertTrue(big.getMessage().contains("printed more than 1048576 bytes"), big.getMessage());
        StoreException binary = assertThrows(StoreException.class, () -> fetch(List.of("printf", "\\377\\376"), "x"));
        assertTrue(binary.getMessage().contains("not UTF-8"), binary.getMessage());
    }

    @Test
    void providerChecksOptions() throws Exception {
        ExecStoreProvider p = new ExecStoreProvider();
        assertThrows(StoreException.class, () -> p.open(new StoreSpec("team", "exec", Map.of("command", List.of()))));
        assertThrows(StoreException.class, () -> p.open(new StoreSpec("team", "exec", Map.of("command", List.of(" ")))));
        assertThrows(StoreException.class, () -> p.open(new StoreSpec("team", "exec",
                Map.of("command", List.of("printf"), "timeout", Duration.ZERO))));
        SecretStore store = p.open(new StoreSpec("team", "exec", Map.of("command", List.of("printf", "%s", "{ref}"))));
        assertArrayEquals("value".toCharArray(), store.fetch("value"));
    }

    private static char[] fetch(List<String> command, String ref) throws StoreException {
        return new ExecStore("team", command, Duration.ofSeconds(5), UnaryOperator::identity).fetch(ref);
    }
}
