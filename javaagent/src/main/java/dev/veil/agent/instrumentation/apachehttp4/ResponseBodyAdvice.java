package dev.veil.agent.instrumentation.apachehttp4;

import dev.veil.agent.bootstrap.Bridge;
import java.io.InputStream;
import net.bytebuddy.asm.Advice;
import org.apache.http.Header;
import org.apache.http.HttpEntity;
import org.apache.http.HttpResponse;
import org.apache.http.entity.BasicHttpEntity;

/**
 * Inlined into {@code InternalHttpClient/MinimalHttpClient.doExecute}: the response the application gets has
 * a text body that is scrubbed as it is read (decoded content, streaming); binary bodies keep their entity.
 */
public final class ResponseBodyAdvice {
    private ResponseBodyAdvice() {}

    @Advice.OnMethodExit(suppress = Throwable.class)
    public static void exit(@Advice.Return HttpResponse response) {
        try {
            HttpEntity entity = response == null ? null : response.getEntity();
            if (entity == null) return;
            Header type = entity.getContentType();
            InputStream in = entity.getContent();
            InputStream out = Bridge.responseBody(type == null ? null : type.getValue(), in);
            if (out == in) return;
            BasicHttpEntity scrubbed = new BasicHttpEntity();
            scrubbed.setContent(out);
            scrubbed.setContentType(type);
            scrubbed.setContentEncoding(entity.getContentEncoding());
            scrubbed.setChunked(entity.isChunked());
            response.setEntity(scrubbed);
        } catch (Throwable t) {
            Bridge.failed("Apache HttpClient 4 response", t);
        }
    }
}
