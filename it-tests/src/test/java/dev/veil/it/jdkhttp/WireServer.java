package dev.veil.it.jdkhttp;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;

/** Real local servers that record exactly what arrived on the wire. */
public final class WireServer implements AutoCloseable {
    /** One request as received: the raw request target and headers (names lower-cased), and the body. */
    public static final class Received {
        final String method;
        public final String target;
        final Map<String, String> headers;
        final String body;

        Received(String method, String target, Map<String, String> headers, String body) {
            this.method = method;
            this.target = target;
            this.headers = headers;
            this.body = body;
        }

        public String header(String name) { return headers.get(name.toLowerCase(Locale.ROOT)); }

        String scenario() { return header("X-Scenario"); }

        /** Everything received, for "the value never arrived" assertions. */
        public String all() { return method + " " + target + "\n" + headers + "\n" + body; }

        @Override public String toString() { return all(); }
    }

    public final List<Received> received = new CopyOnWriteArrayList<>();
    private final HttpServer server;
    private final ServerSocket raw;
    public final String base;

    private WireServer(HttpServer server, String scheme) {
        this.server = server;
        this.raw = null;
        this.base = scheme + "://" + server.getAddress().getAddress().getHostAddress() + ":" + server.getAddress().getPort();
    }

    private WireServer(ServerSocket raw) {
        this.server = null;
        this.raw = raw;
        this.base = "http://127.0.0.1:" + raw.getLocalPort();
    }

    /**
     * /v1/echo echoes X-Api-Key in the X-Echo header and Authorization and X-Api-Key in a chunked JSON
     * body sent in two halves with a flush and a pause between, the split falling inside the value;
     * /v1/redirect-same and /v1/redirect-cross answer 302; everything else 200 "ok".
     */
    public static WireServer http(String host, String crossTarget) throws IOException {
        HttpServer s = HttpServer.create(new InetSocketAddress(InetAddress.getByName(host), 0), 0);
        WireServer w = new WireServer(s, "http");
        s.createContext("/", ex -> w.handle(ex, crossTarget));
        s.start();
        return w;
    }

    static WireServer https(SSLContext tls) throws IOException {
        HttpsServer s = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        s.setHttpsConfigurator(new HttpsConfigurator(tls));
        WireServer w = new WireServer(s, "https");
        s.createContext("/", ex -> w.handle(ex, null));
        s.start();
        return w;
    }

    /** Raw HTTP/1.1 on 127.0.0.1: the {@code dropAt}-th request (1-based) is read, recorded and answered by closing the connection. */
    static WireServer flaky(int dropAt) throws IOException {
        ServerSocket ss = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"));
        WireServer w = new WireServer(ss);
        AtomicInteger count = new AtomicInteger();
        Thread t = new Thread(() -> {
            while (!ss.isClosed()) {
                try {
                    Socket s = ss.accept();
                    new Thread(() -> w.serveRaw(s, count, dropAt)).start();
                } catch (IOException e) {
                    return;
                }
            }
        });
        t.setDaemon(true);
        t.start();
        return w;
    }

    private void serveRaw(Socket s, AtomicInteger count, int dropAt) {
        try (s) {
            InputStream in = new BufferedInputStream(s.getInputStream());
            OutputStream out = s.getOutputStream();
            while (true) {
                String head = readHead(in);
                if (head == null) return;
                String[] lines = head.split("\r\n");
                String[] requestLine = lines[0].split(" ");
                Map<String, String> headers = new ConcurrentHashMap<>();
                for (int i = 1; i < lines.length; i++) {
                    int c = lines[i].indexOf(':');
                    headers.merge(lines[i].substring(0, c).trim().toLowerCase(Locale.ROOT), lines[i].substring(c + 1).trim(), (a, b) -> a + "," + b);
                }
                int length = Integer.parseInt(headers.getOrDefault("content-length", "0"));
                String body = new String(in.readNBytes(length), StandardCharsets.UTF_8);
                received.add(new Received(requestLine[0], requestLine[1], headers, body));
                if (count.incrementAndGet() == dropAt) return;
                out.write("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 2\r\n\r\nok".getBytes(StandardCharsets.US_ASCII));
                out.flush();
            }
        } catch (IOException ignored) {
            // the client went away
        }
    }

    private static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        int c;
        while ((c = in.read()) >= 0) {
            b.write(c);
            byte[] a = b.toByteArray();
            int n = a.length;
            if (n >= 4 && a[n - 4] == '\r' && a[n - 3] == '\n' && a[n - 2] == '\r' && a[n - 1] == '\n') {
                return new String(a, 0, n - 4, StandardCharsets.ISO_8859_1);
            }
        }
        return null;
    }

    private void handle(HttpExchange ex, String crossTarget) throws IOException {
        Map<String, String> headers = new ConcurrentHashMap<>();
        ex.getRequestHeaders().forEach((k, v) -> headers.put(k.toLowerCase(Locale.ROOT), String.join(",", v)));
        String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        received.add(new Received(ex.getRequestMethod(), ex.getRequestURI().getRawPath()
                + (ex.getRequestURI().getRawQuery() == null ? "" : "?" + ex.getRequestURI().getRawQuery()), headers, body));
        String path = ex.getRequestURI().getPath();
        try (ex) {
            if (path.equals("/v1/redirect-same") || path.equals("/v1/redirect-cross")) {
                ex.getResponseHeaders().add("Location", path.endsWith("same") ? "/v1/echo" : crossTarget + "/v1/echo");
                ex.sendResponseHeaders(302, -1);
                return;
            }
            if (!path.equals("/v1/echo")) {
                byte[] ok = "ok".getBytes(StandardCharsets.UTF_8);
                ex.getResponseHeaders().add("Content-Type", "text/plain");
                ex.sendResponseHeaders(200, ok.length);
                ex.getResponseBody().write(ok);
                return;
            }
            String key = headers.getOrDefault("x-api-key", "");
            String json = "{\"auth\":\"" + headers.getOrDefault("authorization", "") + "\",\"key\":\"" + key + "\",\"body\":" 
                    + (body.isEmpty() ? "null" : body) + "}\n";
            byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
            int split = json.indexOf(key.isEmpty() ? "\"key\"" : key) + Math.max(1, key.length() / 2);
            ex.getResponseHeaders().add("Content-Type", "application/json");
            ex.getResponseHeaders().add("X-Echo", key);
            ex.sendResponseHeaders(200, 0); // chunked
            OutputStream os = ex.getResponseBody();
            os.write(bytes, 0, split);
            os.flush();
            Thread.sleep(50);
            os.write(bytes, split, bytes.length - split);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    public List<Received> byScenario(String name) {
        return received.stream().filter(r -> name.equals(r.scenario())).collect(java.util.stream.Collectors.toList());
    }

    @Override
    public void close() throws IOException {
        if (server != null) server.stop(0);
        if (raw != null) raw.close();
    }
}
