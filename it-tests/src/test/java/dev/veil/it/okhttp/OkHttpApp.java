package dev.veil.it.okhttp;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import okhttp3.Call;
import okhttp3.Callback;
import okhttp3.Credentials;
import okhttp3.HttpUrl;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import okio.BufferedSource;

/**
 * The client side of {@link OkHttpTest}, run in a child JVM with the agent on one OkHttp version. Compiled
 * against OkHttp 3.14 and using only what 4.x and 5.x keep. Prints one line per scenario,
 * {@code <name>: ok <what the app saw>} or {@code <name>: failed <exception class> <message>}.
 * Arguments: base URL of server A (allowed), of server B (another host), of the TLS server, and the real
 * value of {@code veil:openai} (only to try sending it where it must not go, and to check binary bodies).
 */
public final class OkHttpApp {
    interface Scenario {
        String run() throws Exception;
    }

    public static void main(String[] args) throws Exception {
        String a = args[0];
        String b = args[1];
        String tls = args[2];
        String real = args[3];
        OkHttpClient client = new OkHttpClient.Builder()
                // Logs like an SDK's logging interceptor: must see placeholders, never the value.
                .addInterceptor(chain -> {
                    Request r = chain.request();
                    System.out.println("app-interceptor " + describe(r));
                    return chain.proceed(r);
                })
                .addNetworkInterceptor(chain -> {
                    Request r = chain.request();
                    System.out.println("network-interceptor " + describe(r));
                    return chain.proceed(r);
                })
                .authenticator((route, response) -> response.request().header("Authorization") != null ? null
                        : response.request().newBuilder().header("Authorization", "Bearer veil:openai").build())
                .readTimeout(20, TimeUnit.SECONDS)
                .build();
        MediaType json = MediaType.parse("application/json");

        run("header", () -> {
            try (Response r = client.newCall(new Request.Builder().url(a + "/v1/echo").header("Authorization", "Bearer veil:openai").build()).execute()) {
                return r.code() + " echo-header=" + r.header("X-Echo") + " request=" + r.request().header("Authorization")
                        + " network-request=" + r.networkResponse().request().header("Authorization") + " body=" + r.body().string();
            }
        });
        run("basic", () -> call(client, new Request.Builder().url(a + "/v1/basic").header("Authorization", Credentials.basic("user", "veil:openai")).build()));
        run("x-api-key", () -> call(client, new Request.Builder().url(a + "/v1/key").header("X-Api-Key", "veil:apikey").build()));
        run("query", () -> call(client, new Request.Builder().url(a + "/v1/query?key=veil:openai&x=1").build()));
        run("query-encoded", () -> call(client, new Request.Builder().url(HttpUrl.parse(a + "/v1/query-encoded").newBuilder()
                .addQueryParameter("key", "veil:openai").addQueryParameter("x", "1").build()).build()));
        run("body", () -> call(client, new Request.Builder().url(a + "/v1/body").post(RequestBody.create(json, "{\"key\":\"veil:openai\",\"n\":1}")).build()));
        // Not replayable: sent as the application wrote it (a placeholder is harmless on the wire), never read twice.
        run("one-shot-body", () -> call(client, new Request.Builder().url(a + "/v1/one-shot").post(new RequestBody() {
            @Override public MediaType contentType() { return json; }
            @Override public boolean isOneShot() { return true; }
            @Override public void writeTo(okio.BufferedSink sink) throws IOException { sink.writeUtf8("{\"key\":\"veil:openai\"}"); }
        }).build()));
        // OkHttp keeps userinfo in HttpUrl but never sends it.
        run("userinfo", () -> call(client, new Request.Builder().url(a.replace("http://", "http://user:veil%3Aopenai@") + "/v1/userinfo").build()));
        run("gzip", () -> call(client, new Request.Builder().url(a + "/v1/gzip").header("Authorization", "Bearer veil:openai").build()));
        run("wrong-host", () -> call(client, new Request.Builder().url(b + "/v1/wrong-host").header("Authorization", "Bearer veil:openai").build()));
        run("wrong-method", () -> call(client, new Request.Builder().url(a + "/v1/wrong-method").delete().header("Authorization", "Bearer veil:openai").build()));
        run("wrong-path", () -> call(client, new Request.Builder().url(a + "/admin/wrong-path").header("Authorization", "Bearer veil:openai").build()));
        run("wrong-part", () -> call(client, new Request.Builder().url(a + "/v1/wrong-part?key=veil:apikey").build()));
        run("wrong-agent", () -> call(client, new Request.Builder().url(a + "/v1/wrong-agent").header("Authorization", "Bearer veil:elsewhere").build()));
        for (int i = 1; i <= 3; i++) {
            run("rate-" + i, () -> call(client, new Request.Builder().url(a + "/v1/rate").header("Authorization", "Bearer veil:limited").build()));
        }
        run("unknown", () -> call(client, new Request.Builder().url(a + "/v1/unknown").header("Authorization", "Bearer veil:nosuchthing").build()));
        run("egress", () -> call(client, new Request.Builder().url(b + "/v1/egress").header("X-Forward", real).build()));
        run("redirect-authorization", () -> call(client, new Request.Builder().url(a + "/v1/redirect-authorization").header("Authorization", "Bearer veil:openai").build()));
        run("redirect-api-key", () -> call(client, new Request.Builder().url(a + "/v1/redirect-api-key").header("X-Api-Key", "veil:apikey").build()));
        run("redirect-same-host", () -> call(client, new Request.Builder().url(a + "/v1/redirect-same-host").header("X-Api-Key", "veil:apikey").build()));
        run("warm", () -> call(client, new Request.Builder().url(a + "/v1/warm").build()));
        run("retry", () -> call(client, new Request.Builder().url(a + "/v1/retry").header("Authorization", "Bearer veil:openai").build()));
        run("authenticator", () -> call(client, new Request.Builder().url(a + "/v1/authenticate").build()));
        run("async-allowed", () -> async(client, new Request.Builder().url(a + "/v1/async").header("Authorization", "Bearer veil:openai").build()));
        run("async-denied", () -> async(client, new Request.Builder().url(b + "/v1/async-denied").header("Authorization", "Bearer veil:openai").build()));
        run("sse", () -> {
            try (Response r = client.newCall(new Request.Builder().url(a + "/v1/sse").header("Authorization", "Bearer veil:openai").build()).execute()) {
                BufferedSource source = r.body().source();
                StringBuilder events = new StringBuilder();
                for (String line; (line = source.readUtf8Line()) != null; ) {
                    if (!line.isEmpty()) events.append(line).append('|');
                }
                return r.code() + " " + events;
            }
        });
        run("byte-stream", () -> {
            try (Response r = client.newCall(new Request.Builder().url(a + "/v1/echo").header("Authorization", "Bearer veil:openai").build()).execute();
                 InputStream in = r.body().byteStream()) {
                return r.code() + " body=" + new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
        });
        run("binary", () -> {
            try (Response r = client.newCall(new Request.Builder().url(a + "/v1/binary").header("Authorization", "Bearer veil:openai").build()).execute()) {
                byte[] bytes = r.body().bytes();
                return r.code() + " untouched=" + new String(bytes, StandardCharsets.ISO_8859_1).equals("\u0000\u0001" + real + "\u00ff");
            }
        });
        run("tls", () -> {
            try (Response r = client.newCall(new Request.Builder().url(tls + "/v1/tls").header("Authorization", "Bearer veil:openai").build()).execute()) {
                return r.code() + " " + r.protocol() + " body=" + r.body().string();
            }
        });
        client.dispatcher().executorService().shutdown();
        client.connectionPool().evictAll();
    }

    /** What an SDK's logging interceptor would print (not every header: the egress scenario sets one to the real value). */
    private static String describe(Request r) {
        return r.method() + " " + r.url() + " Authorization=" + r.header("Authorization") + " X-Api-Key=" + r.header("X-Api-Key");
    }

    private static String call(OkHttpClient client, Request request) throws IOException {
        try (Response r = client.newCall(request).execute()) {
            return r.code() + " body=" + r.body().string();
        }
    }

    private static String async(OkHttpClient client, Request request) throws Exception {
        CompletableFuture<String> result = new CompletableFuture<>();
        client.newCall(request).enqueue(new Callback() {
            @Override public void onFailure(Call call, IOException e) {
                result.completeExceptionally(e);
            }

            @Override public void onResponse(Call call, Response response) throws IOException {
                try (Response r = response) {
                    result.complete(r.code() + " body=" + r.body().string());
                }
            }
        });
        try {
            return result.get(30, TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
            throw (Exception) e.getCause();
        }
    }

    private static void run(String name, Scenario s) {
        String line;
        try {
            line = name + ": ok " + s.run();
        } catch (Exception e) {
            line = name + ": failed " + e.getClass().getName() + " " + e.getMessage();
        }
        System.out.println(line);
    }
}
