package dev.veil.agent.instrumentation.apachehttp5;

import dev.veil.agent.bootstrap.Bridge;
import dev.veil.agent.bootstrap.HttpParts;
import dev.veil.agent.bootstrap.ProducedBody;
import dev.veil.agent.bootstrap.ScrubbingCallback;
import java.io.IOException;
import java.lang.reflect.Proxy;
import net.bytebuddy.asm.Advice;
import org.apache.hc.client5.http.async.AsyncExecCallback;
import org.apache.hc.client5.http.async.AsyncExecChain;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.HttpRequest;
import org.apache.hc.core5.http.nio.AsyncEntityProducer;
import org.apache.hc.core5.http.nio.DataStreamChannel;
import org.apache.hc.core5.http.nio.entity.BasicAsyncEntityProducer;
import org.apache.hc.core5.http.nio.entity.StringAsyncEntityProducer;

/**
 * Inlined into {@code HttpAsyncMainClientExec.execute(request, entityProducer, scope, chain, callback)}, once
 * per hop. A repeatable body of known length up to {@link HttpParts#MAX_BODY} (what {@code SimpleHttpRequest}
 * and {@code AsyncEntityProducers} make) is read, its placeholders swapped by the bridge, and sent from a new
 * producer (Content-Length is computed from it later, in the exchange). Other producers go out as they are. The callback is wrapped so text
 * response bodies reach the application scrubbed. A denial never throws here (this runs on I/O threads for
 * redirects and retries): the callback's {@code failed} gets the bridge's IOException and nothing is sent.
 */
public final class AsyncExecAdvice {
    private AsyncExecAdvice() {}

    @Advice.OnMethodEnter(skipOn = Advice.OnNonDefaultValue.class)
    public static boolean enter(@Advice.Argument(0) HttpRequest request,
                                @Advice.Argument(value = 1, readOnly = false) AsyncEntityProducer producer,
                                @Advice.Argument(2) AsyncExecChain.Scope scope,
                                @Advice.Argument(value = 4, readOnly = false) AsyncExecCallback callback) {
        if (request == null || callback == null) return false;
        AsyncEntityProducer replaced = null;
        try {
            // Repeatable producers can be produced again (releaseResources rewinds them, as retries do); the client
            // hands this method its own delegating producer, so the length (known and bounded) is what is checked.
            long length = producer == null ? -1 : producer.getContentLength();
            if (producer != null && producer.isRepeatable()
                    && (length >= 0 && length <= HttpParts.MAX_BODY || producer instanceof StringAsyncEntityProducer)) {
                ProducedBody body = new ProducedBody();
                DataStreamChannel channel = (DataStreamChannel) Proxy.newProxyInstance(
                        DataStreamChannel.class.getClassLoader(), new Class<?>[] {DataStreamChannel.class}, body);
                for (int i = 0; i < 1024 && !body.ended(); i++) producer.produce(channel);
                producer.releaseResources();
                byte[] bytes = body.ended() ? body.bytes() : null;
                String origin = request.getAuthority() != null ? request.getScheme() + "://" + request.getAuthority()
                        : scope.route.getTargetHost().toURI();
                byte[] out = HttpParts.body(request.getMethod(), HttpParts.url(origin, request.getPath()), producer.getContentType(), bytes);
                if (out != bytes) {
                    replaced = new BasicAsyncEntityProducer(out,
                            producer.getContentType() == null ? null : ContentType.parse(producer.getContentType()), producer.isChunked());
                }
            }
        } catch (IOException denied) {
            callback.failed(denied);
            return true;
        } catch (Throwable t) {
            Bridge.failed("Apache HttpClient 5 async request body", t);
        }
        if (replaced != null) producer = replaced;
        try {
            callback = (AsyncExecCallback) ScrubbingCallback.wrap(AsyncExecCallback.class, callback);
        } catch (Throwable t) {
            Bridge.failed("Apache HttpClient 5 async response", t);
        }
        return false;
    }
}
