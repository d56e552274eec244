package dev.veil.it.logs;

import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * The leak-hunt matrix, generated identically in the child application (which logs it) and in the test
 * (which checks the output): layout × where the secret sits × secret and its encoding. The framework and
 * the output (file, console, an in-memory stream the application reads back) are the other two dimensions:
 * every case is logged once per layout and read back from each output.
 *
 * <p>Secrets are of two sorts. Detector secrets (well-known key shapes, a private key block, a JDBC
 * password) must become {@code [REDACTED:<detector>]}. The registered value is a real credential value
 * that the child obtained through the agent's bridge exactly as the HTTP hooks do (a placeholder injected
 * into a request header), so Veil registered it; it must become its placeholder in every encoding. A second
 * registered value holds the characters XML escapes.
 */
public final class LeakCorpus {
    public static final String PLACEHOLDER = "veil:corpus";
    /** The registered value: slash, plus and quote make its URL, JSON and base64 forms all differ. */
    public static final String VALUE = "Qx7/vR2+mK9\"tL4pW8z";
    /** The second registered value: {@code & < > '} make its XML-escaped forms differ too. */
    public static final String XML_PLACEHOLDER = "veil:corpus-xml";
    public static final String XML_VALUE = "Rb4<k&Tz>9'wQ2m\"Lp";
    /** Frame: in a stack frame's method name; cause-frame: in a cause's frame's class name. */
    public static final List<String> POSITIONS = List.of("message", "argument", "mdc", "exception", "cause", "suppressed", "frame", "cause-frame");

    /** What the application logs at the secret's position, what must appear there instead, and what must never appear. */
    public record Secret(String name, String logged, String expected, List<String> leaks) {}

    public record Case(String id, String layout, String position, Secret secret) {}

    private LeakCorpus() {}

    public static List<Secret> secrets() {
        List<Secret> out = new ArrayList<>();
        detector(out, "openai", "sk-proj-" + "Tz4kQ9wLm2Xc".repeat(4), "[REDACTED:openai-api-key]");
        detector(out, "github", "ghp_" + "aB3dE5gH7jK9mN1pQ3sT5vW7yZ9bC1dE3fG5", "[REDACTED:github-pat]");
        detector(out, "aws", "AKIAQ3EGRZ7UVWXY2345", "[REDACTED:aws-access-key-id]");
        detector(out, "jdbc", "jdbc:postgresql://db:5432/app?user=app&password=Tr0ub4dor-x9q",
                "jdbc:postgresql://db:5432/app?user=app&password=[REDACTED:jdbc-password]", "Tr0ub4dor-x9q");
        detector(out, "pem", "-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\nBKcwggSjAgEAAoIBAQC7vbqajDw4o6gJ\n-----END PRIVATE KEY-----",
                "[REDACTED:private-key]", "MIIEvQIBADANBgkqhkiG9w0BAQEFAASC", "BKcwggSjAgEAAoIBAQC7vbqajDw4o6gJ");
        // Registered value, each encoding DESIGN.md lists; expected null: the test derives the exact text.
        out.add(new Secret("value-raw", VALUE, null, List.of(VALUE)));
        out.add(new Secret("value-url", URLEncoder.encode(VALUE, StandardCharsets.UTF_8), null, List.of(URLEncoder.encode(VALUE, StandardCharsets.UTF_8))));
        out.add(new Secret("value-json", json(VALUE), null, List.of(json(VALUE))));
        String[] pads = {"", "a", "ab"};
        for (int align = 0; align < 3; align++) {
            String b64 = b64(Base64.getEncoder(), pads[align] + VALUE);
            out.add(new Secret("value-base64-" + align, b64, null, List.of(b64.substring(align == 0 ? 0 : 4, b64.length() - 4))));
            String url = b64(Base64.getUrlEncoder(), pads[align] + VALUE);
            out.add(new Secret("value-base64url-" + align, url, null, List.of(url.substring(align == 0 ? 0 : 4, url.length() - 4))));
        }
        String basic = b64(Base64.getEncoder(), "agent:" + VALUE);
        out.add(new Secret("value-basic", "Basic " + basic, null, List.of(basic.substring(8, basic.length() - 4))));
        out.add(new Secret("xmlvalue-raw", XML_VALUE, null, List.of(XML_VALUE)));
        out.add(new Secret("xmlvalue-xml", xml(XML_VALUE), null, List.of(xml(XML_VALUE))));
        out.add(new Secret("xmlvalue-json", json(XML_VALUE), null, List.of(json(XML_VALUE))));
        return out;
    }

