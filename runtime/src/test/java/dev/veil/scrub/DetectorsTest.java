package dev.veil.scrub;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.veil.rules.ScrubSettings;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeSet;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** Every built-in detector against an obviously fake sample of its shape and a near miss. */
class DetectorsTest {
    private static final String ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    private static final String B64URL = ALNUM + "-_";
    private static final String B64 = ALNUM + "+/";
    private static final String HEX = "0123456789abcdef";
    private static final Random RANDOM = new Random(42);

    static String r(String alphabet, int n) {
        StringBuilder sb = new StringBuilder(n);
        for (int i = 0; i < n; i++) {
            sb.append(alphabet.charAt(RANDOM.nextInt(alphabet.length())));
        }
        return sb.toString();
    }

    /** A sample, the text it must become, and a near miss that must stay as it is. */
    record Case(String sample, String expected, String nearMiss) {}

    private static Case whole(String name, String sample, String nearMiss) {
        return new Case(sample, "[REDACTED:" + name + "]", nearMiss);
    }

    static Map<String, Case> cases() {
        Map<String, Case> c = new LinkedHashMap<>();
        c.put("openai-api-key", whole("openai-api-key", "sk-proj-" + r(ALNUM, 48), "sk-proj-" + r(ALNUM, 12)));
        c.put("anthropic-api-key", whole("anthropic-api-key", "sk-ant-api03-" + r(B64URL, 80) + "AA", "sk-ant-api03-" + r(ALNUM, 10)));
        c.put("aws-access-key-id", whole("aws-access-key-id", "AKIA" + r("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", 16), "AKIA" + r("ABCDEFGHIJKLMNOPQRSTUVWXYZ", 15)));
        String awsSecret = r(B64, 40);
        c.put("aws-secret-access-key", new Case("aws_secret_access_key = " + awsSecret,
                "aws_secret_access_key = [REDACTED:aws-secret-access-key]", "aws_secret_access_key = " + awsSecret.substring(1)));
        c.put("github-pat", whole("github-pat", "ghp_" + r(ALNUM, 36), "ghp_" + r(ALNUM, 20)));
        c.put("github-oauth-token", whole("github-oauth-token", "gho_" + r(ALNUM, 36), "gho_" + r(ALNUM, 35)));
        c.put("github-app-token", whole("github-app-token", "ghs_" + r(ALNUM, 36), "ghx_" + r(ALNUM, 36)));
        c.put("github-refresh-token", whole("github-refresh-token", "ghr_" + r(ALNUM, 36), "ghr_" + r(ALNUM, 8)));
        c.put("github-fine-grained-pat", whole("github-fine-grained-pat", "github_pat_" + r(ALNUM, 22) + "_" + r(ALNUM, 59),
                "github_pat_" + r(ALNUM, 22)));
        c.put("gitlab-pat", whole("gitlab-pat", "glpat-" + r(B64URL, 20), "glpat-" + r(ALNUM, 10)));
        c.put("stripe-key", whole("stripe-key", "sk_live_" + r(ALNUM, 24), "sk_live_" + r(ALNUM, 10)));
        c.put("slack-token", whole("slack-token", "xoxb-" + r("0123456789", 12) + "-" + r("0123456789", 13) + "-" + r(ALNUM, 24),
                "xoxb-12345"));
        c.put("slack-webhook", new Case("https://hooks.slack.com/services/T" + r(ALNUM, 8) + "/B" + r(ALNUM, 8) + "/" + r(ALNUM, 24),
                "https://[REDACTED:slack-webhook]", "https://hooks.slack.com/services/"));
        c.put("google-api-key", whole("google-api-key", "AIza" + r(B64URL, 35), "AIza" + r(ALNUM, 20)));
        c.put("google-oauth-token", whole("google-oauth-token", "ya29." + r(B64URL, 60), "ya29.short"));
        c.put("jwt", whole("jwt", "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0." + r(B64URL, 43),
                "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0"));
        c.put("private-key", whole("private-key", "-----BEGIN RSA PRIVATE KEY-----\n" + r(B64, 64) + "\n" + r(B64, 40)
                + "==\n-----END RSA PRIVATE KEY-----", "-----BEGIN PUBLIC KEY-----\n" + r(B64, 64) + "\n-----END PUBLIC KEY-----"));
        c.put("jdbc-password", new Case("jdbc:postgresql://db:5432/orders?user=app&password=" + r(ALNUM, 14) + "&ssl=true",
                "jdbc:postgresql://db:5432/orders?user=app&password=[REDACTED:jdbc-password]&ssl=true",
                "jdbc:postgresql://db:5432/orders?user=app&password=veil:orders-db"));
        c.put("url-credentials", new Case("https://deploy:" + r(ALNUM, 16) + "@git.example.com/repo.git",
                "https://deploy:[REDACTED:url-credentials]@git.example.com/repo.git",
                "https://git.example.com:8443/repo@v2 mailto:someone@example.com"));
        c.put("twilio-api-key", whole("twilio-api-key", "SK" + r(HEX, 32), "SK" + r(HEX, 31)));
        c.put("sendgrid-api-key", whole("sendgrid-api-key", "SG." + r(B64URL, 22) + "." + r(B64URL, 43), "SG.abc.def"));
        c.put("npm-token", whole("npm-token", "npm_" + r(ALNUM, 36), "npm_" + r(ALNUM, 20)));
        c.put("pypi-token", whole("pypi-token", "pypi-AgEIcHlwaS5vcmc" + r(B64URL, 60), "pypi-AgEshort"));
        c.put("huggingface-token", whole("huggingface-token", "hf_" + r(ALNUM, 34), "hf_" + r(ALNUM, 10)));
        c.put("azure-storage-account-key", new Case("DefaultEndpointsProtocol=https;AccountName=acct;AccountKey=" + r(B64, 86) + "==;EndpointSuffix=core.windows.net",
                "DefaultEndpointsProtocol=https;AccountName=acct;AccountKey=[REDACTED:azure-storage-account-key];EndpointSuffix=core.windows.net",
                "AccountKey=short=="));
        String discord = "M" + r(ALNUM, 23) + "." + r(B64URL, 6) + "." + r(B64URL, 27);
        c.put("discord-bot-token", new Case("discord token " + discord, "discord token [REDACTED:discord-bot-token]",
                "discord token M" + r(ALNUM, 10) + ".abc.def"));
        c.put("mailgun-api-key", whole("mailgun-api-key", "key-" + r(HEX, 32), "monkey-" + r(HEX, 32)));
        c.put("digitalocean-token", whole("digitalocean-token", "dop_v1_" + r(HEX, 64), "dop_v1_" + r(HEX, 63)));
        c.put("shopify-token", whole("shopify-token", "shpat_" + r(HEX, 32), "shpat_" + r(ALNUM, 32).replace('a', 'z') + "x"));
        c.put("square-token", whole("square-token", "sq0atp-" + r(B64URL, 22), "sq0atp-" + r(ALNUM, 12)));
        c.put("telegram-bot-token", whole("telegram-bot-token", r("123456789", 10) + ":AA" + r(B64URL, 33), "12345:AA" + r(ALNUM, 33)));
        c.put("databricks-token", whole("databricks-token", "dapi" + r(HEX, 32), "dapi" + r(HEX, 16)));
        c.put("age-secret-key", whole("age-secret-key", "AGE-SECRET-KEY-1" + r("QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L", 58),
                "AGE-SECRET-KEY-1" + r("QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L", 57)));
        c.put("linear-api-key", whole("linear-api-key", "lin_api_" + r(ALNUM, 40), "lin_api_" + r(ALNUM, 39)));
        c.put("doppler-token", whole("doppler-token", "dp.pt." + r(ALNUM, 43), "dp.pt.short"));
        return c;
    }

