package dev.veil.it;

import dev.veil.testing.TestEvidence;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

/**
 * Suite-wide check that no audit line carries a secret. Tests that write audit logs or use secret
 * values take them from {@link TestEvidence} (shared through the runtime test jar), which puts logs under the module's {@code target/test-evidence/audit/} and appends every
 * secret to {@code target/test-evidence/secrets.txt}. This class runs last in this module
 * ({@code junit-platform.properties} orders classes by {@link Order}; unannotated classes come first),
 * and Maven runs the runtime module's tests before this module's, so it sees every log both wrote.
 * Each line of each {@code *.jsonl} is checked for each secret, raw and base64 (standard and URL-safe,
 * at all three alignments inside a longer base64 text). Logs written elsewhere (e.g. in a test's temporary
 * directory) are not covered.
 */
@Order(Integer.MAX_VALUE)
class AuditLeakScanTest {
    private static final List<Path> EVIDENCE = List.of(
            TestEvidence.DIR, ChildJvm.REPO.resolve("runtime/target/test-evidence"));

    @Test
    void noAuditLineWrittenByTheSuiteContainsATestSecret() throws IOException {
        Set<String> secrets = new LinkedHashSet<>();
        List<Path> logs = new ArrayList<>();
        for (Path dir : EVIDENCE) {
            Path list = dir.resolve("secrets.txt");
            if (Files.exists(list)) Files.readAllLines(list, StandardCharsets.UTF_8).stream().filter(s -> !s.isEmpty()).forEach(secrets::add);
            if (Files.isDirectory(dir)) {
                try (Stream<Path> files = Files.walk(dir)) {
                    logs.addAll(files.filter(f -> f.toString().endsWith(".jsonl")).collect(Collectors.toList()));
                }
            }
        }
        assertFalse(secrets.isEmpty(), "no test secrets recorded under " + EVIDENCE + ": the scan would prove nothing");
        assertFalse(logs.isEmpty(), "no audit logs under " + EVIDENCE + ": the scan would prove nothing");

        List<String[]> forms = new ArrayList<>(); // {label, form}
        int n = 0;
        for (String s : secrets) {
            n++;
            for (String form : forms(s)) forms.add(new String[] {"secret #" + n, form});
        }
        long lines = 0;
        for (Path log : logs) {
            long lineNo = 0;
            for (String line : Files.readAllLines(log, StandardCharsets.UTF_8)) {
                lineNo++;
                lines++;
                for (String[] f : forms) {
                    // Names the secret by number (see secrets.txt), never by value, in the report.
                    assertFalse(line.contains(f[1]), log + ":" + lineNo + " contains " + f[0] + " of secrets.txt");
                }
            }
        }
        assertTrue(lines > 0, "the audit logs under " + EVIDENCE + " are all empty");
    }

    @Test
    void theFormsFindASecretInsideLongerBase64AtEveryAlignment() {
        String secret = "test-secret-Xy7Qp2Lm9Rt4";
        for (String before : new String[] {"", "a", "ab", "abc"}) {
            for (String after : new String[] {"", "z", "zz"}) {
                for (Base64.Encoder enc : new Base64.Encoder[] {Base64.getEncoder(), Base64.getUrlEncoder()}) {
                    String text = "{\"reason\":\"" + enc.encodeToString((before + secret + after).getBytes(StandardCharsets.UTF_8)) + "\"}";
                    assertTrue(forms(secret).stream().anyMatch(text::contains), "missed at offset " + before.length());
                }
            }
        }
    }

    /** The raw value and its base64 forms: whole, and the part that is stable at each alignment in a longer text. */
    static Set<String> forms(String secret) {
        Set<String> out = new LinkedHashSet<>();
        out.add(secret);
        byte[] bytes = secret.getBytes(StandardCharsets.UTF_8);
        for (Base64.Encoder enc : new Base64.Encoder[] {Base64.getEncoder(), Base64.getUrlEncoder()}) {
            for (int align = 0; align < 3; align++) {
                byte[] shifted = new byte[align + bytes.length];
                System.arraycopy(bytes, 0, shifted, align, bytes.length);
                String b64 = enc.withoutPadding().encodeToString(shifted);
                // Chars that mix in a neighbouring byte are dropped: 2 at the front when shifted, up to 3 at the end.
                out.add(b64.substring(align == 0 ? 0 : align + 1, b64.length() - 3));
            }
            out.add(enc.encodeToString(bytes));
        }
        return out;
    }
}
