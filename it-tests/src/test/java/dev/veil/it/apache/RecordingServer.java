package dev.veil.it.apache;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import javax.net.ssl.SSLContext;

/**
 * A JDK HttpServer on 127.0.0.1 that records every request exactly as it arrived (request target, headers,
 * body) and answers by path: redirects, a flaky first answer, a Basic challenge, an echo of the secret split
 * across chunks, a binary body.
 */
final class RecordingServer implements AutoCloseable {
    /** One request as it arrived. */
    record Hit(String method, String target, Map<String, List<String>> headers, String body) {
        String header(String name) {
            List<String> v = headers.get(name.toLowerCase(Locale.ROOT));
            return v == null ? null : String.join(",", v);
        }

        String path() {
            int q = target.indexOf('?');
            return q < 0 ? target : target.substring(0, q);
        }

        @Override public String toString() { return method + " " + target + " " + headers + " " + body; }
    }

    private final HttpServer server;
    private final String secret;
    private final List<Hit> hits = new ArrayList<>();
    private final Map<String, AtomicInteger> counts = new ConcurrentHashMap<>();

    private RecordingServer(HttpServer server, String secret) {
        this.server = server;
        this.secret = secret;
        server.createContext("/", this::handle);
        server.start();
    }

    static RecordingServer http(String secret) throws IOException {
        return new RecordingServer(HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0), secret);
    }

    static RecordingServer https(String secret, SSLContext tls) throws IOException {
        HttpsServer s = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        s.setHttpsConfigurator(new HttpsConfigurator(tls));
        return new RecordingServer(s, secret);
    }

    int port() { return server.getAddress().getPort(); }

    synchronized List<Hit> hits() { return List.copyOf(hits); }

    List<Hit> hits(String path) { return hits().stream().filter(h -> h.path().equals(path)).collect(Collectors.toList()); }

    private void handle(HttpExchange ex) throws IOException {
        Map<String, List<String>> headers = new TreeMap<>();
        ex.getRequestHeaders().forEach((k, v) -> headers.put(k.toLowerCase(Locale.ROOT), List.copyOf(v)));
        String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        String target = ex.getRequestURI().getRawPath() + (ex.getRequestURI().getRawQuery() == null ? "" : "?" + ex.getRequestURI().getRawQuery());
        Hit hit = new Hit(ex.getRequestMethod(), target, headers, body);
        synchronized (this) {
            hits.add(hit);
        }
        String path = hit.path();
        int count = counts.computeIfAbsent(path, p -> new AtomicInteger()).incrementAndGet();
        if (path.startsWith("/v1/redirect")) {
            String query = ex.getRequestURI().getRawQuery();
            ex.getResponseHeaders().set("Location", URLDecoder.decode(query.substring(query.indexOf("to=") + 3), StandardCharsets.UTF_8));
            ex.sendResponseHeaders(302, -1);
        } else if (path.equals("/v1/retry") && count == 1) {
            if (target.contains("drop=1")) throw new IOException("dropping the first attempt");   // the connection closes unanswered
            ex.getResponseHeaders().set("Retry-After", "0");
            ex.sendResponseHeaders(503, -1);
        } else if (path.equals("/v1/auth") && hit.header("Authorization") == null) {
            ex.getResponseHeaders().set("WWW-Authenticate", "Basic realm=\"veil-test\"");
            ex.sendResponseHeaders(401, -1);
        } else if (path.equals("/v1/echo")) {
            ex.getResponseHeaders().set("Content-Type", "application/json");
            ex.getResponseHeaders().set("X-Echo", "key=" + secret);
            ex.sendResponseHeaders(200, 0);   // chunked: the secret is split across two chunks
            try (OutputStream out = ex.getResponseBody()) {
                out.write(("{\"echo\":\"" + secret.substring(0, 5)).getBytes(StandardCharsets.UTF_8));
                out.flush();
                sleep();
                out.write((secret.substring(5) + "\",\"ok\":true}").getBytes(StandardCharsets.UTF_8));
            }
        } else if (path.equals("/v1/binary")) {
            byte[] bytes = ("\u0000" + secret + "\u0000").getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().set("Content-Type", "application/octet-stream");
            ex.sendResponseHeaders(200, bytes.length);
            try (OutputStream out = ex.getResponseBody()) {
                out.write(bytes);
            }
        } else {
            byte[] ok = "ok".getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().set("Content-Type", "text/plain");
            ex.sendResponseHeaders(200, ok.length);
            try (OutputStream out = ex.getResponseBody()) {
                out.write(ok);
            }
        }
        ex.close();
    }

    private static void sleep() {
        try {
            Thread.sleep(100);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() { server.stop(0); }
}