    private final Scrubber scrubber = new Scrubber(new ScrubSettings(true, List.of()));

    @Test
    void everyBuiltinDetectorHasACaseAndThereAreAtLeast25() {
        List<String> names = Detectors.of(new ScrubSettings(true, List.of())).names();
        assertEquals(new TreeSet<>(names), new TreeSet<>(cases().keySet()));
        assertTrue(names.size() >= 25, names.size() + " detectors");
    }

    @Test
    void samplesAreRedactedAndNearMissesAreNot() {
        for (Map.Entry<String, Case> e : cases().entrySet()) {
            Case c = e.getValue();
            String text = "2024-05-01 ERROR config: " + c.sample() + " (from env)";
            assertEquals("2024-05-01 ERROR config: " + c.expected() + " (from env)", scrubber.scrub(text), e.getKey());
            byte[] bytes = scrubber.scrub(text.getBytes(StandardCharsets.UTF_8));
            assertEquals("2024-05-01 ERROR config: " + c.expected() + " (from env)", new String(bytes, StandardCharsets.UTF_8), e.getKey());
            String miss = "2024-05-01 ERROR config: " + c.nearMiss() + " (from env)";
            assertSame(miss, scrubber.scrub(miss), e.getKey() + " near miss changed: " + scrubber.scrub(miss));
        }
    }

    @Test
    void samplesAtLineStartAndEndAndAmongOthers() {
        StringBuilder all = new StringBuilder();
        StringBuilder expected = new StringBuilder();
        for (Case c : cases().values()) {
            all.append(c.sample()).append('\n');
            expected.append(c.expected()).append('\n');
        }
        assertEquals(expected.toString(), scrubber.scrub(all.toString()));
    }

