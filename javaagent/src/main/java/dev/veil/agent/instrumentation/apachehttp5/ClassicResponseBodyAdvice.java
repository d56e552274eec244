package dev.veil.agent.instrumentation.apachehttp5;

import dev.veil.agent.bootstrap.Bridge;
import java.io.InputStream;
import net.bytebuddy.asm.Advice;
import org.apache.hc.core5.http.ClassicHttpResponse;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.HttpEntity;
import org.apache.hc.core5.http.io.entity.InputStreamEntity;

/**
 * Inlined into {@code InternalHttpClient/MinimalHttpClient.doExecute}: the response the application gets has
 * a text body that is scrubbed as it is read (decoded content, streaming); binary bodies keep their entity.
 */
public final class ClassicResponseBodyAdvice {
    private ClassicResponseBodyAdvice() {}

    @Advice.OnMethodExit(suppress = Throwable.class)
    public static void exit(@Advice.Return ClassicHttpResponse response) {
        try {
            HttpEntity entity = response == null ? null : response.getEntity();
            if (entity == null) return;
            String type = entity.getContentType();
            InputStream in = entity.getContent();
            InputStream out = Bridge.responseBody(type, in);
            if (out == in) return;
            response.setEntity(new InputStreamEntity(out, -1, type == null ? null : ContentType.parse(type), entity.getContentEncoding()));
        } catch (Throwable t) {
            Bridge.failed("Apache HttpClient 5 response", t);
        }
    }
}