    /** A detector secret raw, and inside a JSON document the application logs (so JSON-escaped). */
    private static void detector(List<Secret> out, String name, String secret, String marked, String... leaks) {
        List<String> leakList = leaks.length == 0 ? List.of(secret) : List.of(leaks);
        out.add(new Secret(name + "-raw", secret, marked, leakList));
        out.add(new Secret(name + "-json", "{\"k\":\"" + json(secret) + "\"}", "{\"k\":\"" + json(marked) + "\"}", leakList));
    }

    public static List<Case> cases(String framework, List<String> layouts) {
        List<Case> out = new ArrayList<>();
        int n = 0;
        for (String layout : layouts) {
            for (String position : POSITIONS) {
                if (!hasMdc(framework) && position.equals("mdc")) continue;
                for (Secret s : secrets()) {
                    out.add(new Case(String.format("c%05dx", n++), layout, position, s));
                }
            }
        }
        return out;
    }

    /**
     * In the child: each corpus credential's placeholder goes through the agent's bridge as the HTTP
     * instrumentation sends it (a request header for an allowed URL): Veil resolves the real value and
     * registers it for scrubbing.
     */
    static void registerValues() throws Exception {
        registerValue(LeakCorpus.PLACEHOLDER, LeakCorpus.VALUE);
        registerValue(LeakCorpus.XML_PLACEHOLDER, LeakCorpus.XML_VALUE);
    }

    private static void registerValue(String placeholder, String value) throws Exception {
        Object injected = Class.forName("dev.veil.agent.bootstrap.Bridge", true, null)
                .getMethod("http", String.class, String.class, String.class, String.class)
                .invoke(null, "GET", "https://api.example.test/v1/models", "header", "Bearer " + placeholder);
        if (!("Bearer " + value).equals(injected)) {
            throw new IllegalStateException("the corpus credential " + placeholder + " was not injected");
        }
    }

    /** JUL and SLF4J simple have no MDC. */
    static boolean hasMdc(String framework) {
        return framework.equals("logback") || framework.equals("log4j2");
    }

    /** The exception a case logs at an exception position, the text where the position says; null elsewhere. */
    static Throwable exception(String position, String text) {
        return switch (position) {
            case "exception" -> new IOException(text);
            case "cause" -> new RuntimeException("wrapper", new IllegalStateException(text));
            case "suppressed" -> {
                RuntimeException e = new RuntimeException("outer");
                e.addSuppressed(new IllegalArgumentException(text));
                yield e;
            }
            case "frame" -> framed(new IOException("frame case"), new StackTraceElement("com.example.Leak", text, "Leak.java", 7));
            case "cause-frame" -> new RuntimeException("wrapper",
                    framed(new IllegalStateException("cause frame case"), new StackTraceElement(text, "run", "Leak.java", 9)));
            default -> null;
        };
    }

    private static Throwable framed(Throwable t, StackTraceElement top) {
        t.setStackTrace(new StackTraceElement[] {top, new StackTraceElement("com.example.Main", "main", "Main.java", 3)});
        return t;
    }

    /** The message that carries the case id; the secret text sits between "before " and " after". */
    public static String around(String text) {
        return "before " + text + " after";
    }

    static String json(String s) {
        StringBuilder b = new StringBuilder();
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                default -> b.append(c);
            }
        }
        return b.toString();
    }

    static String xml(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }

    private static String b64(Base64.Encoder enc, String s) {
        return enc.encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }
}
