package dev.veil.jmh;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.apache.hc.client5.http.classic.methods.HttpGet;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.core5.http.io.entity.EntityUtils;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * One HTTP/1.1 GET round trip on loopback, keep-alive, against an in-process JDK HttpServer, with the JDK
 * HttpClient, OkHttp and Apache HttpClient 5. {@code auth}: {@code none} sends no credential, {@code real}
 * sends the real key itself, {@code placeholder} sends {@code veil:bench} for the agent to swap in.
 * {@link AgentOverhead} runs this class without and with the agent and prints the ratios.
 * The server answers 401 to a wrong key; teardown reports any, so a placeholder that was not swapped shows.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class HttpRoundTrip {
    @Param({"none", "real", "placeholder"})
    public String auth;

    private HttpServer server;
    private final AtomicLong rejected = new AtomicLong();
    private String expected;
    private String header;
    private URI uri;
    private HttpClient jdk;
    private HttpRequest jdkRequest;
    private OkHttpClient okhttp;
    private Request okRequest;
    private CloseableHttpClient apache;

    @Setup
    public void setUp() throws Exception {
        String real = BenchSetup.readRealKey(System.getProperty("veil.bench.realkey"));
        expected = auth.equals("none") ? null : "Bearer " + real;
        header = auth.equals("none") ? null : "Bearer " + (auth.equals("real") ? real : BenchSetup.PLACEHOLDER);
        // Without it the server writes headers and body in two segments and Nagle plus delayed ACK add ~40 ms.
        System.setProperty("sun.net.httpserver.nodelay", "true");
        server = HttpServer.create(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0), 0);
        server.createContext("/v1/", this::answer);
        server.start();
        uri = URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/v1/ping");

        jdk = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        HttpRequest.Builder jb = HttpRequest.newBuilder(uri);
        if (header != null) jb.header("Authorization", header);
        jdkRequest = jb.build();

        okhttp = new OkHttpClient();
        Request.Builder ob = new Request.Builder().url(uri.toString());
        if (header != null) ob.header("Authorization", header);
        okRequest = ob.build();

        apache = HttpClients.createDefault();
    }

    private void answer(HttpExchange x) throws IOException {
        x.getRequestBody().readAllBytes();
        boolean ok = expected == null || expected.equals(x.getRequestHeaders().getFirst("Authorization"));
        if (!ok) rejected.incrementAndGet();
        byte[] body = (ok ? "{\"ok\":true}" : "{\"ok\":false}").getBytes(StandardCharsets.UTF_8);
        x.getResponseHeaders().set("Content-Type", "application/json");
        x.sendResponseHeaders(ok ? 200 : 401, body.length);
        try (OutputStream out = x.getResponseBody()) {
            out.write(body);
        }
    }

    @TearDown
    public void tearDown() throws IOException {
        apache.close();
        okhttp.dispatcher().executorService().shutdown();
        okhttp.connectionPool().evictAll();
        server.stop(0);
        if (rejected.get() > 0) {
            System.out.println("WARNING auth=" + auth + ": the server rejected " + rejected.get()
                    + " request(s): the key it expected did not arrive (placeholder not swapped in?)");
        }
    }

    @Benchmark
    public String jdkHttpClient() throws Exception {
        return jdk.send(jdkRequest, HttpResponse.BodyHandlers.ofString()).body();
    }

    @Benchmark
    public String okhttp() throws IOException {
        try (Response r = okhttp.newCall(okRequest).execute()) {
            return r.body().string();
        }
    }

    @Benchmark
    public String apache5() throws IOException {
        HttpGet get = new HttpGet(uri);
        if (header != null) get.setHeader("Authorization", header);
        return apache.execute(get, response -> EntityUtils.toString(response.getEntity()));
    }
}
