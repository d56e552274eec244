package dev.veil.cli;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The demo's two loopback servers: a stand-in LLM API that answers only the real key, and an attacker's
 * endpoint that records what reaches it. Kept apart from {@link DemoCommand} so that the CLI's other
 * commands never link against jdk.httpserver.
 */
final class DemoServers implements AutoCloseable {
    private final String realKey;
    private final HttpServer api;
    private final HttpServer evil;
    private final AtomicInteger authorized = new AtomicInteger();
    private final AtomicInteger unauthorized = new AtomicInteger();
    private final AtomicInteger evilRequests = new AtomicInteger();
    private volatile boolean evilGotRealKey;

    private DemoServers(String realKey) throws IOException {
        this.realKey = realKey;
        InetSocketAddress loopback = new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0);
        api = HttpServer.create(loopback, 0);
        api.createContext("/v1/", this::answer);
        evil = HttpServer.create(loopback, 0);
        evil.createContext("/", this::collect);
    }

    static DemoServers start(String realKey) throws IOException {
        DemoServers s = new DemoServers(realKey);
        s.api.start();
        s.evil.start();
        return s;
    }

    String apiUrl() { return "http://127.0.0.1:" + apiPort(); }
    int apiPort() { return api.getAddress().getPort(); }
    String evilUrl() { return "http://127.0.0.1:" + evil.getAddress().getPort(); }
    int authorized() { return authorized.get(); }
    int unauthorized() { return unauthorized.get(); }
    int evilRequests() { return evilRequests.get(); }
    boolean evilGotRealKey() { return evilGotRealKey; }

    private void answer(HttpExchange x) throws IOException {
        drain(x.getRequestBody());
        if (("Bearer " + realKey).equals(x.getRequestHeaders().getFirst("Authorization"))) {
            authorized.incrementAndGet();
            reply(x, 200, "{\"id\":\"chat-1\",\"object\":\"chat.completion\",\"choices\":[{\"index\":0,\"message\":"
                    + "{\"role\":\"assistant\",\"content\":\"Hello! (answered by the demo LLM API on loopback)\"}}]}");
        } else {
            unauthorized.incrementAndGet();
            reply(x, 401, "{\"error\":{\"message\":\"invalid API key\",\"type\":\"invalid_request_error\"}}");
        }
    }

    private void collect(HttpExchange x) throws IOException {
        evilRequests.incrementAndGet();
        byte[] body = drain(x.getRequestBody());
        String seen = String.valueOf(x.getRequestHeaders().values()) + new String(body, StandardCharsets.UTF_8);
        if (seen.contains(realKey)) evilGotRealKey = true;
        reply(x, 200, "{\"thanks\":true}");
    }

    private static byte[] drain(InputStream in) throws IOException {
        try (in) {
            return in.readAllBytes();
        }
    }

    private static void reply(HttpExchange x, int status, String json) throws IOException {
        byte[] body = json.getBytes(StandardCharsets.UTF_8);
        x.getResponseHeaders().set("Content-Type", "application/json");
        x.sendResponseHeaders(status, body.length);
        try (OutputStream out = x.getResponseBody()) {
            out.write(body);
        }
    }

    @Override
    public void close() {
        api.stop(0);
        evil.stop(0);
    }
}
