package dev.veil.it.apps;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.apache.hc.client5.http.classic.methods.HttpGet;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.io.entity.EntityUtils;
import org.apache.hc.core5.net.URIBuilder;

/**
 * Builds a JDK HttpClient, an OkHttpClient and an Apache 5 classic client and calls through each without
 * placeholders (so every class involved is loaded), says "ready" and waits for a line on stdin (the test
 * attaches Veil meanwhile), then calls through the SAME client objects with placeholders and says "done".
 * One line per call: {@code <client>-<scenario> OK <status> <X-Echo> <body>} or
 * {@code <client>-<scenario> DENIED <exception class> <message>}. The query placeholder goes in as the
 * clients' URL builders encode it ({@code veil%3Aapikey}) for OkHttp and Apache, raw for the JDK client.
 * Args: the allowed server's base URL, another host's base URL.
 */
public final class ClientsBeforeAttach {
    private interface Call {
        String send(String scenario, String url, String apiKey) throws Exception;
    }

    public static void main(String[] args) throws Exception {
        String api = args[0];
        String other = args[1];
        HttpClient jdk = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        OkHttpClient ok = new OkHttpClient();
        try (CloseableHttpClient apache = HttpClients.createDefault()) {
            Call jdkCall = (scenario, url, key) -> {
                HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).header("X-Scenario", scenario);
                if (key != null) b.header("X-Api-Key", key);
                HttpResponse<String> r = jdk.send(b.build(), HttpResponse.BodyHandlers.ofString());
                return r.statusCode() + " " + r.headers().firstValue("X-Echo").orElse("-") + " " + r.body();
            };
            Call okCall = (scenario, url, key) -> {
                Request.Builder b = new Request.Builder().url(url).header("X-Scenario", scenario);
                if (key != null) b.header("X-Api-Key", key);
                try (Response r = ok.newCall(b.build()).execute()) {
                    return r.code() + " " + r.header("X-Echo", "-") + " " + r.body().string();
                }
            };
            Call apacheCall = (scenario, url, key) -> {
                HttpGet get = new HttpGet(url);
                get.setHeader("X-Scenario", scenario);
                if (key != null) get.setHeader("X-Api-Key", key);
                return apache.execute(get, r -> {
                    Header echo = r.getFirstHeader("X-Echo");
                    return r.getCode() + " " + (echo == null ? "-" : echo.getValue()) + " " + EntityUtils.toString(r.getEntity());
                });
            };
            run("jdk-before", jdkCall, api + "/v1/echo", null);
            run("okhttp-before", okCall, api + "/v1/echo", null);
            run("apache-before", apacheCall, api + "/v1/echo", null);

            System.out.println("ready");
            new BufferedReader(new InputStreamReader(System.in)).readLine();

            run("jdk-header", jdkCall, api + "/v1/echo", "veil:apikey");
            run("jdk-query", jdkCall, api + "/v1/echo?key=veil:apikey&x=1", null);
            run("jdk-denied", jdkCall, other + "/v1/echo", "veil:apikey");
            run("okhttp-header", okCall, api + "/v1/echo", "veil:apikey");
            run("okhttp-query", okCall, HttpUrl.get(api + "/v1/echo").newBuilder()
                    .addQueryParameter("key", "veil:apikey").addQueryParameter("x", "1").build().toString(), null);
            run("okhttp-denied", okCall, other + "/v1/echo", "veil:apikey");
            run("apache-header", apacheCall, api + "/v1/echo", "veil:apikey");
            run("apache-query", apacheCall, new URIBuilder(api + "/v1/echo").addParameter("key", "veil:apikey")
                    .addParameter("x", "1").build().toString(), null);
            run("apache-denied", apacheCall, other + "/v1/echo", "veil:apikey");
        }
        System.out.println("done");
    }

    private static void run(String scenario, Call call, String url, String apiKey) {
        try {
            System.out.println(scenario + " OK " + call.send(scenario, url, apiKey).replace('\n', '~'));
        } catch (Exception e) {
            System.out.println(scenario + " DENIED " + e.getClass().getName() + " " + String.valueOf(e.getMessage()).replace('\n', ' '));
        }
    }
}
