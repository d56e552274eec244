package dev.veil.scrub;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.veil.rules.ScrubSettings;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/** Benign log lines full of random-looking tokens must come through the built-in detectors unchanged. */
class FalsePositiveCorpusTest {
    private static final int LINES = 20_000;
    private final Random rnd = new Random(7);

    private String hex(int bytes) {
        byte[] b = new byte[bytes];
        rnd.nextBytes(b);
        return HexFormat.of().formatHex(b);
    }

    private String b64(int bytes, boolean url) {
        byte[] b = new byte[bytes];
        rnd.nextBytes(b);
        return (url ? Base64.getUrlEncoder().withoutPadding() : Base64.getEncoder()).encodeToString(b);
    }

    private String pick(String... options) {
        return options[rnd.nextInt(options.length)];
    }

    private String identifier() {
        String[] parts = {"order", "Service", "request", "Handler", "cache", "Key", "token", "Refresh", "user", "Session",
            "api", "Client", "secret", "Manager", "skip", "Account", "password", "Reset", "github", "Webhook"};
        StringBuilder sb = new StringBuilder();
        for (int i = 0, n = 2 + rnd.nextInt(5); i < n; i++) {
            sb.append(parts[rnd.nextInt(parts.length)]);
        }
        return sb.toString();
    }

    private String sha256(String s) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
    }

    private List<Supplier<String>> generators() {
        List<Supplier<String>> g = new ArrayList<>();
        g.add(() -> "request id=" + UUID.randomUUID() + " trace=" + hex(8) + " span=" + hex(8) + " status=200");
        g.add(() -> "commit " + hex(20) + " merged into main by " + identifier());
        g.add(() -> {
            try {
                return "artifact sha256:" + sha256(identifier() + rnd.nextInt()) + " size=" + rnd.nextInt(1 << 20);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        g.add(() -> "payload=" + b64(16 + rnd.nextInt(200), false) + " len=" + rnd.nextInt(999));
        g.add(() -> "cursor=" + b64(12 + rnd.nextInt(60), true) + "&limit=" + rnd.nextInt(100));
        g.add(() -> "calling " + identifier() + "." + identifier() + "(" + identifier() + ") took " + rnd.nextInt(900) + "ms");
        g.add(() -> "GET " + pick("https", "http") + "://" + pick("api.example.com", "localhost:8080", "10.0.0.12:9200", "svc.internal:443")
                + "/v" + rnd.nextInt(3) + "/" + identifier() + "?page=" + rnd.nextInt(50) + "&sort=" + pick("asc", "desc") + " -> " + pick("200", "404", "503"));
        g.add(() -> "redirect to https://login.example.com/oauth/authorize?client_id=" + hex(10) + "&state=" + b64(18, true) + "&redirect_uri=https%3A%2F%2Fapp.example.com%2Fcb");
        g.add(() -> "jwt header eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCJ9 kid=" + hex(8));
        g.add(() -> "partial token eyJ" + b64(30, true) + ".eyJ" + b64(20, true) + " (signature stripped)");
        g.add(() -> "value eyJ" + b64(40, true) + " not a jwt");
        g.add(() -> Instant.ofEpochSecond(1_600_000_000L + rnd.nextInt(100_000_000)) + " INFO  [main] " + identifier() + " started in " + rnd.nextInt(9) + "." + rnd.nextInt(999) + "s");
        g.add(() -> "\tat com.example." + identifier().toLowerCase() + "." + identifier() + "." + identifier() + "(" + identifier() + ".java:" + rnd.nextInt(2000) + ")");
        g.add(() -> "Caused by: java.lang.IllegalStateException: " + identifier() + " is not ready (key=" + identifier() + "-" + rnd.nextInt(99) + ")");
        g.add(() -> "mailto:" + identifier().toLowerCase() + "@example.com subject=" + identifier());
        g.add(() -> "connecting to jdbc:postgresql://db-" + rnd.nextInt(9) + ".internal:5432/" + identifier().toLowerCase() + "?sslmode=require&user=app");
        g.add(() -> "git clone ssh://git@github.com/" + identifier() + "/" + identifier() + ".git");
        g.add(() -> "etag=\"" + hex(16) + "\" last-modified=" + Instant.ofEpochSecond(1_700_000_000L + rnd.nextInt(1_000_000)));
        g.add(() -> "-----BEGIN CERTIFICATE----- " + b64(48, false) + " -----END CERTIFICATE-----");
        g.add(() -> "skipping " + identifier() + " sk-" + rnd.nextInt(9999) + " ghp-docs key-rotation AKIA-policy hf_hub");
        g.add(() -> "metric " + identifier() + "{host=\"" + hex(6) + "\"} " + rnd.nextDouble());
        g.add(() -> "user " + identifier() + " at 192.168." + rnd.nextInt(255) + "." + rnd.nextInt(255) + ":" + rnd.nextInt(65535) + " via proxy http://proxy.internal:3128");
        return g;
    }

    @Test
    void falsePositiveRateIsBelowOneInAThousand() {
        Scrubber scrubber = new Scrubber(new ScrubSettings(true, List.of()));
        List<Supplier<String>> generators = generators();
        int changed = 0;
        List<String> examples = new ArrayList<>();
        for (int i = 0; i < LINES; i++) {
            String line = generators.get(i % generators.size()).get();
            String out = scrubber.scrub(line);
            if (!out.equals(line)) {
                changed++;
                if (examples.size() < 5) {
                    examples.add(out);
                }
            }
        }
        double rate = (double) changed / LINES;
        System.out.printf("false positives: %d of %d lines (%.4f%%)%n", changed, LINES, rate * 100);
        examples.forEach(e -> System.out.println("  changed: " + e));
        assertTrue(rate < 0.001, "false-positive rate " + rate + ", e.g. " + examples);
    }
}
