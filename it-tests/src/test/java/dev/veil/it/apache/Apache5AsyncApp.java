package dev.veil.it.apache;

import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.hc.client5.http.async.methods.SimpleHttpRequest;
import org.apache.hc.client5.http.async.methods.SimpleHttpResponse;
import org.apache.hc.client5.http.async.methods.SimpleRequestBuilder;
import org.apache.hc.client5.http.auth.AuthScope;
import org.apache.hc.client5.http.auth.UsernamePasswordCredentials;
import org.apache.hc.client5.http.impl.DefaultHttpRequestRetryStrategy;
import org.apache.hc.client5.http.impl.async.CloseableHttpAsyncClient;
import org.apache.hc.client5.http.impl.async.HttpAsyncClients;
import org.apache.hc.client5.http.impl.auth.BasicCredentialsProvider;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.RequestNotExecutedException;
import org.apache.hc.core5.util.TimeValue;

/** Apache HttpClient 5.x async (HTTP/1.1), default client (redirects, retries, Basic auth from a credentials provider). */
public final class Apache5AsyncApp {
    public static void main(String[] args) throws Exception {
        BasicCredentialsProvider creds = new BasicCredentialsProvider();
        creds.setCredentials(new AuthScope("127.0.0.1", Scenarios.port(args[0])), new UsernamePasswordCredentials("user", "veil:t".toCharArray()));
        try (CloseableHttpAsyncClient client = HttpAsyncClients.custom().setDefaultCredentialsProvider(creds)
                .setRetryStrategy(new DefaultHttpRequestRetryStrategy(1, TimeValue.ofMilliseconds(10))).build()) {
            client.start();
            Scenarios.run((method, url, headers, body) -> {
                SimpleRequestBuilder builder = SimpleRequestBuilder.create(method).setUri(url);
                for (Map.Entry<String, String> h : headers.entrySet()) builder.setHeader(h.getKey(), h.getValue());
                if (body != null) builder.setBody(body, ContentType.APPLICATION_JSON);
                SimpleHttpRequest request = builder.build();
                SimpleHttpResponse response = execute(client, request);
                Header echo = response.getFirstHeader("X-Echo");
                StringBuilder after = new StringBuilder();
                for (Header h : request.getHeaders()) after.append(h.getName()).append(':').append(h.getValue()).append(';');
                return new Scenarios.Outcome(response.getCode(), echo == null ? "" : echo.getValue(),
                        response.getBodyBytes() == null ? new byte[0] : response.getBodyBytes(),
                        after.toString(), request.getRequestUri(), request.getBodyText());
            }, args);
        }
    }

    /**
     * Once more when the pool handed out a keep-alive connection the server had just closed: the
     * request never left (no hook ran, no Veil decision), as an application's own retry would do.
     */
    private static SimpleHttpResponse execute(CloseableHttpAsyncClient client, SimpleHttpRequest request) throws Exception {
        try {
            return client.execute(request, null).get(30, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof RequestNotExecutedException)) throw e;
            return client.execute(request, null).get(30, TimeUnit.SECONDS);
        }
    }
}
