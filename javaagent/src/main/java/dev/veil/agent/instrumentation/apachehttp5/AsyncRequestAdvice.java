package dev.veil.agent.instrumentation.apachehttp5;

import dev.veil.agent.bootstrap.Bridge;
import dev.veil.agent.bootstrap.HttpParts;
import java.io.IOException;
import net.bytebuddy.asm.Advice;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.HttpRequest;
import org.apache.hc.core5.http.message.BasicHeader;

/**
 * Inlined into {@code ClientHttp1StreamHandler.commitRequest(request, entityDetails)}, which writes an async
 * request head into the connection's buffer: placeholders in header values (Basic credentials too) and the
 * query are swapped for that write and put back when it returns. A denial is the bridge's IOException, which
 * the stream handler turns into the exchange failing (the future fails, the callback's {@code failed} runs);
 * nothing is written. Bodies are handled by {@link AsyncExecAdvice}.
 */
public final class AsyncRequestAdvice {
    private AsyncRequestAdvice() {}

    /** Returns what to put back: {headers, path}, or null when nothing was swapped. */
    @Advice.OnMethodEnter
    public static Object[] enter(@Advice.Argument(0) HttpRequest request) throws IOException {
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
            if (swapped == null && newPath == path) return null;
            Object[] restore = new Object[] {headers, path};
            if (swapped != null) request.setHeaders(swapped);
            if (newPath != path) request.setPath(newPath);
            return restore;
        } catch (IOException denied) {
            throw denied;
        } catch (Throwable t) {
            Bridge.failed("Apache HttpClient 5 async request", t);
            return null;
        }
    }

    @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
    public static void exit(@Advice.Argument(0) HttpRequest request, @Advice.Enter Object[] restore) {
        if (restore == null) return;
        request.setHeaders((Header[]) restore[0]);
        request.setPath((String) restore[1]);
    }
}