    @Test
    void aKeywordInsideAWordIsNoMatchWhereTheRegexWantsAWordStart() {
        String key = "sk-proj-" + r(ALNUM, 48);
        for (String before : new String[] {"", " ", "(", "=", "\"", "\n"}) {
            assertEquals(before + "[REDACTED:openai-api-key]", scrubber.scrub(before + key), "after '" + before + "'");
        }
        for (String before : new String[] {"task", "x", "9", "_"}) {
            String text = before + key;
            assertSame(text, scrubber.scrub(text), "after '" + before + "'");
        }
    }

    @Test
    void matchersKeptBetweenScrubsSeeOnlyTheTextAtHand() throws Exception {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 200; i++) {
            String pass = r(ALNUM, 12);
            String line = "GET https://api.example.com/v1?page=" + i + " via https://bob:" + pass + "@proxy.example.com";
            String scrubbed = i % 2 == 0 ? scrubber.scrub(line) : scrubber.scrub(sb.replace(0, sb.length(), line)) ? sb.toString() : line;
            assertEquals("GET https://api.example.com/v1?page=" + i + " via https://bob:[REDACTED:url-credentials]@proxy.example.com",
                    scrubbed);
        }
        // A text whose chars, once copied for the keyword pass, are read by the regex while it scrubs another
        // text with the same detectors: the nested scrub gets matchers of its own.
        Detectors detectors = Detectors.of(new ScrubSettings(true, List.of()));
        String inner = "https://eve:" + r(ALNUM, 12) + "@inner.example.com";
        Matches[] innerFound = new Matches[1];
        String outerText = "https://bob:" + r(ALNUM, 12) + "@outer.example.com";
        CharSequence outer = new CharSequence() {
            int reads;
            @Override public int length() { return outerText.length(); }
            @Override public char charAt(int i) {
                if (++reads > outerText.length() && innerFound[0] == null) innerFound[0] = detectors.find(inner);
                return outerText.charAt(i);
            }
            @Override public CharSequence subSequence(int s, int e) { return outerText.subSequence(s, e); }
            @Override public String toString() { return outerText; }
        };
        assertEquals(1, detectors.find(inner).size()); // leaves this thread a matcher to take
        Matches found = detectors.find(outer);
        assertEquals(1, innerFound[0].size());
        assertEquals("https://eve:".length(), innerFound[0].start(0));
        assertEquals(1, found.size());
        assertEquals("https://bob:".length(), found.start(0));
        assertEquals(outerText.indexOf('@'), found.end(0));
    }

    @Test
    void truncatedPrivateKeyIsRedactedToTheEnd() {
        String text = "key:\n-----BEGIN OPENSSH PRIVATE KEY-----\n" + r(B64, 70) + "\n" + r(B64, 70);
        assertEquals("key:\n[REDACTED:private-key]", scrubber.scrub(text));
    }

    @Test
    void keywordsAreCaseInsensitiveWhereDeclared() {
        String text = "JDBC:MYSQL://db/app?user=u&PASSWORD=" + r(ALNUM, 12);
        assertEquals("JDBC:MYSQL://db/app?user=u&PASSWORD=[REDACTED:jdbc-password]", scrubber.scrub(text));
    }

    @Test
    void userPatternsWithAndWithoutLiteralPrefix() {
        ScrubSettings settings = new ScrubSettings(false, List.of(
                new ScrubSettings.NamedPattern("internal-token", Pattern.compile("itk_[A-Za-z0-9]{32}")),
                new ScrubSettings.NamedPattern("employee-id", Pattern.compile("[0-9]{3}-EMP-[0-9]{4}"))));
        Detectors d = Detectors.of(settings);
        assertEquals(1, d.alwaysRunCount());
        Scrubber s = new Scrubber(settings);
        String token = "itk_" + r(ALNUM, 32);
        assertEquals("a [REDACTED:internal-token] b [REDACTED:employee-id]", s.scrub("a " + token + " b 123-EMP-4567"));
        String clean = "nothing to see";
        assertSame(clean, s.scrub(clean));
    }

    @Test
    void literalPrefixExtraction() {
        assertEquals("itk_", Detectors.literalPrefix(Pattern.compile("itk_[a-z]+")));
        assertEquals("abc", Detectors.literalPrefix(Pattern.compile("abcd?x")));
        assertNull(Detectors.literalPrefix(Pattern.compile("ab[a-z]+")));
        assertNull(Detectors.literalPrefix(Pattern.compile("foo_.*|bar_.*")));
        assertNull(Detectors.literalPrefix(Pattern.compile("(?i)token_x")));
    }

    @Test
    void placeholdersInUrlsAndJdbcAreNotRedacted() {
        String text = "jdbc:postgresql://db/orders?password=veil:orders-db and https://bot:veil:gh@example.com/x";
        assertSame(text, scrubber.scrub(text));
    }
}
