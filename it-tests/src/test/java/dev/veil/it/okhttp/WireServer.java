package dev.veil.it.okhttp;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.stream.Collectors;
import javax.net.ssl.SSLContext;

/** A loopback HTTP(S) server that records every request exactly as it arrived and answers through a handler. */
final class WireServer implements AutoCloseable {
    /** One request as received on the wire. */
    static final class Hit {
        final String method;
        final String uri;
        final com.sun.net.httpserver.Headers headers;
        final String body;

        Hit(String method, String uri, com.sun.net.httpserver.Headers headers, String body) {
            this.method = method;
            this.uri = uri;
            this.headers = headers;
            this.body = body;
        }

        String header(String name) { return headers.getFirst(name); }

        String path() { int q = uri.indexOf('?'); return q < 0 ? uri : uri.substring(0, q); }

        @Override public String toString() { return method + " " + uri + " " + headers.entrySet() + " " + body; }
    }

    interface Handler {
        void handle(Hit hit, HttpExchange exchange) throws IOException;
    }

    final List<Hit> hits = new CopyOnWriteArrayList<>();
    private final HttpServer server;

    private WireServer(HttpServer server, Handler handler) {
        this.server = server;
        server.setExecutor(Executors.newCachedThreadPool());
        server.createContext("/", exchange -> {
            Hit hit = new Hit(exchange.getRequestMethod(), exchange.getRequestURI().getRawPath()
                    + (exchange.getRequestURI().getRawQuery() == null ? "" : "?" + exchange.getRequestURI().getRawQuery()),
                    exchange.getRequestHeaders(), new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            hits.add(hit);
            handler.handle(hit, exchange);
            exchange.close();
        });
        server.start();
    }

    static WireServer http(Handler handler) throws IOException {
        return new WireServer(HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0), handler);
    }

    static WireServer https(SSLContext ssl, Handler handler) throws IOException {
        HttpsServer s = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        s.setHttpsConfigurator(new HttpsConfigurator(ssl));
        return new WireServer(s, handler);
    }

    int port() { return server.getAddress().getPort(); }

    List<Hit> hits(String path) { return hits.stream().filter(h -> h.path().equals(path)).collect(Collectors.toList()); }

    /** Sends {@code parts} as separate chunks with a pause between them, so the client reads them separately. */
    static void respond(HttpExchange exchange, int status, String contentType, String... parts) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", contentType);
        exchange.sendResponseHeaders(status, 0);
        OutputStream out = exchange.getResponseBody();
        for (String part : parts) {
            out.write(part.getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        out.close();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
