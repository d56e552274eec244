package dev.veil.agent.instrumentation.apachehttp4;

import dev.veil.agent.bootstrap.Bridge;
import dev.veil.agent.bootstrap.HttpParts;
import java.io.IOException;
import net.bytebuddy.asm.Advice;
import org.apache.http.Header;
import org.apache.http.HttpEntity;
import org.apache.http.HttpEntityEnclosingRequest;
import org.apache.http.HttpHost;
import org.apache.http.HttpRequest;
import org.apache.http.RequestLine;
import org.apache.http.entity.ByteArrayEntity;
import org.apache.http.entity.StringEntity;
import org.apache.http.message.BasicHeader;
import org.apache.http.message.BasicHttpEntityEnclosingRequest;
import org.apache.http.message.BasicHttpRequest;
import org.apache.http.message.BasicRequestLine;
import org.apache.http.protocol.HttpContext;
import org.apache.http.util.EntityUtils;

/**
 * Inlined into {@code HttpRequestExecutor.execute(request, connection, context)}: the request about to be
 * written has its placeholders (header values, Basic credentials, query, an in-memory text body) swapped by
 * the bridge, in a copy that only this call sends. The request the exec chain holds keeps its placeholders,
 * so redirects, retries and auth retries come back here with them and are decided again. A denial is the
 * bridge's IOException, thrown before anything is written.
 */
public final class RequestAdvice {
    private RequestAdvice() {}

    @Advice.OnMethodEnter
    public static void enter(@Advice.Argument(value = 0, readOnly = false) HttpRequest request,
                             @Advice.Argument(2) HttpContext context) throws IOException {
        if (request == null || context == null) return;
        HttpRequest copy = null;
        try {
            RequestLine line = request.getRequestLine();
            String method = line.getMethod();
            String target = line.getUri();
            Object host = context.getAttribute("http.target_host");
            String url = HttpParts.url(host instanceof HttpHost ? ((HttpHost) host).toURI() : "http://unknown", target);
            String newTarget = HttpParts.target(method, url, target);
            Header[] headers = request.getAllHeaders();
            Header[] swapped = null;
            for (int i = 0; i < headers.length; i++) {
                String value = headers[i].getValue();
                String out = HttpParts.header(method, url, value);
                if (out != value) {
                    if (swapped == null) swapped = headers.clone();
                    swapped[i] = new BasicHeader(headers[i].getName(), out);
                }
            }
            HttpEntity entity = request instanceof HttpEntityEnclosingRequest ? ((HttpEntityEnclosingRequest) request).getEntity() : null;
            HttpEntity newEntity = null;
            // Only bodies held in memory are read; a streaming entity goes out as it is (placeholders unswapped).
            if ((entity instanceof StringEntity || entity instanceof ByteArrayEntity) && entity.getContentLength() <= HttpParts.MAX_BODY) {
                byte[] bytes = EntityUtils.toByteArray(entity);
                Header type = entity.getContentType();
                byte[] out = HttpParts.body(method, url, type == null ? null : type.getValue(), bytes);
                if (out != bytes) {
                    ByteArrayEntity replaced = new ByteArrayEntity(out);
                    replaced.setContentType(type);
                    replaced.setContentEncoding(entity.getContentEncoding());
                    replaced.setChunked(entity.isChunked());
                    newEntity = replaced;
                }
            }
            if (swapped == null && newTarget == target && newEntity == null) return;
            RequestLine newLine = new BasicRequestLine(method, newTarget, line.getProtocolVersion());
            if (entity != null || request instanceof HttpEntityEnclosingRequest) {
                BasicHttpEntityEnclosingRequest enclosing = new BasicHttpEntityEnclosingRequest(newLine);
                enclosing.setEntity(newEntity != null ? newEntity : entity);
                copy = enclosing;
            } else {
                copy = new BasicHttpRequest(newLine);
            }
            copy.setHeaders(swapped != null ? swapped : headers);
            if (newEntity != null && copy.containsHeader("Content-Length")) {
                copy.setHeader("Content-Length", Long.toString(newEntity.getContentLength()));
            }
        } catch (IOException denied) {
            throw denied;
        } catch (Throwable t) {
            Bridge.failed("Apache HttpClient 4 request", t);
            return;
        }
        request = copy;
    }
}
