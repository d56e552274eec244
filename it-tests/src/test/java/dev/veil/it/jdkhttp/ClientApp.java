package dev.veil.it.jdkhttp;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.stream.Collectors;

/**
 * Runs in the child JVM: one request per line of stdin-free arguments, through HttpURLConnection ("huc") or
 * java.net.http.HttpClient over HTTP/1.1 ("jhc") or HTTP/2 ("jhc2"), printing one line per scenario:
 * {@code name OK status body-in-one-line x-echo-header} or {@code name DENIED exception-class message}.
 * Argument form: {@code client scenario=METHOD,url,header1:value1|header2:value2,body,reader}.
 */
public final class ClientApp {
    public static void main(String[] args) throws Exception {
        String client = args[0];
        HttpClient jhc = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NORMAL)
                .version(client.equals("jhc2") ? HttpClient.Version.HTTP_2 : HttpClient.Version.HTTP_1_1).build();
        for (int i = 1; i < args.length; i++) {
            String[] kv = args[i].split("=", 2);
            String[] f = kv[1].split(",", -1);
            String name = kv[0];
            String method = f[0];
            String url = f[1];
            String headers = f[2].replace("$SECRET", System.getenv("VEIL_TEST_APIKEY"));
            String body = f[3].isEmpty() ? null : f[3].replace(';', ',');
            String reader = f[4];
            try {
                String out = client.equals("huc") ? huc(name, method, url, headers, body)
                        : jhc(jhc, name, method, url, headers, body, reader);
                System.out.println(name + " OK " + out);
            } catch (Exception e) {
                Throwable t = e;
                while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) t = t.getCause();
                System.out.println(name + " DENIED " + t.getClass().getName() + " " + String.valueOf(t.getMessage()).replace('\n', ' '));
            }
        }
    }

    private static String[][] headerPairs(String headers) {
        if (headers.isEmpty()) return new String[0][];
        String[] hs = headers.split("\\|");
        String[][] out = new String[hs.length][];
        for (int i = 0; i < hs.length; i++) {
            String[] p = hs[i].split(":", 2);
            String v = p[1];
            if (v.startsWith("basic ")) v = "Basic " + Base64.getEncoder().encodeToString(v.substring(6).getBytes(StandardCharsets.UTF_8));
            out[i] = new String[] {p[0], v};
        }
        return out;
    }

    private static String huc(String name, String method, String url, String headers, String body) throws IOException {
        HttpURLConnection c = (HttpURLConnection) new URL(url).openConnection();
        c.setRequestMethod(method);
        c.setRequestProperty("X-Scenario", name);
        for (String[] h : headerPairs(headers)) c.setRequestProperty(h[0], h[1]);
        if (body != null) {
            c.setDoOutput(true);
            c.setRequestProperty("Content-Type", "application/json");
            try (OutputStream os = c.getOutputStream()) {
                os.write(body.getBytes(StandardCharsets.UTF_8));
            }
        }
        int status = c.getResponseCode();
        InputStream in = status >= 400 ? c.getErrorStream() : c.getInputStream();
        String text = in == null ? "" : new String(readAll(in), StandardCharsets.UTF_8);
        Map<String, List<String>> all = c.getHeaderFields();
        String echoFromMap = all.entrySet().stream().filter(e -> "X-Echo".equalsIgnoreCase(e.getKey()))
                .map(e -> String.join(";", e.getValue())).collect(Collectors.joining());
        return status + " " + oneLine(text) + " " + c.getHeaderField("X-Echo") + " " + echoFromMap;
    }

    private static String jhc(HttpClient client, String name, String method, String url, String headers, String body, String reader)
            throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).header("X-Scenario", name)
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        for (String[] h : headerPairs(headers)) b.header(h[0], h[1]);
        if (body != null) b.header("Content-Type", "application/json");
        HttpRequest request = b.build();
        String text;
        HttpResponse<?> response;
        switch (reader) {
            case "stream": {
                HttpResponse<InputStream> r = client.send(request, HttpResponse.BodyHandlers.ofInputStream());
                try (InputStream in = r.body()) {
                    text = new String(readAll(in), StandardCharsets.UTF_8);
                }
                response = r;
                break;
            }
            case "lines": {
                HttpResponse<java.util.stream.Stream<String>> r = client.send(request, HttpResponse.BodyHandlers.ofLines());
                text = r.body().collect(Collectors.joining("\n"));
                response = r;
                break;
            }
            case "async": {
                HttpResponse<String> r = client.sendAsync(request, HttpResponse.BodyHandlers.ofString()).join();
                text = r.body();
                response = r;
                break;
            }
            default: {
                HttpResponse<String> r = client.send(request, HttpResponse.BodyHandlers.ofString());
                text = r.body();
                response = r;
            }
        }
        String appView = request.headers().map().entrySet().stream().filter(e -> !e.getKey().equalsIgnoreCase("X-Scenario"))
                .map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(";"));
        return response.statusCode() + " " + oneLine(text) + " " + response.headers().firstValue("X-Echo").orElse("null")
                + " request-headers[" + appView + "] uri[" + request.uri() + "] version[" + response.version() + "]";
    }

    private static String oneLine(String s) {
        return s.replace('\n', '~').replace(' ', '_');
    }

    private static byte[] readAll(InputStream in) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        in.transferTo(out);
        return out.toByteArray();
    }
}
