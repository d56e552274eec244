package dev.veil.it.apache;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.apache.hc.client5.http.auth.AuthScope;
import org.apache.hc.client5.http.auth.UsernamePasswordCredentials;
import org.apache.hc.client5.http.impl.DefaultHttpRequestRetryStrategy;
import org.apache.hc.client5.http.impl.auth.BasicCredentialsProvider;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.core5.http.ClassicHttpRequest;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.io.entity.EntityUtils;
import org.apache.hc.core5.http.io.entity.StringEntity;
import org.apache.hc.core5.http.io.support.ClassicRequestBuilder;
import org.apache.hc.core5.util.TimeValue;

/** Apache HttpClient 5.x classic, default client (redirects, retries, Basic auth from a credentials provider). */
public final class Apache5App {
    public static void main(String[] args) throws Exception {
        BasicCredentialsProvider creds = new BasicCredentialsProvider();
        creds.setCredentials(new AuthScope("127.0.0.1", Scenarios.port(args[0])), new UsernamePasswordCredentials("user", "veil:t".toCharArray()));
        try (CloseableHttpClient client = HttpClients.custom().setDefaultCredentialsProvider(creds)
                .setRetryStrategy(new DefaultHttpRequestRetryStrategy(1, TimeValue.ofMilliseconds(10))).build()) {
            Scenarios.run((method, url, headers, body) -> {
                ClassicRequestBuilder builder = ClassicRequestBuilder.create(method).setUri(url);
                for (Map.Entry<String, String> h : headers.entrySet()) builder.setHeader(h.getKey(), h.getValue());
                if (body != null) builder.setEntity(new StringEntity(body, ContentType.APPLICATION_JSON));
                ClassicHttpRequest request = builder.build();
                return client.execute(request, response -> {
                    Header echo = response.getFirstHeader("X-Echo");
                    byte[] bytes = response.getEntity() == null ? new byte[0] : EntityUtils.toByteArray(response.getEntity());
                    StringBuilder after = new StringBuilder();
                    for (Header h : request.getHeaders()) after.append(h.getName()).append(':').append(h.getValue()).append(';');
                    String afterBody = request.getEntity() == null ? null : new String(EntityUtils.toByteArray(request.getEntity()), StandardCharsets.UTF_8);
                    return new Scenarios.Outcome(response.getCode(), echo == null ? "" : echo.getValue(), bytes,
                            after.toString(), request.getRequestUri(), afterBody);
                });
            }, args);
        }
    }
}
