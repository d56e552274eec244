package dev.veil.agent.instrumentation.apachehttp5;

import dev.veil.agent.bootstrap.Bridge;
import net.bytebuddy.asm.Advice;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.HttpMessage;
import org.apache.hc.core5.http.HttpResponse;
import org.apache.hc.core5.http.message.BasicHeader;

/** Inlined into the classic and async {@code AbstractMessageParser.parse}: a response's header values with real values replaced by placeholders. */
public final class ResponseHeadersAdvice {
    private ResponseHeadersAdvice() {}

    @Advice.OnMethodExit(suppress = Throwable.class)
    public static void exit(@Advice.Return HttpMessage message) {
        if (!(message instanceof HttpResponse)) return;
        Header[] headers = message.getHeaders();
        Header[] scrubbed = null;
        for (int i = 0; i < headers.length; i++) {
            String value = headers[i].getValue();
            String out = Bridge.withPlaceholders(value);
            if (out != value) {
                if (scrubbed == null) scrubbed = headers.clone();
                scrubbed[i] = new BasicHeader(headers[i].getName(), out, headers[i].isSensitive());
            }
        }
        if (scrubbed != null) message.setHeaders(scrubbed);
    }
}
