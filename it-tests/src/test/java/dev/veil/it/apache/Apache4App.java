package dev.veil.it.apache;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.apache.http.Header;
import org.apache.http.HttpEntityEnclosingRequest;
import org.apache.http.auth.AuthScope;
import org.apache.http.auth.UsernamePasswordCredentials;
import org.apache.http.client.methods.CloseableHttpResponse;
import org.apache.http.client.methods.HttpDelete;
import org.apache.http.client.methods.HttpGet;
import org.apache.http.client.methods.HttpPost;
import org.apache.http.client.methods.HttpRequestBase;
import org.apache.http.entity.ContentType;
import org.apache.http.entity.StringEntity;
import org.apache.http.impl.client.BasicCredentialsProvider;
import org.apache.http.impl.client.CloseableHttpClient;
import org.apache.http.impl.client.HttpClients;
import org.apache.http.util.EntityUtils;

/** Apache HttpClient 4.5 classic, default client (redirects, retries, Basic auth from a credentials provider). */
public final class Apache4App {
    public static void main(String[] args) throws Exception {
        BasicCredentialsProvider creds = new BasicCredentialsProvider();
        creds.setCredentials(new AuthScope("127.0.0.1", Scenarios.port(args[0])), new UsernamePasswordCredentials("user", "veil:t"));
        try (CloseableHttpClient client = HttpClients.custom().setDefaultCredentialsProvider(creds).build()) {
            Scenarios.run((method, url, headers, body) -> {
                HttpRequestBase request = method.equals("POST") ? new HttpPost(url) : method.equals("DELETE") ? new HttpDelete(url) : new HttpGet(url);
                for (Map.Entry<String, String> h : headers.entrySet()) request.setHeader(h.getKey(), h.getValue());
                if (body != null) ((HttpEntityEnclosingRequest) request).setEntity(new StringEntity(body, ContentType.APPLICATION_JSON));
                try (CloseableHttpResponse response = client.execute(request)) {
                    Header echo = response.getFirstHeader("X-Echo");
                    byte[] bytes = response.getEntity() == null ? new byte[0] : EntityUtils.toByteArray(response.getEntity());
                    StringBuilder after = new StringBuilder();
                    for (Header h : request.getAllHeaders()) after.append(h.getName()).append(':').append(h.getValue()).append(';');
                    String afterBody = request instanceof HttpPost
                            ? new String(EntityUtils.toByteArray(((HttpPost) request).getEntity()), StandardCharsets.UTF_8) : null;
                    return new Scenarios.Outcome(response.getStatusLine().getStatusCode(), echo == null ? "" : echo.getValue(), bytes,
                            after.toString(), request.getURI().toString(), afterBody);
                }
            }, args);
        }
    }
}
