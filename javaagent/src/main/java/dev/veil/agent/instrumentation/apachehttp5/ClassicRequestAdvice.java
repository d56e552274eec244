package dev.veil.agent.instrumentation.apachehttp5;

import dev.veil.agent.bootstrap.Bridge;
import dev.veil.agent.bootstrap.HttpParts;
import java.io.IOException;
import net.bytebuddy.asm.Advice;
import org.apache.hc.core5.http.ClassicHttpRequest;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.HttpEntity;
import org.apache.hc.core5.http.io.entity.ByteArrayEntity;
import org.apache.hc.core5.http.io.entity.EntityUtils;
import org.apache.hc.core5.http.io.entity.StringEntity;
import org.apache.hc.core5.http.message.BasicHeader;

/**
 * Inlined into {@code HttpRequestExecutor.execute(request, connection, informationCallback, context)}, which
 * writes the request and reads the response head: placeholders in header values (Basic credentials too), the
 * query and an in-memory text body are swapped for this one write and put back when it returns, so every
 * layer above (redirects, retries, auth, the application) keeps the placeholders and each hop is decided
 * again. A denial is the bridge's IOException, thrown before anything is written.
 */
public final class ClassicRequestAdvice {
    private ClassicRequestAdvice() {}

    /** Returns what to put back: {headers, path, entity}, or null when nothing was swapped. */
    @Advice.OnMethodEnter
    public static Object[] enter(@Advice.Argument(0) ClassicHttpRequest request) throws IOException {
        if (request == null) return null;
        try {
            String method = request.getMethod();
            String path = request.getPath();
            String url = HttpParts.url(request.getScheme() + "://" + request.getAuthority(), path);
            String newPath = HttpParts.target(method, url, path);
            Header[] headers = request.getHeaders();
            Header[] swapped = null;
            for (int i = 0; i < headers.length; i++) {
                String value = headers[i].getValue();
                String out = HttpParts.header(method, url, value);
                if (out != value) {
                    if (swapped == null) swapped = headers.clone();
                    swapped[i] = new BasicHeader(headers[i].getName(), out, headers[i].isSensitive());
                }
            }
            HttpEntity entity = request.getEntity();
            HttpEntity newEntity = null;
            // Only bodies held in memory are read; a streaming entity goes out as it is (placeholders unswapped).
            if ((entity instanceof StringEntity || entity instanceof ByteArrayEntity) && entity.getContentLength() <= HttpParts.MAX_BODY) {
                byte[] bytes = EntityUtils.toByteArray(entity);
                byte[] out = HttpParts.body(method, url, entity.getContentType(), bytes);
                if (out != bytes) {
                    newEntity = new ByteArrayEntity(out, entity.getContentType() == null ? null : ContentType.parse(entity.getContentType()),
                            entity.getContentEncoding(), entity.isChunked());
                }
            }
            if (swapped == null && newPath == path && newEntity == null) return null;
            Object[] restore = new Object[] {headers, path, entity};
            if (swapped != null) request.setHeaders(swapped);
            if (newPath != path) request.setPath(newPath);
            if (newEntity != null) {
                request.setEntity(newEntity);
                if (request.containsHeader("Content-Length")) request.setHeader("Content-Length", Long.toString(newEntity.getContentLength()));
            }
            return restore;
        } catch (IOException denied) {
            throw denied;
        } catch (Throwable t) {
            Bridge.failed("Apache HttpClient 5 request", t);
            return null;
        }
    }

    @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
    public static void exit(@Advice.Argument(0) ClassicHttpRequest request, @Advice.Enter Object[] restore) {
        if (restore == null) return;
        request.setHeaders((Header[]) restore[0]);
        request.setPath((String) restore[1]);
        request.setEntity((HttpEntity) restore[2]);
    }
}
