package dev.veil.it.apache;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The scenarios every Apache client app runs in its child JVM, one output line each:
 * {@code <name> status=<code> ...} or {@code <name> error <exception class>: <message> ...}. The app
 * never prints the secret itself: it prints whether it saw it ({@code leaked=}).
 */
final class Scenarios {
    /** One client flavour. */
    interface Sender {
        Outcome send(String method, String url, Map<String, String> headers, String jsonBody) throws Exception;
    }

    /** What came back, and what the application's own request object held after the call. */
    record Outcome(int status, String echo, byte[] body, String afterHeaders, String afterTarget, String afterBody) {}

    private Scenarios() {}

    /** args: server A base, server B base (another host), TLS base, query that makes /v1/retry fail by dropping the connection (or ""). */
    static void run(Sender s, String[] args) {
        String a = args[0], b = args[1], tls = args[2], retry = args[3];
        String secret = System.getenv("VEIL_T_SECRET");
        Map<String, String> key = Map.of("X-Api-Key", "veil:t");
        String basic = "Basic " + Base64.getEncoder().encodeToString("user:veil:t".getBytes(StandardCharsets.UTF_8));
        one(s, secret, "header", "GET", a + "/v1/header", headers("Authorization", "Bearer veil:t", "X-Api-Key", "veil:t"), null);
        one(s, secret, "basic", "GET", a + "/v1/basic", Map.of("Authorization", basic), null);
        one(s, secret, "query", "GET", a + "/v1/query?key=veil:t&x=1", Map.of(), null);
        // As URIBuilder.addParameter encodes it.
        one(s, secret, "query-encoded", "GET", a + "/v1/query-encoded?key=veil%3At&x=1", Map.of(), null);
        one(s, secret, "body", "POST", a + "/v1/body", Map.of(), "{\"key\":\"veil:t\",\"n\":1}");
        one(s, secret, "auth", "GET", a + "/v1/auth", Map.of(), null);
        one(s, secret, "wrong-host", "GET", b + "/v1/wrong-host", key, null);
        one(s, secret, "wrong-method", "DELETE", a + "/v1/wrong-method", key, null);
        one(s, secret, "wrong-path", "GET", a + "/v2/wrong-path", key, null);
        one(s, secret, "wrong-agent", "GET", a + "/v1/wrong-agent", Map.of("X-Api-Key", "veil:o"), null);
        for (int i = 1; i <= 3; i++) one(s, secret, "rate-" + i, "GET", a + "/v1/rate", Map.of("X-Api-Key", "veil:r"), null);
        one(s, secret, "unknown", "GET", a + "/v1/unknown", Map.of("X-Api-Key", "veil:nope"), null);
        one(s, secret, "redirect-auth", "GET", a + "/v1/redirect-auth?to=" + enc(b + "/v1/landing-auth"), Map.of("Authorization", "Bearer veil:t"), null);
        one(s, secret, "redirect-key", "GET", a + "/v1/redirect-key?to=" + enc(b + "/v1/landing-key"), key, null);
        one(s, secret, "redirect-same", "GET", a + "/v1/redirect-same?to=" + enc("/v1/landing-same"), key, null);
        one(s, secret, "retry", "GET", a + "/v1/retry" + retry, key, null);
        one(s, secret, "echo", "GET", a + "/v1/echo", key, null);
        one(s, secret, "binary", "GET", a + "/v1/binary", key, null);
        one(s, secret, "tls", "GET", tls + "/v1/tls", key, null);
        one(s, secret, "real-value", "GET", b + "/v1/real-value", Map.of("X-Api-Key", secret), null);
    }

    private static void one(Sender s, String secret, String name, String method, String url, Map<String, String> headers, String body) {
        StringBuilder line = new StringBuilder(name).append(' ');
        try {
            Outcome o = s.send(method, url, headers, body);
            String text = new String(o.body(), StandardCharsets.UTF_8);
            byte[] binary = ("\u0000" + secret + "\u0000").getBytes(StandardCharsets.UTF_8);
            line.append("status=").append(o.status())
                    .append(" echo=").append(o.echo())
                    .append(" body=").append(text.replace(secret, "<SECRET>").replace('\u0000', '.'))
                    .append(" binary-intact=").append(Arrays.equals(o.body(), binary))
                    .append(" leaked=").append(text.contains(secret) || String.valueOf(o.echo()).contains(secret))
                    .append(" after-headers=").append(o.afterHeaders().replace(secret, "<SECRET>"))
                    .append(" after-target=").append(o.afterTarget().replace(secret, "<SECRET>"))
                    .append(" after-body=").append(o.afterBody() == null ? "" : o.afterBody().replace(secret, "<SECRET>"));
        } catch (Exception e) {
            Throwable t = e instanceof java.util.concurrent.ExecutionException && e.getCause() != null ? e.getCause() : e;
            String message = String.valueOf(t.getMessage());
            line.append("error ").append(t.getClass().getName()).append(": ").append(message.replace(secret, "<SECRET>"))
                    .append(" leaked=").append(message.contains(secret))
                    .append(" io=").append(t instanceof java.io.IOException);
        }
        System.out.println(line);
    }

    private static Map<String, String> headers(String... kv) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) m.put(kv[i], kv[i + 1]);
        return m;
    }

    private static String enc(String s) { return URLEncoder.encode(s, StandardCharsets.UTF_8); }

    static int port(String base) { return Integer.parseInt(base.substring(base.lastIndexOf(':') + 1)); }
}
